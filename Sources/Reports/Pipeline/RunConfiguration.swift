import Database
import Foundation
import Rendering

/// Everything a run was asked to do, resolved once from the command line and the environment
/// and passed down as it is: no layer parses a zone name or upper-cases a currency again.
public struct RunConfiguration: Sendable {
    /// The period reported on; its `timeZone` sets the boundaries and every time shown.
    public var period: ReportPeriod
    /// The run's clock (`--as-of`, else now).
    public var asOf: Date
    /// When the files were made, as every record of the run says.
    public var generatedAt: Date
    public var currency: Currency
    /// In the order html, csv, xlsx, eml.
    public var formats: [OutputFormat]
    /// The folder that gets `<period>/`.
    public var output: URL
    /// Where the files go: `<output>/<period>/` unless set (`db doctor` writes `<output>/doctor/<date>/`).
    public var outputFolder: URL
    /// Mustache templates that replace the bundled ones of the same name.
    public var templates: URL?
    public var csvByteOrderMark: Bool
    /// How long a commit waits for another run writing the same period folder.
    public var lockTimeout: Duration
    /// Where the reports read (the replica when one was given).
    public var connection: ConnectionSettings
    /// Benchmarks: each query also under EXPLAIN ANALYZE, PostgreSQL's own time printed.
    public var measuresServerTime: Bool
    /// `connection` is a replica (`--replica-url`): its lag is checked and recorded.
    public var readsReplica = false
    /// Past this lag (and not caught up) a replica's reports carry a warning…
    public var maxReplicaLag: Duration = .seconds(300)
    /// …or, with `--strict`, the run stops (exit 75) and writes nothing.
    public var failsOnReplicaLag = false
    /// With `--replica-fallback`: the primary, read when the replica cannot be reached.
    public var fallbackConnection: ConnectionSettings?
    /// `--include-archive`: the reports also read the months `db archive` moved out.
    public private(set) var includesArchive = false

    /// Reads each event table with its archived months: the views of `growth_report_with_archive`
    /// come first on the search path of every connection the run makes.
    public mutating func includeArchive() {
        includesArchive = true
        let path = "\(ArchivedMonth.withArchiveSchema), public"
        connection.searchPath = path
        fallbackConnection?.searchPath = path
    }

    public init(
        period: ReportPeriod, asOf: Date, generatedAt: Date = Date(), currency: Currency = .usDollar,
        formats: [OutputFormat] = OutputFormat.reportFormats, output: URL, templates: URL? = nil,
        csvByteOrderMark: Bool = false, lockTimeout: Duration = .seconds(120), connection: ConnectionSettings,
        measuresServerTime: Bool = false, outputFolder: URL? = nil
    ) {
        self.period = period
        self.asOf = asOf
        self.generatedAt = generatedAt
        self.currency = currency
        self.formats = formats
        self.output = output
        self.outputFolder = outputFolder ?? output.appendingPathComponent(period.label, isDirectory: true)
        self.templates = templates
        self.csvByteOrderMark = csvByteOrderMark
        self.lockTimeout = lockTimeout
        self.connection = connection
        self.measuresServerTime = measuresServerTime
    }

    public var timeZone: TimeZone { period.timeZone }

    /// The context of one report read under this configuration with these statements.
    public func context<R: Report>(for report: R, statements: [RanStatement], toolVersion: String) -> ReportContext {
        ReportContext(
            period: report.period, asOf: asOf, readoutEnd: report.readoutEnd,
            reproducibility: ReportContext.reproducibility(
                period: report.period, asOf: asOf, generatedAt: generatedAt, toolVersion: toolVersion,
                options: report.recordedOptions + (R.recordsCurrency ? [.init("currency", currency.code)] : []),
                statements: statements),
            currency: currency)
    }
}
