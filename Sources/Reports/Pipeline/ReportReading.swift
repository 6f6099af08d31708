import Database
import Foundation
import Logging

/// One run's reads: the connection, and every model read so far with the statements that
/// made it, so that a report built from other reports' models (the executive summary in the
/// weekly pack) reuses them instead of running their statements again — and still records
/// them.
public final class ReportReading {
    public let connection: PostgresConnection
    private let logger: Logger
    private struct Stored {
        var outcome: Result<Any, Error>
        var statements: [RanStatement]
    }
    private var stored: [String: Stored] = [:]
    /// The archive registry, read once per run with the statements that read it.
    private var archive: (months: [ArchivedMonth], statements: [RanStatement])?

    public init(connection: PostgresConnection, logger: Logger = Logger(label: "growth-report.database")) {
        self.connection = connection
        self.logger = logger
    }

    /// Reads `report`'s model, or returns the one this run read already for the same report
    /// and options (a failure too: it is not read twice). The statements are those that ran
    /// inside the read and those of the models it reused, each once, in the order they ran
    /// or were reused.
    public func read<R: Report>(_ report: R) throws -> (model: R.Model, statements: [RanStatement]) {
        let key = Self.key(report)
        if let previous = stored[key] {
            for statement in previous.statements {
                logger.debug("reused", metadata: ["report": "\(R.kind.name)", "statement": "\(statement.name)"])
            }
            return (try previous.outcome.get() as! R.Model, previous.statements)
        }
        var statements: [RanStatement] = []
        let outcome: Result<Any, Error>
        do {
            let (model, ran) = try connection.recordingStatements {
                let model = try report.read(using: self)
                // Which months are archived shapes every report's data quality: in each record.
                _ = try archivedMonths()
                return model
            }
            statements = ran
            outcome = .success(model)
        } catch {
            outcome = .failure(error)
        }
        stored[key] = Stored(outcome: outcome, statements: statements)
        return (try outcome.get() as! R.Model, statements)
    }

    /// Another report's model, for a report being read: read now (its statements then count
    /// in both records) or reused from earlier in the run (its statements are added to the
    /// reader's record).
    public func model<R: Report>(of report: R) throws -> R.Model {
        let isStored = stored[Self.key(report)] != nil
        defer { if isStored, let statements = stored[Self.key(report)]?.statements { connection.recordReused(statements) } }
        return try read(report).model
    }

    /// The model this run read for `report`, if it read one; nothing is logged or recorded.
    public func storedModel<R: Report>(of report: R) -> R.Model? {
        try? stored[Self.key(report)]?.outcome.get() as? R.Model
    }

    /// The months `db archive` moved out, read the first time a report asks (and recorded in its
    /// record), then reused (and recorded as reused in the record of each report that asks).
    public func archivedMonths() throws -> [ArchivedMonth] {
        if let archive {
            for statement in archive.statements {
                logger.debug("reused", metadata: ["statement": "\(statement.name)"])
            }
            connection.recordReused(archive.statements)
            return archive.months
        }
        let (months, statements) = try connection.recordingStatements { try ArchivedMonth.all(on: connection) }
        archive = (months, statements)
        return months
    }

    /// The archived months as read by a report of this run; none before any report was read.
    public var archivedMonthsRead: [ArchivedMonth] { archive?.months ?? [] }

    /// The same kind with the same options and period is the same model.
    static func key<R: Report>(_ report: R) -> String {
        ([R.kind.name, report.period.label, PostgresValue.isoTimestamp(report.readoutEnd)]
            + report.recordedOptions.map { "\($0.name)=\($0.value)" }).joined(separator: "\u{1F}")
    }
}
