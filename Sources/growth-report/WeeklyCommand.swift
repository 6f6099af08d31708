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
        discussion: "Each report reads its own read-only snapshot. The files are staged and renamed into OUTPUT/PERIOD/ only when every report was built, so a failed run leaves the previous pack as it was. Exit 0 only when everything was written.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        connection.bootstrap()
        let (reportPeriod, clock) = try period.resolve()
        let formats = try output.formats()
        let database = try connection.connect(timeZone: reportPeriod.timeZone.identifier, readsReplica: true)
        let documents = try Self.documents(period: reportPeriod, asOf: clock, currency: output.currency.uppercased(),
                                           database: database)
        try ReportFiles(options: output, formats: formats)
            .write(documents, period: reportPeriod, runOptions: ReportFiles.runOptions(database: database))
        connection.printServerTimes(database)
    }

    /// Every report of the pack, with a progress line each. The A/B readout is left out, and
    /// said so, when no test ran in the period.
    static func documents(period: ReportPeriod, asOf: Date, currency: String, database: PostgresConnection) throws -> [ReportDocument] {
        var documents: [ReportDocument] = []
        func build(_ name: String, _ make: () throws -> ReportDocument) rethrows {
            let start = ContinuousClock.now
            documents.append(try make())
            let elapsed = start.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            Console.progress("\(name): built in \(Format.seconds(seconds))")
        }
        try build("partner-roi") { try DocumentFactory.partnerROI(period: period, asOf: asOf, currency: currency, database: database) }
        try build("viral") { try DocumentFactory.viral(ViralReport(period: period), asOf: asOf, database: database) }
        try build("attribution") {
            try DocumentFactory.attribution(AttributionReport(period: period, options: AttributionOptions()), asOf: asOf,
                                            currency: currency, database: database)
        }
        try build("exec-summary") {
            try DocumentFactory.execSummary(ExecSummaryReport(period: period, asOf: asOf), currency: currency, database: database)
        }
        do {
            try build("ab-test") {
                try DocumentFactory.abTest(ABTestReport(period: period, counting: ABTestCountingOptions(), settings: ABTestSettings(),
                                                        isLive: false, asOf: asOf), asOf: asOf, database: database)
            }
        } catch let error as ABTestError {
            guard case .noAssignments = error else { throw CommandFailure.data(error.description) }
            Console.progress("ab-test: no test ran in \(period.humanLabel); left out of the pack")
        }
        return documents
    }
}
