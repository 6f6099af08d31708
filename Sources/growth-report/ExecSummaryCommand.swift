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
            KPI tiles (new customers, partner revenue, blended ROI, viral conversions, K-factor, shares) beside the
            previous period, the top partners by revenue, the experiments that reached significance or show a health
            problem (a test with a sample-ratio mismatch is never shown as a winner), and real_time_metrics with
            those not updated in the 24 hours before --as-of marked stale. Writes HTML, CSV and XLSX; with eml
            (the default when --mail-from and --mail-to are given) also exec-summary.eml: a plain-text part, an
            HTML part made for e-mail clients and the workbook attached.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("mail-from"), help: ArgumentHelp("The sender of the .eml, e.g. 'Reports <reports@example.com>'.", valueName: "address"))
    var mailFrom: String?

    @Option(name: .customLong("mail-to"), help: ArgumentHelp("A recipient of the .eml (repeatable, or comma-separated).", valueName: "address"))
    var mailTo: [String] = []

    @Option(help: ArgumentHelp("The .eml's subject (default: 'Executive summary — PERIOD').", valueName: "text"))
    var subject: String?

    @Option(name: .customLong("top-partners"), help: ArgumentHelp("How many partners the top-partners table lists.", valueName: "n"))
    var topPartners = ExecSummaryReport.defaultTopPartnerCount

    func validate() throws {
        guard (1...100).contains(topPartners) else { throw ValidationError("--top-partners must be between 1 and 100.") }
    }

    func run() throws {
        connection.bootstrap()
        let (reportPeriod, clock) = try period.resolve()
        let wantsMail = mailFrom != nil || !mailTo.isEmpty
        var formats = try output.formats(supported: OutputOptions.Format.allCases)
        if output.format == nil && !wantsMail { formats.removeAll { $0 == .eml } }
        var mail: MailSettings?
        if formats.contains(.eml) {
            do {
                mail = try MailSettings(from: mailFrom, to: mailTo, subject: subject,
                                        defaultSubject: "Executive summary — \(reportPeriod.label)")
            } catch let error as MailHeaderError {
                throw CommandFailure.usage(error.description)
            }
        }
        let database = try connection.connect(timeZone: reportPeriod.timeZone.identifier, readsReplica: true)
        let document: ReportDocument
        do {
            document = try DocumentFactory.execSummary(ExecSummaryReport(period: reportPeriod, asOf: clock, topPartnerCount: topPartners),
                                                       currency: output.currency.uppercased(), database: database)
        } catch let error as ABTestError {
            throw CommandFailure.data(error.description)
        }
        try ReportFiles(options: output, formats: formats)
            .write([document], period: reportPeriod, runOptions: ReportFiles.runOptions(database: database), mail: mail)
        connection.printServerTimes(database)
    }
}
