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
        discussion: "Each report reads its own read-only snapshot. The files are staged and renamed into OUTPUT/PERIOD/ only when every report was built, so a failed run leaves the previous pack as it was. With --mail-from and --mail-to the pack also holds exec-summary.eml, and --send delivers it once the pack is written. Exit 0 only when everything was written (and sent).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var mail: MailOptions

    func run() throws {
        connection.bootstrap()
        let (reportPeriod, clock) = try period.resolve()
        let mailPlan = try mail.plan(output: output, period: reportPeriod)
        let database = try connection.connect(timeZone: reportPeriod.timeZone.identifier, readsReplica: true)
        let documents = try Self.documents(period: reportPeriod, asOf: clock, currency: output.currency.uppercased(),
                                           database: database)
        let paths = try ReportFiles(options: output, formats: mailPlan.formats)
            .write(documents, period: reportPeriod, runOptions: ReportFiles.runOptions(database: database), mail: mailPlan.settings)
        connection.printServerTimes(database)
        try mailPlan.deliver(paths)
    }

    /// Every report of the pack, with a progress line each. The A/B readout is left out, and
    /// said so, when no test ran in the period.
    static func documents(period: ReportPeriod, asOf: Date, currency: String, database: PostgresConnection) throws -> [ReportDocument] {
        var documents: [ReportDocument] = []
        func timed<T>(_ name: String, _ make: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            let value = try make()
            Console.progress("\(name): built in \(Format.seconds(start.duration(to: .now).seconds))")
            return value
        }
        let firstStatement = database.statementsRun.count
        let partners = try timed("partner-roi") {
            try DocumentFactory.partnerROI(period: period, asOf: asOf, currency: currency, database: database)
        }
        let viral = try timed("viral") { try DocumentFactory.viral(ViralReport(period: period), asOf: asOf, database: database) }
        let attribution = try timed("attribution") {
            try DocumentFactory.attribution(AttributionReport(period: period, options: AttributionOptions()), asOf: asOf,
                                            currency: currency, database: database)
        }
        let summary = ExecSummaryReport(period: period, asOf: asOf)
        let experiments: (document: ReportDocument, model: ABTestReadout)?
        do {
            experiments = try timed("ab-test") { try DocumentFactory.abTest(summary.experimentsReport, asOf: asOf, database: database) }
        } catch let error as ABTestError {
            guard case .noAssignments = error else { throw CommandFailure.data(error.description) }
            Console.progress("ab-test: no test ran in \(period.humanLabel); left out of the pack")
            experiments = nil
        }
        // The summary reuses the models above: their statements do not run twice.
        let execSummary = try timed("exec-summary") {
            try DocumentFactory.execSummary(summary, partners: partners.model, viral: viral.model, experiments: experiments?.model,
                                            currency: currency, database: database, statementsSince: firstStatement)
        }
        documents = [partners.document, viral.document, attribution, execSummary]
        if let experiments { documents.append(experiments.document) }
        return documents
    }
}
