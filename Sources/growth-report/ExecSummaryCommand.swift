import ArgumentParser
import Database
import Foundation
import Rendering
import Reports

/// `growth-report exec-summary`: one page for executives, also as an e-mail (SPEC §4.5).
struct ExecSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-summary",
        abstract: "One page for executives: KPIs with their change, top partners, experiments, real-time metrics.",
        discussion: """
            KPI tiles (new customers, partner revenue, blended ROI, viral conversions, K-factor, shares) beside the \
            previous period, the top partners by revenue, the experiments that reached significance or show a health \
            problem (a test with a sample-ratio mismatch is never shown as a winner), and real_time_metrics with \
            those not updated in the 24 hours before --as-of marked stale. Writes HTML, CSV and XLSX; with eml \
            (the default when --mail-from and --mail-to are given) also exec-summary.eml: a plain-text part, an \
            HTML part made for e-mail clients and the workbook attached. --send then delivers that file over SMTP \
            to every --mail-to; the password, if the server wants one, is read from SMTP_PASSWORD only.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var mail: MailOptions
    @OptionGroup var guardrails: GuardrailOptions

    @Option(name: .customLong("top-partners"), help: ArgumentHelp("How many partners the top-partners table lists.", valueName: "n"))
    var topPartners = ExecSummaryReport.defaultTopPartnerCount

    func validate() throws {
        guard (1...100).contains(topPartners) else { throw ValidationError("--top-partners must be between 1 and 100.") }
    }

    func run() throws {
        connection.bootstrap()
        let mailPlan = try mail.plan(output: output, period: try period.resolve().period)
        let configuration = try RunConfiguration(connection: connection, period: period, output: output, formats: mailPlan.formats)
        let report = ExecSummaryReport(
            period: configuration.period, asOf: configuration.asOf, topPartnerCount: topPartners, guardrails: guardrails.events)
        let outcome = try ReportPipeline(configuration, mail: mailPlan.settings).run([report])
        try mailPlan.deliver(outcome.paths)
    }
}
