import Database
import Foundation

/// One line of what PostgreSQL sums for partner ROI: a partner, a partner type or the total,
/// with both periods side by side.
public struct PartnerROILine: Sendable, Equatable {
    public enum Kind: String, Sendable { case partner, type, total }

    public var kind: Kind
    /// 1 for the highest revenue in the current period, ties by name; nil for rollups.
    public var rank: Int?
    /// Nil for rollups.
    public var partnerName: String?
    /// Nil when no row of the partner (or of the type's partners) names one.
    public var partnerType: String?
    public var current: PartnerROIFigures
    public var previous: PartnerROIFigures
    public var quality: PartnerROIQuality
    public var previousQuality: PartnerROIQuality

    public init(
        kind: Kind, rank: Int? = nil, partnerName: String? = nil, partnerType: String? = nil,
        current: PartnerROIFigures, previous: PartnerROIFigures = .zero,
        quality: PartnerROIQuality = PartnerROIQuality(), previousQuality: PartnerROIQuality = PartnerROIQuality()
    ) {
        self.kind = kind
        self.rank = rank
        self.partnerName = partnerName
        self.partnerType = partnerType
        self.current = current
        self.previous = previous
        self.quality = quality
        self.previousQuality = previousQuality
    }

    public var customersChange: Double? {
        PartnerROIFigures.change(Decimal(current.customers), from: Decimal(previous.customers))
    }

    public var revenueChange: Double? { PartnerROIFigures.change(current.revenue, from: previous.revenue) }

    /// Where the partner stands between the two periods, by its analytics rows: `new` (rows this
    /// period, none in the previous), `active` (rows in both), `lapsed` (rows in the previous
    /// period only); nil for a partner with cost rows only, and for rollups.
    public var status: PartnerStatus? {
        guard kind == .partner else { return nil }
        switch (quality.rowsRead > 0, previousQuality.rowsRead > 0) {
        case (true, false): return .new
        case (true, true): return .active
        case (false, true): return .lapsed
        case (false, false): return nil
        }
    }

    /// roi − prev_roi, a difference (both must exist).
    public var roiChange: Double? {
        guard let now = current.roi, let before = previous.roi else { return nil }
        return now - before
    }
}

/// A partner's place between the previous period and this one (`status` in partner-roi.csv).
public enum PartnerStatus: String, Sendable, CaseIterable {
    case active, new, lapsed

    /// `Active partners`, as a figure is labelled.
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() + " partners" }

    /// What puts a partner in it.
    public var meaning: String {
        switch self {
        case .active: "rows in both periods"
        case .new: "first rows this period"
        case .lapsed: "rows last period only"
        }
    }
}

extension PostgresConnection {
    /// Partner ROI for `period` and `previous` (the days just before it) in one statement:
    /// one pass over both periods' rows of `partnership_analytics` and `partner_costs`, per
    /// partner with `FILTER` for each period, ranked with a window function and rolled up per
    /// type and in total with `GROUPING SETS`.
    ///
    /// Money is summed as `numeric` and read as `Decimal`; visitors are derived per row as
    /// customers_acquired × 100 / conversion_rate for rates above zero.
    public func partnerROILines(period: ReportPeriod, previous: ReportPeriod) throws -> [PartnerROILine] {
        precondition(previous.last.adding(days: 1) == period.first, "the previous period ends the day before the period")
        return try query(PartnerROISQL.lines(period: period, previous: previous)) { row in
            let kind = PartnerROILine.Kind(rawValue: try row.string("kind")) ?? .total
            func figures(_ prefix: String) throws -> PartnerROIFigures {
                PartnerROIFigures(
                    customers: try row.int(prefix + "customers"), revenue: try row.decimal(prefix + "revenue"),
                    cost: try row.decodeIfPresent(prefix + "cost"), costedRevenue: try row.decimal(prefix + "costed_revenue"),
                    costedCustomers: try row.int(prefix + "costed_customers"),
                    ratedCustomers: try row.int(prefix + "rated_customers"), ratedRevenue: try row.decimal(prefix + "rated_revenue"),
                    visitors: try row.decimal(prefix + "visitors"))
            }
            func quality(_ prefix: String) throws -> PartnerROIQuality {
                var quality = PartnerROIQuality()
                quality.rowsRead = try row.int(prefix + "rows_read")
                quality.nullTypeRows = try row.int(prefix + "null_type_rows")
                quality.unratedRows = try row.int(prefix + "unrated_rows")
                quality.nullCustomersRows = try row.int(prefix + "null_customers_rows")
                quality.nullRevenueRows = try row.int(prefix + "null_revenue_rows")
                quality.nanRevenueRows = try row.int(prefix + "nan_revenue_rows")
                quality.nanCostRows = try row.int(prefix + "nan_cost_rows")
                quality.costRows = try row.int(prefix + "cost_rows")
                quality.daysWithoutCost = try row.int(prefix + "days_without_cost")
                quality.costRowsWithoutAnalytics = try row.int(prefix + "cost_rows_without_analytics")
                return quality
            }
            return PartnerROILine(
                kind: kind, rank: try row.decodeIfPresent("rank"), partnerName: try row.decodeIfPresent("partner_name"),
                partnerType: try row.decodeIfPresent("partner_type"), current: try figures(""), previous: try figures("prev_"),
                quality: try quality(""), previousQuality: try quality("prev_"))
        }
    }
}

/// The partner-ROI statement: both periods' days, from the previous period's first day to the
/// period's last.
enum PartnerROISQL {
    /// Sums kept per period over `joined` (one row per partner-day); `{period}` becomes the
    /// period's condition.
    private static let measures: [(name: String, expression: String)] = [
        ("customers", "coalesce(sum(customers) FILTER (WHERE {period}), 0)"),
        ("revenue", "coalesce(sum(revenue) FILTER (WHERE {period}), 0)"),
        ("cost", "sum(cost) FILTER (WHERE {period})"),
        ("rated_customers", "coalesce(sum(rated_customers) FILTER (WHERE {period}), 0)"),
        ("visitors", "coalesce(sum(visitors) FILTER (WHERE {period}), 0)"),
        ("rated_revenue", "coalesce(sum(rated_revenue) FILTER (WHERE {period}), 0)"),
        ("rows_read", "coalesce(sum(rows_read) FILTER (WHERE {period}), 0)"),
        ("null_type_rows", "coalesce(sum(null_type_rows) FILTER (WHERE {period}), 0)"),
        ("unrated_rows", "coalesce(sum(unrated_rows) FILTER (WHERE {period}), 0)"),
        ("null_customers_rows", "coalesce(sum(null_customers_rows) FILTER (WHERE {period}), 0)"),
        ("null_revenue_rows", "coalesce(sum(null_revenue_rows) FILTER (WHERE {period}), 0)"),
        ("nan_revenue_rows", "coalesce(sum(nan_revenue_rows) FILTER (WHERE {period}), 0)"),
        ("nan_cost_rows", "count(*) FILTER (WHERE nan_cost AND {period})"),
        ("cost_rows", "count(*) FILTER (WHERE has_cost AND {period})"),
        ("days_without_cost", "count(*) FILTER (WHERE has_rows AND NOT has_cost AND {period})"),
        ("cost_rows_without_analytics", "count(*) FILTER (WHERE has_cost AND NOT has_rows AND {period})"),
    ]

    /// Every measure for the current period (`is_current`) and the previous one (`prev_`).
    private static var perPartnerMeasures: String {
        [("", "is_current"), ("prev_", "NOT is_current")].flatMap { prefix, condition in
            measures.map { "\($0.expression.replacingOccurrences(of: "{period}", with: condition)) AS \(prefix)\($0.name)" }
        }.joined(separator: ",\n       ")
    }

    /// The columns of a partner line, and the same summed over a rollup's partners. `costed_*`
    /// count only partners with cost rows in that period; a rollup's cost stays NULL when none has.
    private static func outputColumns(rollup: Bool) -> String {
        let additive = measures.map(\.name).filter { $0 != "cost" }
        return ["", "prev_"].flatMap { prefix -> [String] in
            let hasCost = "\(prefix)cost_rows > 0"
            if rollup {
                return additive.map { "coalesce(sum(\(prefix)\($0)), 0) AS \(prefix)\($0)" } + [
                    "sum(\(prefix)cost) AS \(prefix)cost",
                    "coalesce(sum(\(prefix)revenue) FILTER (WHERE \(hasCost)), 0) AS \(prefix)costed_revenue",
                    "coalesce(sum(\(prefix)customers) FILTER (WHERE \(hasCost)), 0) AS \(prefix)costed_customers",
                ]
            }
            return additive.map { "\(prefix)\($0)" } + [
                "\(prefix)cost",
                "CASE WHEN \(hasCost) THEN \(prefix)revenue ELSE 0 END AS \(prefix)costed_revenue",
                "CASE WHEN \(hasCost) THEN \(prefix)customers ELSE 0 END AS \(prefix)costed_customers",
            ]
        }.joined(separator: ", ")
    }

    /// Partner lines ranked by revenue (ties by name, byte order), then a line per type and the
    /// total. A partner's type is that of its latest day with a type; on a day with several
    /// types, the first alphabetically.
    static func lines(period: ReportPeriod, previous: ReportPeriod) -> Statement {
        Statement(
            "partner_roi",
            """
            WITH days AS (
              SELECT partner_name, analytics_period AS day,
                     count(*) AS rows_read,
                     count(*) FILTER (WHERE partner_type IS NULL) AS null_type_rows,
                     count(*) FILTER (WHERE NOT (conversion_rate > 0 AND conversion_rate <> 'NaN') OR conversion_rate IS NULL) AS unrated_rows,
                     count(*) FILTER (WHERE customers_acquired IS NULL) AS null_customers_rows,
                     count(*) FILTER (WHERE revenue_generated IS NULL) AS null_revenue_rows,
                     count(*) FILTER (WHERE revenue_generated = 'NaN') AS nan_revenue_rows,
                     sum(customers_acquired) AS customers,
                     sum(revenue_generated) FILTER (WHERE revenue_generated <> 'NaN') AS revenue,
                     sum(customers_acquired) FILTER (WHERE conversion_rate > 0 AND conversion_rate <> 'NaN') AS rated_customers,
                     sum(revenue_generated) FILTER (WHERE conversion_rate > 0 AND conversion_rate <> 'NaN' AND revenue_generated <> 'NaN') AS rated_revenue,
                     round(sum(customers_acquired::numeric(38, 20) * 100 / conversion_rate) FILTER (WHERE conversion_rate > 0 AND conversion_rate <> 'NaN'), 18) AS visitors,
                     min(partner_type COLLATE "C") AS day_type
              FROM partnership_analytics
              WHERE analytics_period BETWEEN \(previous.first) AND \(period.last)
              GROUP BY partner_name, analytics_period
            ),
            costs AS (
              SELECT partner_name, analytics_period AS day, nullif(cost, 'NaN') AS cost, cost = 'NaN' AS nan_cost
              FROM partner_costs
              WHERE analytics_period BETWEEN \(previous.first) AND \(period.last)
            ),
            joined AS (
              SELECT coalesce(d.partner_name, c.partner_name) AS partner_name, coalesce(d.day, c.day) AS day,
                     coalesce(d.day, c.day) >= \(period.first) AS is_current,
                     d.partner_name IS NOT NULL AS has_rows, c.cost IS NOT NULL AS has_cost, coalesce(c.nan_cost, false) AS nan_cost,
                     d.customers, d.revenue, d.rated_customers, d.rated_revenue, d.visitors, d.day_type, c.cost,
                     d.rows_read, d.null_type_rows, d.unrated_rows, d.null_customers_rows, d.null_revenue_rows, d.nan_revenue_rows
              FROM days d FULL JOIN costs c ON c.partner_name = d.partner_name AND c.day = d.day
            ),
            partners AS (
              SELECT partner_name,
                     (array_agg(day_type ORDER BY day DESC) FILTER (WHERE day_type IS NOT NULL))[1] AS partner_type,
                     \(raw: perPartnerMeasures)
              FROM joined
              GROUP BY partner_name
            )
            SELECT 'partner' AS kind, row_number() OVER (ORDER BY revenue DESC, partner_name COLLATE "C") AS rank,
                   partner_name, partner_type, \(raw: outputColumns(rollup: false))
            FROM partners
            UNION ALL
            SELECT CASE WHEN grouping(partner_type) = 1 THEN 'total' ELSE 'type' END, NULL, NULL, partner_type,
                   \(raw: outputColumns(rollup: true))
            FROM partners
            GROUP BY GROUPING SETS ((partner_type), ())
            ORDER BY kind, rank, revenue DESC, partner_type
            """)
    }
}
