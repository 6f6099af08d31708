import ArgumentParser
import Database
import Foundation
import Logging

/// `growth-report db partition`: the event tables as monthly range partitions, online.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Convert viral_metrics, ab_test_assignments and conversion_events into monthly range partitions, on a live database.",
        discussion: """
            Each table is copied into a partitioned table (one partition per month in UTC, from its first row to \
            --months-ahead months after the current one, and a default partition) while a trigger mirrors \
            writes; both must then hold the same rows (count and checksum), and one short transaction swaps \
            them. The primary key becomes (id, time column), which makes the time column NOT NULL. The plain \
            table is kept as growth_report_replaced.<table>. Stopped at any point, the plain table is complete \
            and the next run starts again; a partitioned table only gets its next months. \
            db migrate creates the next months of every table converted here.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("Tables to convert (default: all three).", valueName: "table"))
    var tables: [String] = []

    @Option(name: .customLong("months-ahead"), help: ArgumentHelp("Months created after the current one (kept by db migrate).", valueName: "n"))
    var monthsAhead = 3

    @Option(name: .customLong("batch-rows"), help: ArgumentHelp("About this many rows per copy transaction.", valueName: "n"))
    var batchRows = 50_000

    @Flag(name: .customLong("dry-run"), help: "Print what would be done, and change nothing.")
    var dryRun = false

    func validate() throws {
        for name in tables where PartitionedTable.named(name) == nil {
            throw ValidationError(
                "Unknown table '\(name)'; db partition converts \(PartitionedTable.all.map(\.name).joined(separator: ", ")).")
        }
        guard (0...120).contains(monthsAhead) else { throw ValidationError("--months-ahead must be between 0 and 120.") }
        guard batchRows >= 1 else { throw ValidationError("--batch-rows must be at least 1.") }
    }

    func run() throws {
        connection.bootstrap()
        SignalHandling.databaseStopMessage =
            "every table is whole (still plain, or partitioned if its swap had committed); run db partition again to finish."
        let database = try connection.connect()
        try SchemaCheck.verify(on: database)
        var partitioner = TablePartitioner(connection: database)
        partitioner.monthsAhead = monthsAhead
        partitioner.batchRows = batchRows
        partitioner.progress = { Console.progress($0) }
        let selected = PartitionedTable.selected(tables)
        do {
            // Every table is checked before any is changed.
            let plans = try selected.map { try partitioner.plan($0) }
            if dryRun {
                Console.output("-- growth-report db partition (dry run): nothing has been changed.")
                for plan in plans { Console.output(PartitionPlanText.lines(plan, monthsAhead: monthsAhead, batchRows: batchRows).joined(separator: "\n")) }
                return
            }
            for plan in plans {
                Console.progress(PartitionPlanText.outcome(try partitioner.apply(plan)))
            }
        } catch let refusal as PartitioningRefusal {
            throw CommandFailure.data(refusal.message + " Nothing was changed.")
        } catch let failure as TablePartitioner.VerificationFailure {
            throw CommandFailure(exitCode: ExitStatus.internalError, message: failure.message)
        }
    }
}

/// What `db partition` says it would do, and what it did.
enum PartitionPlanText {
    static func lines(_ plan: TablePartitioner.Plan, monthsAhead: Int, batchRows: Int) -> [String] {
        let table = plan.table
        switch plan.state {
        case .partitionedElsewhere:
            return ["\(table.name): partitioned already, not by growth-report; left as it is."]
        case .partitioned(let missing) where missing.isEmpty:
            return ["\(table.name): partitioned by month; every month to \(monthsAhead) ahead exists. Nothing to do."]
        case .partitioned(let missing):
            return ["\(table.name): partitioned by month; would create \(missing.map(table.partitionName).joined(separator: ", "))."]
        case .plain(let rows, let months, let indexes):
            return [
                "\(table.name): a plain table of about \(rows) rows; would become:",
                "  \(table.name) PARTITION BY RANGE (\(table.timeColumn)): \(months.count) monthly partitions \(span(table, months)) and \(table.defaultPartitionName)",
                "  primary key (id, \(table.timeColumn)) instead of (id); \(table.timeColumn) NOT NULL",
                "  indexes: \(indexes.isEmpty ? "none besides the primary key" : indexes.joined(separator: ", "))",
                "  rows copied in batches of about \(batchRows) rows while a trigger mirrors writes; then one short transaction swaps the tables",
                "  the plain table kept as \(TablePartitioner.replacedSchema).\(table.name)",
            ]
        }
    }

    static func outcome(_ outcome: TablePartitioner.Outcome) -> String {
        let table = outcome.table
        switch outcome.state {
        case .partitionedElsewhere:
            return "\(table.name): partitioned already, not by growth-report; left as it is."
        case .partitioned:
            return outcome.monthsCreated.isEmpty
                ? "\(table.name): partitioned by month already; nothing to do."
                : "\(table.name): partitioned by month already; created \(outcome.monthsCreated.map(table.partitionName).joined(separator: ", "))."
        case .plain:
            return
                "\(table.name): partitioned by month (\(outcome.monthsCreated.count) months \(span(table, outcome.monthsCreated)) and \(table.defaultPartitionName)); \(outcome.rowsCopied) rows copied. The plain table is kept as \(outcome.keptAs ?? "?"): drop it once the reports are checked."
        }
    }

    private static func span(_ table: PartitionedTable, _ months: [Month]) -> String {
        guard let first = months.first, let last = months.last else { return "" }
        return first == last ? table.partitionName(first) : "\(table.partitionName(first)) to \(table.partitionName(last))"
    }
}
