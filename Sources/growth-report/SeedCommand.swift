import ArgumentParser
import Database
import Foundation
import Seeding

extension SeedScale: ExpressibleByArgument {}

/// `growth-report db seed`: deterministic demo data in all six tables, loaded with COPY.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load deterministic demo data into all six tables with COPY.",
        discussion:
            "The data covers the ISO weeks (26, or --weeks) that end with the last complete week before --as-of (default: now). The same --scale, --seed, --weeks and --as-of week give the same rows. A longer history keeps as many rows per day and as many tests at a time: its earlier tests have ended, each under a name of its own. All tables load in one transaction: an interrupted seed leaves the database as it was."
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "small (about 130 k rows), medium (1.3 M) or large (13 M).")
    var scale: SeedScale = .small

    @Option(help: "The random seed: the same seed gives the same rows.")
    var seed: UInt64 = 1

    @Option(help: "Weeks of history, 1 to 520; the time-based tables grow with it.")
    var weeks: Int = SeedPlan.defaultWeeks

    @Option(name: .customLong("as-of"), help: "The clock: data ends with the last complete ISO week before it.")
    var asOf: AsOfOption?

    @Flag(help: "Add to a database that already holds data.")
    var append = false

    @Flag(help: "Empty the six tables first (in the same transaction).")
    var replace = false

    @Option(name: .customLong("copy-files"), help: .hidden)
    var copyFilesDirectory: String?

    func validate() throws {
        if append && replace { throw ValidationError("--append and --replace cannot be used together.") }
        guard SeedPlan.weekRange.contains(weeks) else {
            throw ValidationError("--weeks must be between \(SeedPlan.weekRange.lowerBound) and \(SeedPlan.weekRange.upperBound), not \(weeks).")
        }
    }

    func run() throws {
        connection.bootstrap()
        let plan = SeedPlan(scale: scale, seed: seed, lastDay: (asOf ?? .now).lastCompleteWeekSunday.daysSinceEpoch, weeks: weeks)
        if let copyFilesDirectory {
            try writeCopyFiles(plan, to: URL(fileURLWithPath: copyFilesDirectory))
            return
        }
        let database = try connection.connect()
        try Self.seed(plan, mode: append ? .append : (replace ? .replace : .emptyOnly), into: database)
    }

    /// Loads `plan` with a progress line per table on stderr and the rates at the end.
    static func seed(_ plan: SeedPlan, mode: SeedLoader.Mode, into database: PostgresConnection) throws {
        let lastDay = CalendarDate(daysSinceEpoch: plan.lastDay)
        let start = ContinuousClock.now
        let results: [SeedLoader.TableResult]
        var announced = false
        do {
            results = try SeedLoader(plan: plan, mode: mode).load(into: database) { table, sent, total, elapsed, isFinished in
                if !announced {
                    // Only once the checks have passed, so a refusal stays one line.
                    announced = true
                    Console.progress("Seeding \(plan.scale.rawValue) demo data (seed \(plan.seed)) for the \(plan.weeks) weeks ending \(lastDay)…")
                }
                let rate = Format.count(Int(elapsed > 0 ? Double(sent) / elapsed : 0))
                if isFinished {
                    Console.transient("  \(table): \(Format.count(sent)) rows in \(Format.seconds(elapsed)), \(rate) rows/s", final: true)
                } else {
                    Console.transient(
                        "  \(table): \(Format.count(sent)) / \(Format.count(total)) rows"
                            + " (\(total > 0 ? sent * 100 / total : 100) %), \(rate) rows/s")
                }
            }
        } catch let error as SeedError {
            throw CommandFailure.data(error.description)
        }
        let total = results.reduce(0) { $0 + $1.rows }
        let seconds = start.duration(to: .now).seconds
        Console.progress(
            "Seeded \(Format.count(total)) rows in \(Format.seconds(seconds)) "
                + "(\(Format.count(Int(Double(total) / max(seconds, 1e-9)))) rows/s); peak memory \(Format.megabytes(ResourceUsage.peakResidentBytes)).")
    }

    private func writeCopyFiles(_ plan: SeedPlan, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var manifest = ""
        for generator in plan.generators {
            let file = directory.appendingPathComponent(generator.table + ".copy")
            try writeCopyFile(generator, to: file)
            manifest += "\(generator.table)\t\(generator.columns.joined(separator: ","))\t\(file.path)\t\(generator.rowCount)\n"
            Console.outputPath(file.path)
        }
        // For benchmarks/seed.sh: table, columns, file and rows per line.
        try Data(manifest.utf8).write(to: directory.appendingPathComponent("manifest.tsv"))
    }
}
