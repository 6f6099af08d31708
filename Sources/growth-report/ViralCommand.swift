import ArgumentParser
import Database
import Foundation
import Reports

/// `growth-report viral`: viral growth per platform and action (SPEC §4.2).
struct ViralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "viral",
        abstract: "Viral growth per platform and action: reach, clicks, conversions, K-factor, 8-week trend.",
        discussion: """
            Counts the period's viral_metrics rows per source platform and action type, beside the previous \
            period of the same length, with the 8 ISO weeks ending with the period's last week. A reach_metrics \
            value that is not a JSON number counts as 0 and is counted in the data-quality section. No e-mail \
            appears anywhere unless --show-emails is given. Writes HTML, CSV and XLSX to OUTPUT/PERIOD/ and \
            prints the paths.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .customLong("show-emails"), help: "Add the most active users by e-mail (personal data: off by default).")
    var showEmails = false

    @Option(name: .customLong("top-users"), help: ArgumentHelp("How many users --show-emails lists.", valueName: "n"))
    var topUsers = ViralReport.defaultTopUserLimit

    func validate() throws {
        guard (1...10_000).contains(topUsers) else { throw ValidationError("--top-users must be between 1 and 10000.") }
    }

    func run() throws {
        let configuration = try RunConfiguration(connection: connection, period: period, output: output)
        try ReportPipeline(configuration).run([ViralReport(period: configuration.period, showsEmails: showEmails, topUserLimit: topUsers)])
    }
}
