import ArgumentParser
import Database
import Logging

/// `growth-report db migrate`: creates what is missing of the schema; never drops or rewrites data.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the six tables and the report indexes that are missing (idempotent).",
        discussion:
            "Tables, and the indexes of empty tables, are created in one transaction. An index on a table that already holds rows is built with CREATE INDEX CONCURRENTLY, so writers are not blocked. Applied migrations are recorded in growth_report_migrations."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .customLong("dry-run"), help: "Print the SQL that would run, and change nothing.")
    var dryRun = false

    func run() throws {
        connection.bootstrap()
        let database = try connection.connect()
        let migrator = Migrator()
        if dryRun {
            Console.output(try migrator.pendingSQL(on: database))
            return
        }
        let outcome = try Migrator(logger: Logger(label: "growth-report.migrate")).migrate(on: database)
        try SchemaCheck.verify(on: database)
        for version in outcome.changedSinceApplied {
            Console.error("warning: migration \(version) has changed since it was applied; its new definition was not run")
        }
        if !outcome.partitionsCreated.isEmpty {
            Console.progress("Created the next months' partitions: \(outcome.partitionsCreated.joined(separator: ", ")).")
        }
        if outcome.applied.isEmpty && outcome.indexesBuilt.isEmpty {
            Console.progress("The schema is up to date.")
        } else {
            var parts: [String] = []
            if !outcome.applied.isEmpty { parts.append("Applied migrations \(outcome.applied.map(String.init).joined(separator: ", "))") }
            if !outcome.indexesBuilt.isEmpty {
                let names = outcome.indexesBuilt.joined(separator: ", ")
                parts.append(
                    outcome.applied.isEmpty
                        ? "Rebuilt \(outcome.indexesBuilt.count == 1 ? "the missing index" : "\(outcome.indexesBuilt.count) missing indexes"): \(names)"
                        : "built \(outcome.indexesBuilt.count) \(outcome.indexesBuilt.count == 1 ? "index" : "indexes")")
            }
            Console.progress(parts.joined(separator: "; ") + ".")
        }
    }
}
