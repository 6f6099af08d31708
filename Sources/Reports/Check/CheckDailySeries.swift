import Database
import Foundation

/// The daily values anomaly rules read: each local day of the period and of the 8 weeks before
/// it, summed in PostgreSQL, and the first of those days with a row. Days before it count as
/// before the table's history, not as zeros (a day without rows after it is a real zero): the
/// statement reads its 9 weeks only, so it cannot tell an empty start of the window from a table
/// that began later, and takes the cautious reading — fewer baseline days, never false zeros.
public struct CheckDailySeries: Sendable, Equatable {
    /// The days compared with their baseline are the period's; these come first.
    public static let baselineWeeks = 8
    /// A day is judged only when at least this many of its 8 baseline days have data.
    public static let minimumBaselineDays = 4

    public var source: CheckSource
    /// Every day, oldest first: the 56 baseline days before the period, then the period's.
    public var days: [CalendarDate]
    /// Values by field name, one per day.
    public var values: [String: [Decimal]]
    /// The first day of `days` with a row; nil when none has.
    public var firstDayWithData: CalendarDate?

    public init(source: CheckSource, days: [CalendarDate], values: [String: [Decimal]], firstDayWithData: CalendarDate?) {
        self.source = source
        self.days = days
        self.values = values
        self.firstDayWithData = firstDayWithData
    }

    /// The days of the statement: 56 before the period's first day, through its last.
    public static func days(of period: ReportPeriod) -> [CalendarDate] {
        let first = period.first.adding(days: -7 * baselineWeeks)
        return (0..<(7 * baselineWeeks + period.dayCount)).map { first.adding(days: $0) }
    }

    /// Reads `source`'s daily series for `period`, inside one read-only snapshot.
    /// - Throws: `DatabaseError`.
    /// `fields`: those the rules name; the statement computes only them (the others stay 0).
    static func read(
        _ source: CheckSource, fields needed: Set<String>, period: ReportPeriod, on connection: PostgresConnection
    ) throws -> CheckDailySeries {
        let days = days(of: period)
        let statement = CheckDailySQL.statement(source, fields: needed, period: period)
        let fields = CheckMetricCatalog.fields(of: source, scope: .daily).map(\.name)
        var values = Dictionary(uniqueKeysWithValues: fields.map { ($0, Array(repeating: Decimal(0), count: days.count)) })
        var firstDay: CalendarDate?
        let rows = try connection.transaction(.snapshot) { try connection.query(statement) }
        for row in rows {
            guard let index: Int = try row.decodeIfPresent("day_index"), (1...days.count).contains(index) else { continue }
            firstDay = min(firstDay ?? days[index - 1], days[index - 1])
            for field in fields {
                values[field]![index - 1] = try row.decimal(field)
            }
        }
        return CheckDailySeries(source: source, days: days, values: values, firstDayWithData: firstDay)
    }
}

/// The daily statements of anomaly rules. The viral one buckets `created_at` by the local days'
/// first instants with `width_bucket` (bound once as an array and cast once), over an index
/// range of the 9 weeks only; partner sums group by the `DATE` column. Only days with rows come
/// back.
enum CheckDailySQL {
    static func statement(_ source: CheckSource, fields: Set<String>, period: ReportPeriod) -> Statement {
        switch source {
        case .viral: viral(fields: fields, period: period)
        default: partners(period: period)
        }
    }

    /// Only the fields asked for are computed: distinct users per day sort every row of the 9
    /// weeks, and the JSON sums parse each one, which `actions` alone needs neither of.
    static func viral(fields: Set<String>, period: ReportPeriod) -> Statement {
        let days = CheckDailySeries.days(of: period)
        let starts = (days + [period.last.adding(days: 1)]).map { PostgresValue.isoTimestamp(ReportPeriod.startOfDay($0, in: period.timeZone)) }
        let start = ReportPeriod.startOfDay(days[0], in: period.timeZone)
        let expressions =
            [
                ("actions", "count(*)"), ("users", #"count(DISTINCT v.user_email COLLATE "C")"#),
            ] + ViralSQL.keys.map { ($0, "coalesce(sum(\(ViralSQL.value($0))), 0)") }
        let columns = expressions.map { name, expression in fields.contains(name) ? "\(expression) AS \(name)" : "0 AS \(name)" }
        return Statement(
            "check_viral_daily",
            """
            WITH days AS MATERIALIZED (
              SELECT \(starts)::timestamptz[] AS starts
            )
            SELECT width_bucket(v.created_at, d.starts) AS day_index,
                   \(raw: columns.joined(separator: ", "))
            FROM viral_metrics v CROSS JOIN days d
            WHERE v.created_at >= \(start) AND v.created_at < \(period.end)
            GROUP BY 1
            """)
    }

    static func partners(period: ReportPeriod) -> Statement {
        let days = CheckDailySeries.days(of: period)
        let first = days[0]
        return Statement(
            "check_partner_daily",
            """
            WITH analytics AS (
              SELECT analytics_period AS day, coalesce(sum(customers_acquired), 0) AS customers,
                     coalesce(sum(revenue_generated) FILTER (WHERE revenue_generated <> 'NaN'), 0) AS revenue
              FROM partnership_analytics
              WHERE analytics_period BETWEEN \(first) AND \(period.last)
              GROUP BY analytics_period
            ),
            costs AS (
              SELECT analytics_period AS day, coalesce(sum(cost) FILTER (WHERE cost <> 'NaN'), 0) AS cost
              FROM partner_costs
              WHERE analytics_period BETWEEN \(first) AND \(period.last)
              GROUP BY analytics_period
            )
            SELECT (coalesce(a.day, c.day) - \(first)::date) + 1 AS day_index,
                   coalesce(a.customers, 0) AS customers, coalesce(a.revenue, 0) AS revenue, coalesce(c.cost, 0) AS cost
            FROM analytics a FULL JOIN costs c ON c.day = a.day
            """)
    }
}
