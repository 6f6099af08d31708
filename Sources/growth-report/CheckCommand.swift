import ArgumentParser
import Database
import Digest
import Foundation
import PrivateCluster
import Rendering
import Reports

/// `growth-report check --rules FILE`: threshold, change and anomaly rules over the report
/// models, for cron: one line per alert on stdout, a digest (HTML, CSV, XLSX, and with mail
/// options an e-mail that `--send` delivers), exit 1 when something new fired.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Judge alert rules over the reports: one line per alert on stdout, a digest, exit 1 when one fired.",
        discussion: """
            The rules file is TOML: a [rules.NAME] table per rule with when = "CONDITION", e.g. \
            "partner-roi.total.roi < 1.5", "viral.total.k_factor drops 20 %", "ab-test.any.srm_flag", \
            "exec-summary.real_time.stale", 'partner-roi.partner["Acme"].revenue drops 30 %' or \
            "anomaly viral.daily.actions"; min_base, min_change and threshold per rule or in [defaults]. README lists \
            every metric. A bad rules file exits 64 naming its line and column. Exit 0: nothing new fired; 1: at least \
            one alert is new (with --state: not reported before with the same value). The digest goes to \
            OUTPUT/PERIOD/check.*; its paths are listed on stderr, since stdout holds the alerts.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var mail: MailOptions
    @OptionGroup var guardrails: GuardrailOptions

    @Option(help: ArgumentHelp("The rules file (TOML).", valueName: "file"))
    var rules: String

    @Option(
        help: ArgumentHelp(
            "A file that remembers the alerts reported, so one that fires again with the same value is not reported or sent again.",
            valueName: "file"))
    var state: String?

    func run() throws {
        connection.bootstrap()
        let rulesURL = URL(fileURLWithPath: rules)
        let data: Data
        do {
            data = try Data(contentsOf: rulesURL)
        } catch {
            throw CommandFailure.usage("Cannot read the rules file \(rules): \(systemReason(error)).")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure.usage("\(rules) is not UTF-8 text; a rules file is TOML.")
        }
        let file: CheckRulesFile
        do {
            file = try CheckRulesFile(text: text)
        } catch {
            throw CommandFailure.usage("\(rules), \(error.description)")
        }
        let resolved = try period.resolve()
        let mailPlan = try mail.plan(
            output: output, period: resolved.period, report: .check, defaultSubject: "Alerts — \(resolved.period.label)")
        let configuration = try RunConfiguration(connection: connection, period: period, output: output, formats: mailPlan.formats)
        let stateFile = try state.map { try CheckState(url: URL(fileURLWithPath: $0), timeout: configuration.lockTimeout) }
        let report = CheckReport(
            period: configuration.period, asOf: configuration.asOf, rules: file.rules, rulesFile: rules,
            rulesDigest: SHA256.hex(of: data), guardrails: guardrails.events, sent: stateFile?.sent ?? CheckSentAlerts())
        var pipeline = ReportPipeline(configuration, mail: mailPlan.settings)
        pipeline.pathsOnStandardError = true
        let outcome = try pipeline.run([report])
        guard let result = outcome.reading.storedModel(of: report) else { return }
        for alert in result.newAlerts { Console.outputPath(alert.line) }
        for skip in result.skipped { Console.progress("check: \(skip.line)") }
        if !result.repeatedAlerts.isEmpty {
            Console.progress("check: \(CheckDocument.count(result.repeatedAlerts.count, "alert")) still firing with the value reported before; not repeated.")
        }
        if result.newAlerts.isEmpty {
            if mailPlan.mailer != nil { Console.progress("check: nothing new fired; no e-mail sent.") }
        } else {
            try mailPlan.deliver(outcome.paths)
        }
        try stateFile?.save(result.alerts, at: PostgresValue.isoTimestamp(configuration.generatedAt))
        if !result.newAlerts.isEmpty { throw ExitCode(ExitStatus.checkFailed) }
    }

}
