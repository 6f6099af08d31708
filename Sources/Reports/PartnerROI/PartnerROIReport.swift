import Database
import Foundation
import Rendering

/// `partner-roi`: sums in PostgreSQL inside one read-only snapshot, ratios in Swift from exact
/// sums, and the document the renderers write (SPEC §4.1).
public struct PartnerROIReport: Report, Sendable {
    public static let kind = ReportKind.partnerROI

    public var period: ReportPeriod

    public init(period: ReportPeriod) {
        self.period = period
    }

    /// The period before, of the same length (SPEC §3).
    public var previousPeriod: ReportPeriod { period.previous }

    /// - Throws: `DatabaseError`.
    public func results(on connection: PostgresConnection) throws -> PartnerROIResults {
        let (lines, weekly) = try connection.transaction(.snapshot) {
            (
                try connection.partnerROILines(period: period, previous: previousPeriod),
                try PartnerWeeklyRevenue.read(endingWith: period.last, on: connection)
            )
        }
        return PartnerROIResults(period: period, previousPeriod: previousPeriod, lines: lines, weekly: weekly)
    }

    public var statements: [Statement] {
        [PartnerROISQL.lines(period: period, previous: previousPeriod), PartnerWeeklyRevenue.statement(endingWith: period.last)]
    }

    public func read(using reading: ReportReading) throws -> PartnerROIResults {
        try results(on: reading.connection)
    }

    public func document(_ model: PartnerROIResults, context: ReportContext) -> ReportDocument {
        PartnerROIDocument.make(model, context: context, currency: context.currency)
    }

    /// The options that shaped the numbers, for the reproducibility record.
    public var recordedOptions: [Reproducibility.Setting] {
        [
            .init("previous_period", previousPeriod.label),
            .init("conversion_rate", "re-derived: Σ customers / Σ (customers / rate) over rows with a rate above 0"),
            .init("rollup_cost", "roi and cac over partners with cost rows only"),
        ]
    }
}

/// Partner ROI for a period beside the previous one: partners ranked by revenue, a line per
/// partner type and the total.
public struct PartnerROIResults: Sendable {
    public var period: ReportPeriod
    public var previousPeriod: ReportPeriod
    /// Ranked by current revenue, ties by name.
    public var partners: [PartnerROILine]
    /// By current revenue, ties by type.
    public var types: [PartnerROILine]
    public var total: PartnerROILine
    /// Revenue per week of the 12 weeks to the period's end, per partner (the sparklines).
    public var weekly: PartnerWeeklyRevenue

    public init(period: ReportPeriod, previousPeriod: ReportPeriod, lines: [PartnerROILine], weekly: PartnerWeeklyRevenue? = nil) {
        self.period = period
        self.previousPeriod = previousPeriod
        self.weekly = weekly ?? PartnerWeeklyRevenue(weeks: PartnerWeeklyRevenue.labels(PartnerWeeklyRevenue.mondays(endingWith: period.last)), revenue: [:])
        partners = lines.filter { $0.kind == .partner }.sorted { ($0.rank ?? 0) < ($1.rank ?? 0) }
        types = lines.filter { $0.kind == .type }.sorted {
            $0.current.revenue != $1.current.revenue
                ? $0.current.revenue > $1.current.revenue
                : ($0.partnerType ?? "").unicodeScalars.lexicographicallyPrecedes(($1.partnerType ?? "").unicodeScalars)
        }
        total = lines.first { $0.kind == .total } ?? PartnerROILine(kind: .total, current: .zero)
    }

    /// Neither period has a row of either table.
    public var isEmpty: Bool { partners.isEmpty }

    /// No analytics or cost row in the current period.
    public var currentIsEmpty: Bool { total.quality.rowsRead == 0 && total.quality.costRows == 0 }

    /// Partners with analytics rows in the period and no cost row: roi and cac empty.
    public var partnersWithoutCost: [PartnerROILine] {
        partners.filter { $0.quality.rowsRead > 0 && $0.current.cost == nil }
    }

    /// Partners whose cost rows add up to zero: roi and cac empty.
    public var partnersWithZeroCost: [PartnerROILine] {
        partners.filter { $0.current.cost == 0 }
    }

    /// Partners with cost rows and no analytics rows in the period: 0 customers and revenue.
    public var partnersWithOnlyCost: [PartnerROILine] {
        partners.filter { $0.quality.rowsRead == 0 && $0.quality.costRows > 0 }
    }

    /// Partners with rows in the previous period only.
    public var partnersOnlyInPrevious: [PartnerROILine] {
        partners.filter { $0.quality.rowsRead == 0 && $0.quality.costRows == 0 }
    }

    /// Partners with analytics rows now and none in the previous period.
    public var newPartners: [PartnerROILine] { partners(.new) }

    /// The partners of one status (`PartnerROILine.status`).
    public func partners(_ status: PartnerStatus) -> [PartnerROILine] {
        partners.filter { $0.status == status }
    }
}
