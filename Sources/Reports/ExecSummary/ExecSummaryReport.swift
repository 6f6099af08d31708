import Database
import Foundation
import Rendering

/// `exec-summary`: one page for executives built from the other reports' models (partner ROI,
/// viral, the A/B readout) plus `real_time_metrics` (SPEC §4.5). Each model reads its own
/// read-only snapshot and already holds the previous period.
public struct ExecSummaryReport: Report {
    public static let kind = ReportKind.execSummary

    /// A real-time metric older than this before the as-of time is stale.
    public static let staleAfter: TimeInterval = 24 * 60 * 60
    /// Partners listed in the top-partners table.
    public static let defaultTopPartnerCount = 5

    public var period: ReportPeriod
    public var asOf: Date
    public var topPartnerCount: Int
    /// Guardrail events of the experiments (`--guardrail`).
    public var guardrails: [String]

    public init(
        period: ReportPeriod, asOf: Date, topPartnerCount: Int = ExecSummaryReport.defaultTopPartnerCount, guardrails: [String] = []
    ) {
        self.guardrails = guardrails
        self.period = period
        self.asOf = asOf
        self.topPartnerCount = topPartnerCount
    }

    /// Reads every part of the summary. A period in which no A/B test ran has no experiments.
    /// - Throws: `DatabaseError`; `ABTestError` other than "no assignments".
    public func readout(on connection: PostgresConnection) throws -> ExecSummaryReadout {
        let partners = try PartnerROIReport(period: period).results(on: connection)
        let viral = try ViralReport(period: period).readout(on: connection)
        let experiments: ABTestReadout?
        do {
            experiments = try experimentsReport.readout(on: connection)
        } catch let error as ABTestError {
            guard case .noAssignments = error else { throw error }
            experiments = nil
        }
        return try readout(partners: partners, viral: viral, experiments: experiments, on: connection)
    }

    /// Only `real_time_metrics`: the rest comes from the partner, viral and A/B models.
    public var statements: [Statement] { [ExecSummarySQL.realTimeMetrics] }

    /// The partner ROI and viral models the summary is built from.
    public var partnerReport: PartnerROIReport { PartnerROIReport(period: period) }
    public var viralReport: ViralReport { ViralReport(period: period) }

    /// The partner, viral and A/B models through `reading` (reused when this run read them
    /// already), then `real_time_metrics`. A period in which no A/B test ran has no experiments.
    public func read(using reading: ReportReading) throws -> ExecSummaryReadout {
        let partners = try reading.model(of: partnerReport)
        let viral = try reading.model(of: viralReport)
        let experiments: ABTestReadout?
        do {
            experiments = try reading.model(of: experimentsReport)
        } catch let error as ABTestError where error.isNothingInPeriod {
            experiments = nil
        }
        return try readout(partners: partners, viral: viral, experiments: experiments, on: reading.connection)
    }

    /// What its viral and A/B parts reach (partner figures read no partitioned table).
    public func archiveReach(_ model: ExecSummaryReadout) -> [ArchiveReach] {
        viralReport.archiveReach(model.viral) + (model.experiments.map { experimentsReport.archiveReach($0) } ?? [])
    }

    public func document(_ model: ExecSummaryReadout, context: ReportContext) -> ReportDocument {
        ExecSummaryDocument.make(model, context: context, currency: context.currency)
    }

    /// The A/B readout the summary lists experiments from: default alpha and correction, and
    /// the guardrails asked for (`--guardrail`).
    public var experimentsReport: ABTestReport {
        ABTestReport(
            period: period, counting: ABTestCountingOptions(guardrails: guardrails), settings: ABTestSettings(), isLive: false, asOf: asOf)
    }

    /// The summary from models another report of the same run has read already (the weekly
    /// pack), so their statements do not run twice; only `real_time_metrics` is read here.
    public func readout(
        partners: PartnerROIResults, viral: ViralReadout, experiments: ABTestReadout?,
        on connection: PostgresConnection
    ) throws -> ExecSummaryReadout {
        let metrics = try connection.transaction(.snapshot) {
            try connection.realTimeMetrics()
        }
        return ExecSummaryReadout(
            period: period, asOf: asOf, partners: partners, viral: viral, experiments: experiments,
            realTimeMetrics: metrics, topPartnerCount: topPartnerCount)
    }

    /// The options that shaped the output, for the reproducibility record.
    public var recordedOptions: [Reproducibility.Setting] {
        [
            .init("previous_period", period.previous.label),
            .init("top_partners", String(topPartnerCount)),
            .init("stale_after", "24 h before the as-of time"),
            .init("experiments", "A/B readout with the default alpha and correction"),
        ] + (guardrails.isEmpty ? [] : [.init("guardrails", guardrails.joined(separator: ","))])
    }
}

/// One row of `real_time_metrics`.
public struct RealTimeMetric: Sendable, Equatable {
    public var name: String
    /// Rounded to 10 decimals; nil when NULL or unusable.
    public var value: Decimal?
    /// NaN, or of magnitude 10^27 or more: shown empty and counted in the data-quality section.
    public var isValueUnusable: Bool
    /// Nil when NULL or not a real time (`infinity`, before the year 1): the metric is then stale.
    public var lastUpdated: Date?

    public init(name: String, value: Decimal?, isValueUnusable: Bool = false, lastUpdated: Date?) {
        self.name = name
        self.value = value
        self.isValueUnusable = isValueUnusable
        self.lastUpdated = lastUpdated
    }

    /// Stale when last updated more than 24 h before `asOf`, or never.
    public func isStale(asOf: Date) -> Bool {
        guard let lastUpdated else { return true }
        return lastUpdated < asOf.addingTimeInterval(-ExecSummaryReport.staleAfter)
    }
}

enum ExecSummarySQL {
    static let realTimeMetrics = Statement(
        "real_time_metrics",
        """
        SELECT metric_name,
               CASE WHEN metric_value <> 'NaN' AND abs(metric_value) < 1e27 THEN round(metric_value, 10) END AS metric_value,
               metric_value = 'NaN' OR abs(metric_value) >= 1e27 AS unusable_value,
               CASE WHEN last_updated >= '0001-01-01 00:00:00+00' AND last_updated < '10000-01-01 00:00:00+00' THEN last_updated END AS last_updated
        FROM real_time_metrics
        ORDER BY metric_name COLLATE "C"
        """)
}

extension PostgresConnection {
    /// Every row of `real_time_metrics` (a small table of current values), by name.
    public func realTimeMetrics() throws -> [RealTimeMetric] {
        try query(ExecSummarySQL.realTimeMetrics).map { row in
            RealTimeMetric(
                name: try row.string("metric_name"), value: try row.decodeIfPresent("metric_value"),
                isValueUnusable: try row.decodeIfPresent("unusable_value") ?? false,
                lastUpdated: try row.decodeIfPresent("last_updated"))
        }
    }
}
