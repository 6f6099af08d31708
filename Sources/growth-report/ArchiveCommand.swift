import ArgumentParser
import Database
import Foundation

/// `growth-report db archive`: whole months of the partitioned event tables moved to the
/// `archive` schema by rule; nothing deleted.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move months older than the rule out of viral_metrics, ab_test_assignments and conversion_events into the archive schema.",
        discussion: """
            Works on tables `db partition` converted. A month is archived once it ended more than --keep-months \
            months before the current month (UTC); a month of ab_test_assignments only once no test with rows in \
            it has rows after then. Its partition is detached and moved to the schema archive (never deleted); \
            with --export DIR it is first written as DIR/<partition>.copy.gz (COPY text, gzip) with a .sha256 file. \
            Reports say when their period, trend or running tests reach into archived months, and read them \
            with --include-archive.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("Tables to archive from (default: all three).", valueName: "table"))
    var tables: [String] = []

    @Option(name: .customLong("keep-months"), help: ArgumentHelp("Months kept before the current one, for every table.", valueName: "n"))
    var keepMonths = TableArchiver.Rule.defaultKeepMonths

    @Option(
        name: .customLong("keep"),
        help: ArgumentHelp("A table's own rule, e.g. conversion_events=36 (repeatable).", valueName: "table=months"))
    var keep: [String] = []

    @Option(name: .customLong("export"), help: ArgumentHelp("Write each month here before it is detached.", valueName: "dir"))
    var export: String?

    @Flag(name: .customLong("dry-run"), help: "Print the months that would be archived, and change nothing.")
    var dryRun = false

    func validate() throws {
        for name in tables where PartitionedTable.named(name) == nil {
            throw ValidationError("Unknown table '\(name)'; db archive works on \(PartitionedTable.all.map(\.name).joined(separator: ", ")).")
        }
        guard keepMonths >= 0 && keepMonths <= 1200 else { throw ValidationError("--keep-months must be between 0 and 1200.") }
        _ = try rules()
        if export?.isEmpty == true { throw ValidationError("--export is empty; give a folder.") }
    }

    /// The rule of each selected table.
    func rules() throws -> [TableArchiver.Rule] {
        var own: [String: Int] = [:]
        for item in keep {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let table = PartitionedTable.named(parts[0]), let months = Int(parts[1]), (0...1200).contains(months) else {
                throw ValidationError("--keep '\(item)' is not table=months (0 to 1200), e.g. conversion_events=36.")
            }
            own[table.name] = months
        }
        return PartitionedTable.selected(tables).map { TableArchiver.Rule(table: $0, keepMonths: own[$0.name] ?? keepMonths) }
    }

    func run() throws {
        connection.bootstrap()
        SignalHandling.databaseStopMessage =
            "every month is in its table or in the archive schema, never lost; run db archive again to finish (an unfinished export file is left only under a hidden .partial name)."
        let database = try connection.connect()
        try SchemaCheck.verify(on: database)
        var archiver = TableArchiver(connection: database)
        archiver.progress = { Console.progress($0) }
        archiver.exporter = export.map { GzipArchiveExporter(directory: URL(fileURLWithPath: $0)) }
        let plans: [TableArchiver.Plan]
        do {
            // Every table is checked before any month moves.
            plans = try rules().map { try archiver.plan($0) }
        } catch let refusal as PartitioningRefusal {
            throw CommandFailure.data(refusal.message + " Nothing was archived.")
        }
        if dryRun { Console.output("-- growth-report db archive (dry run): nothing has been changed.") }
        for plan in plans {
            let table = plan.rule.table
            for month in plan.heldByRunningTests {
                Console.progress("\(table.name): \(month) kept: a test with rows in it has rows from \(plan.cutoff) on.")
            }
            if plan.months.isEmpty {
                let line =
                    plan.heldByRunningTests.isEmpty
                    ? "\(table.name): no month before \(plan.cutoff) to archive (keeps \(plan.rule.keepMonths) months)."
                    : "\(table.name): nothing archived: every month before \(plan.cutoff) holds a test that still has rows after it."
                if dryRun { Console.output(line) } else { Console.progress(line) }
                continue
            }
            if dryRun {
                for candidate in plan.months {
                    Console.output(
                        "\(table.name): would archive \(table.partitionName(candidate.month)) (\(candidate.rows) rows) to \(ArchivedMonth.archiveSchema).\(table.partitionName(candidate.month))"
                            + (export.map { " after writing it to \($0)" } ?? ""))
                }
                continue
            }
            for (candidate, exported) in try archiver.apply(plan) {
                let name = table.partitionName(candidate.month)
                Console.output(
                    "\(table.name)\t\(candidate.month)\t\(candidate.rows)\t\(ArchivedMonth.archiveSchema).\(name)"
                        + (exported.map { "\t\($0.file)\t\($0.sha256)" } ?? ""))
            }
        }
    }
}
