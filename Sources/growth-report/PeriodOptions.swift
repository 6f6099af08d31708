import ArgumentParser
import Foundation
import Rendering
import Reports

/// `--week`, `--month`, `--from/--to`, `--timezone`, `--as-of` (SPEC §3).
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("An ISO week, e.g. 2026-W47 (default: the last complete week before --as-of).", valueName: "week"))
    var week: String?

    @Option(help: ArgumentHelp("A calendar month, e.g. 2026-11.", valueName: "month"))
    var month: String?

    @Option(help: ArgumentHelp("The first day, e.g. 2026-11-16 (with --to; both inclusive).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("The last day, e.g. 2026-11-22.", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("Period boundaries are midnight in this IANA zone.", valueName: "Area/City"))
    var timezone = "UTC"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The clock (default now): 2026-11-25 or 2026-11-25T10:00:00Z.", valueName: "timestamp"))
    var asOf: AsOfOption?

    @Flag(name: .customLong("include-archive"), help: "Also read the months `db archive` moved to the archive schema.")
    var includeArchive = false

    /// The period and the run's clock, read once: `--as-of` (a bare date is midnight in
    /// `--timezone`), else now.
    /// - Throws: `CommandFailure.usage` with the period error's one line.
    func resolve() throws -> (period: ReportPeriod, asOf: Date) {
        let zone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")!
        let clock = asOf?.instant(in: zone) ?? Date()
        do {
            let period = try PeriodSelection(week: week, month: month, from: from, to: to, timeZone: timezone, asOf: clock).resolve()
            return (period, clock)
        } catch let error as PeriodError {
            throw CommandFailure.usage(error.description)
        }
    }
}

/// `--format`, `--output`, `--templates`, `--currency`, `--csv-bom`.
struct OutputOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Formats to write, comma-separated: html, csv, xlsx, and eml for exec-summary (default: all the report supports).", valueName: "list"))
    var format: String?

    @Option(help: ArgumentHelp("The folder reports go to; each period gets its own subfolder.", valueName: "dir"))
    var output = "Output"

    @Option(help: ArgumentHelp("A folder of Mustache templates that replace the bundled ones of the same name.", valueName: "dir"))
    var templates: String?

    @Option(help: ArgumentHelp("The currency of money columns (ISO 4217 code).", valueName: "code"))
    var currency = "USD"

    @Option(
        help: ArgumentHelp(
            "How long to wait for another run writing the same period folder before giving up with exit 75 (e.g. 30s, 5m).", valueName: "duration"))
    var lockTimeout = DurationOption("2m")!

    @Flag(name: .customLong("csv-bom"), help: "Start CSV files with the UTF-8 byte-order mark that Excel needs for non-ASCII text.")
    var csvBOM = false

    /// The formats asked for, in the order html, csv, xlsx, eml.
    func formats(supported: [OutputFormat] = OutputFormat.reportFormats) throws -> [OutputFormat] {
        guard let format else { return supported }
        var chosen: Set<OutputFormat> = []
        for name in format.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let value = OutputFormat(rawValue: name), supported.contains(value) else {
                throw CommandFailure.usage("Unknown --format '\(name)'; choose from \(supported.map(\.rawValue).joined(separator: ", ")).")
            }
            chosen.insert(value)
        }
        guard !chosen.isEmpty else { throw CommandFailure.usage("--format names no format.") }
        return supported.filter(chosen.contains)
    }

    func validate() throws {
        guard Currency(currency) != nil else {
            throw ValidationError("--currency '\(currency)' is not an ISO 4217 code such as USD or EUR.")
        }
        // An empty folder name (an unset shell variable) would write into the current folder.
        if output.isEmpty { throw ValidationError("--output is empty; give a folder, e.g. Output.") }
        if templates?.isEmpty == true { throw ValidationError("--templates is empty; give a folder of templates, or leave the option out.") }
        guard lockTimeout.milliseconds >= 0 else { throw ValidationError("--lock-timeout must be positive (0 gives up at once), e.g. 2m.") }
        guard lockTimeout.milliseconds <= 86_400_000 else { throw ValidationError("--lock-timeout must be at most 24h.") }
    }
}
