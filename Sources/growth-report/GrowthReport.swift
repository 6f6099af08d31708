import ArgumentParser
import Foundation
import Logging

/// The `growth-report` command: parses, runs, and turns every failure into one line on stderr
/// and the exit code of SPEC §5.
@main
struct GrowthReport: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "growth-report",
        abstract: "Partner ROI, viral growth, attribution, A/B test readouts and the executive summary from PostgreSQL.",
        discussion: "Reports read the database named by --database-url, else DATABASE_URL, else libpq's PG* variables and .pgpass, else the private cluster that `growth-report demo` starts.",
        version: version,
        subcommands: [PartnerROICommand.self, ViralCommand.self, ABTestCommand.self, AttributionCommand.self,
                      ExecSummaryCommand.self, WeeklyCommand.self, DatabaseCommand.self, DemoCommand.self])

    static func main() {
        // Every log line goes to stderr, masked; the level follows --verbose and --quiet.
        LoggingSystem.bootstrap { MaskingLogHandler(label: $0) }
        let status: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            status = 0
        } catch {
            status = ExitStatus.report(error)
        }
        Foundation.exit(status)
    }
}
