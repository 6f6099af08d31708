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
        discussion: """
            Reports read the database named by --database-url, else DATABASE_URL, else libpq's PG* variables and .pgpass, else the private cluster that `growth-report demo` starts.

            Exit codes:
            \(ExitStatus.table.map { "  \(String($0.code).padding(toLength: 4, withPad: " ", startingAt: 0)) \($0.meaning)" }.joined(separator: "\n"))
            """,
        version: version,
        subcommands: [
            PartnerROICommand.self, ViralCommand.self, ABTestCommand.self, AttributionCommand.self,
            ExecSummaryCommand.self, WeeklyCommand.self, CheckCommand.self, DatabaseCommand.self, MetricsCommand.self, DemoCommand.self,
        ])

    static func main() {
        // Every log line goes to stderr, masked; the level follows --verbose and --quiet.
        LoggingSystem.bootstrap { MaskingLogHandler(label: $0) }
        SignalHandling.install()
        let status: Int32
        do {
            var command = try parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            status = 0
        } catch {
            status = ExitStatus.report(error)
        }
        Foundation.exit(status)
    }

    /// `--tau -1` as `--tau=-1`: otherwise the parser reads `-1` as an option and says the
    /// value is missing, where the user should hear what is wrong with the value.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var joined: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                joined += arguments[index...]
                break
            }
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
                let next = arguments[index + 1].dropFirst().first, arguments[index + 1].hasPrefix("-"),
                next.isNumber || next == "."
            {
                joined.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            joined.append(argument)
            index += 1
        }
        return joined
    }
}
