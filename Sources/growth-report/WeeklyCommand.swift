import ArgumentParser
import Database
import Foundation
import Rendering
import Reports

/// `growth-report weekly`: every report, in every format, for one period, into one folder with
/// one manifest (SPEC §4.6). Built for cron: one line per report on stderr, paths on stdout,
/// and nothing of the pack replaced unless every report was built.
struct WeeklyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weekly",
        abstract: "Write every report in every format for one period (default: last week) into one folder.",
        discussion:
            "Each report reads its own read-only snapshot. The files are staged and renamed into OUTPUT/PERIOD/ only when every report was built, so a failed run leaves the previous pack as it was. With --mail-from and --mail-to the pack also holds exec-summary.eml, and --send delivers it once the pack is written. Exit 0 only when everything was written (and sent)."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var mail: MailOptions
    @OptionGroup var guardrails: GuardrailOptions

    func run() throws {
        connection.bootstrap()
        let mailPlan = try mail.plan(output: output, period: try period.resolve().period)
        let configuration = try RunConfiguration(connection: connection, period: period, output: output, formats: mailPlan.formats)
        let outcome = try Self.pipeline(configuration, mail: mailPlan.settings).run(Self.reports(configuration, guardrails: guardrails.events))
        try mailPlan.deliver(outcome.paths)
    }

    /// Every report of the pack, in the order they are built: the summary last, from the
    /// models the others read (no statement runs twice).
    static func reports(_ configuration: RunConfiguration, guardrails: [String] = []) -> [any Report] {
        let summary = ExecSummaryReport(period: configuration.period, asOf: configuration.asOf, guardrails: guardrails)
        return [
            summary.partnerReport, summary.viralReport,
            AttributionReport(period: configuration.period, options: AttributionOptions()),
            summary.experimentsReport, summary,
        ]
    }

    /// A line per report; the A/B readout left out, and said so, when no test ran in the period.
    static func pipeline(_ configuration: RunConfiguration, mail: MailSettings?) -> ReportPipeline {
        var pipeline = ReportPipeline(configuration, mail: mail)
        pipeline.optional = [.abTest]
        pipeline.reportsProgress = true
        return pipeline
    }
}
