import Database
import Foundation
import Rendering

/// `check`: rules over the report models (`CheckRulesFile`), judged for one period; the alerts
/// that fired and the digest the renderers write and `--send` mails.
///
/// It reads only the models its rules name, through `ReportReading` (so its record holds their
/// statements), plus the daily series of anomaly rules and `real_time_metrics` for
/// `exec-summary` rules.
public struct CheckReport: Report {
    public static let kind = ReportKind.check

    public var period: ReportPeriod
    public var asOf: Date
    public var rules: [CheckRule]
    /// The rules file as named on the command line, and the SHA-256 of its bytes.
    public var rulesFile: String
    public var rulesDigest: String
    /// Guardrail events for `ab-test` rules (`--guardrail`).
    public var guardrails: [String]
    /// Alerts sent before with their values (`--state`): not sent again while unchanged.
    public var sent: CheckSentAlerts

    public init(
        period: ReportPeriod, asOf: Date, rules: [CheckRule], rulesFile: String, rulesDigest: String, guardrails: [String] = [],
        sent: CheckSentAlerts = CheckSentAlerts()
    ) {
        self.period = period
        self.asOf = asOf
        self.rules = rules
        self.rulesFile = rulesFile
        self.rulesDigest = rulesDigest
        self.guardrails = guardrails
        self.sent = sent
    }

    /// The reports the rules name (daily series aside).
    var sources: Set<CheckSource> {
        Set(rules.compactMap { $0.condition.metric.scope == .daily ? nil : $0.condition.metric.report })
    }

    /// The daily series anomaly rules need.
    var seriesSources: [CheckSource] {
        Set(rules.compactMap { $0.condition.metric.scope == .daily ? $0.condition.metric.report : nil }).sorted { $0.rawValue < $1.rawValue }
    }

    /// The daily fields of `source` the anomaly rules name.
    func seriesFields(_ source: CheckSource) -> Set<String> {
        Set(
            rules.compactMap { rule in
                let metric = rule.condition.metric
                return metric.scope == .daily && metric.report == source ? metric.field : nil
            })
    }

    /// The A/B readout rules read: the executive summary's (default alpha and correction).
    var experimentsReport: ABTestReport {
        ExecSummaryReport(period: period, asOf: asOf, guardrails: guardrails).experimentsReport
    }

    public var statements: [Statement] {
        seriesSources.map { CheckDailySQL.statement($0, fields: seriesFields($0), period: period) }
            + (sources.contains(.execSummary) ? [ExecSummarySQL.realTimeMetrics] : [])
    }

    public func read(using reading: ReportReading) throws -> CheckOutcome {
        var inputs = CheckInputs(period: period, asOf: asOf)
        if sources.contains(.partnerROI) { inputs.partners = try reading.model(of: PartnerROIReport(period: period)) }
        if sources.contains(.viral) { inputs.viral = try reading.model(of: ViralReport(period: period)) }
        if sources.contains(.abTest) {
            do {
                inputs.experiments = try reading.model(of: experimentsReport)
            } catch let error as ABTestError where error.isNothingInPeriod {
                inputs.experimentsMissing = error.nothingInPeriodReason
            }
        }
        let connection = reading.connection
        if sources.contains(.execSummary) {
            inputs.realTimeMetrics = try connection.transaction(.snapshot) { try connection.realTimeMetrics() }
        }
        for source in seriesSources {
            inputs.series[source] = try CheckDailySeries.read(source, fields: seriesFields(source), period: period, on: connection)
        }
        return CheckEvaluation.evaluate(rules, on: inputs, sent: sent)
    }

    public func document(_ model: CheckOutcome, context: ReportContext) -> ReportDocument {
        CheckDocument.make(model, context: context)
    }

    public static var recordsCurrency: Bool { false }

    public var recordedOptions: [Reproducibility.Setting] {
        [
            .init("rules_file", rulesFile),
            .init("rules_sha256", rulesDigest),
            .init("rules", rules.map(\.name).joined(separator: ",")),
            .init("anomaly", "robust z = (x − median) / (1.4826 · MAD) of the same weekday over the \(CheckDailySeries.baselineWeeks) weeks before"),
        ] + (guardrails.isEmpty ? [] : [.init("guardrails", guardrails.joined(separator: ","))])
            + (sent.fingerprints.isEmpty ? [] : [.init("state", "\(sent.fingerprints.count) alerts sent before")])
    }
}
