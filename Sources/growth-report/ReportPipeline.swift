import Database
import Foundation
import Logging
import Rendering
import Reports

/// Runs reports the one way every command does: connect → read each report in its read-only
/// snapshot → its document → every format rendered and staged → one commit; a progress line
/// per report when asked, and errors left to `ExitStatus`, the one place that maps them.
struct ReportPipeline {
    let configuration: RunConfiguration
    /// The executive summary's e-mail, when the run writes `eml`.
    var mail: MailSettings?
    /// Reports that may find nothing in the period (the A/B readout of a pack): left out, and said so.
    var optional: Set<ReportKind> = []
    /// A line per report built (`weekly`, `demo`).
    var reportsProgress = false
    /// The written paths go to stderr, not stdout (`check`: its stdout is the alerts).
    var pathsOnStandardError = false

    struct Outcome {
        /// The files written, the manifest last.
        var paths: [URL]
        /// The run's models, for a command that acts on one (the doctor's health).
        var reading: ReportReading
    }

    init(_ configuration: RunConfiguration, mail: MailSettings? = nil) {
        self.configuration = configuration
        self.mail = mail
    }

    /// - Throws: whatever stops a report (`DatabaseError`, a report's own error, `CommandFailure`
    ///   from writing the files); nothing of the output folder changes then.
    ///
    /// From a replica, a read cancelled by a recovery conflict is read again once, on a new
    /// connection and a new snapshot; a second conflict stops the run with the settings that
    /// would prevent it.
    @discardableResult
    func run(_ reports: [any Report], on connection: PostgresConnection? = nil) throws -> Outcome {
        guard configuration.readsReplica && connection == nil else { return try attempt(reports, on: connection) }
        do {
            return try attempt(reports, on: nil)
        } catch let error as DatabaseError where error.isRecoveryConflict {
            Console.error("warning: the replica cancelled a read to replay changes from the primary (\(error.message)); reading again.")
        }
        do {
            return try attempt(reports, on: nil)
        } catch let error as DatabaseError where error.isRecoveryConflict {
            throw CommandFailure(
                exitCode: ExitStatus.temporaryFailure,
                message:
                    "The replica cancelled the reports' reads twice to replay changes from the primary (recovery conflict, SQLSTATE 40001: \(error.message)). Nothing was written. On the replica, raise max_standby_streaming_delay (how long replay waits for a query) or turn on hot_standby_feedback (the primary keeps the rows its queries read), or read the primary."
            )
        }
    }

    private func attempt(_ reports: [any Report], on connection: PostgresConnection?) throws -> Outcome {
        let (database, fallbackReason) = try connection.map { ($0, nil) } ?? connectFallingBack()
        let replica =
            configuration.readsReplica ? try ReplicaLag.check(database, configuration: configuration, fallbackReason: fallbackReason) : nil
        let reading = ReportReading(connection: database)
        var documents: [ReportDocument] = []
        for report in reports {
            if var document = try document(of: report, reading: reading) {
                if let warning = replica?.callout { document.callouts.insert(warning, at: 0) }
                documents.append(document)
            }
        }
        let runOptions =
            Self.runOptions(database: database) + (replica.map { [$0.setting] } ?? [])
            + (configuration.includesArchive ? [.init("archive", "read with --include-archive: \(Self.archiveText(reading.archivedMonthsRead))")] : [])
        let paths = try ReportFiles(configuration).write(
            documents, runOptions: runOptions, mail: mail, pathsOnStandardError: pathsOnStandardError)
        printServerTimes(database)
        return Outcome(paths: paths, reading: reading)
    }

    /// Connects to where the reports read, with the session settings of the run.
    func connect() throws -> PostgresConnection {
        try connect(configuration.connection)
    }

    private func connect(_ settings: ConnectionSettings) throws -> PostgresConnection {
        let connection = try PostgresConnection(settings: settings, logger: Logger(label: "growth-report.database"))
        connection.measuresServerTime = configuration.measuresServerTime
        return connection
    }

    /// The replica, or with `--replica-fallback` the primary when the replica cannot be
    /// reached: then also why, for the record and a line on stderr.
    private func connectFallingBack() throws -> (PostgresConnection, String?) {
        do {
            return (try connect(), nil)
        } catch let error as DatabaseError
            where [.connectionFailed, .connectionLost, .authenticationFailed, .databaseMissing].contains(error.code)
        {
            guard let primary = configuration.fallbackConnection else { throw error }
            Console.error("warning: the replica could not be reached (\(error.message)); reading from the primary (--replica-fallback).")
            return (try connect(primary), error.message)
        }
    }

    /// "viral_metrics 2024-05 to 2024-11; conversion_events 2024-05 to 2024-11", or "nothing is archived".
    static func archiveText(_ archived: [ArchivedMonth]) -> String {
        let tables = Dictionary(grouping: archived, by: \.table).sorted { $0.key < $1.key }
        guard !tables.isEmpty else { return "nothing is archived" }
        return tables.map { table, months in
            let sorted = months.map(\.month).sorted()
            return sorted.count == 1 ? "\(table) \(sorted[0])" : "\(table) \(sorted.first!) to \(sorted.last!) (\(sorted.count) months)"
        }.joined(separator: "; ")
    }

    private func document<R: Report>(of report: R, reading: ReportReading) throws -> ReportDocument? {
        let start = ContinuousClock.now
        var document: ReportDocument
        do {
            let (model, statements) = try reading.read(report)
            document = report.document(
                model,
                context: configuration.context(
                    for: report, statements: statements,
                    toolVersion: GrowthReport.version))
            ArchiveNotice.apply(
                to: &document, reach: report.archiveReach(model), archived: reading.archivedMonthsRead, included: configuration.includesArchive)
            try document.validate()
        } catch let error as EmptyPeriodError where error.isNothingInPeriod && optional.contains(R.kind) {
            Console.progress("\(R.kind.name): \(error.nothingInPeriodReason); left out of the pack")
            return nil
        }
        if reportsProgress { Console.progress("\(R.kind.name): built in \(Format.seconds(start.duration(to: .now).seconds))") }
        return document
    }

    /// The run as `manifest.json` records it: the command line and the database, passwords masked.
    static func runOptions(database: PostgresConnection) -> [Reproducibility.Setting] {
        [
            .init("command", Console.masker((["growth-report"] + CommandLine.arguments.dropFirst()).joined(separator: " "))),
            .init("database", Console.masker(database.target)),
        ]
    }

    /// With --measure-server-time: one line per statement and the total, on stderr.
    private func printServerTimes(_ connection: PostgresConnection) {
        guard configuration.measuresServerTime else { return }
        for (name, milliseconds) in connection.serverTimes {
            Console.error("server time \(name) " + String(format: "%.1f ms", milliseconds))
        }
        let total = connection.serverTimes.reduce(0) { $0 + $1.milliseconds }
        Console.error(String(format: "server time total %.1f ms", total))
    }
}
