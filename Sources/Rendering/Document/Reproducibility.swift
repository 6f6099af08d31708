import Foundation

/// What a reader needs to repeat a run (SPEC §6): shown in the HTML footer, the XLSX `About`
/// sheet and `manifest.json`.
public struct Reproducibility: Sendable {
    public var toolVersion: String
    public var generatedAt: Date
    /// The snapshot's clock: the `--as-of` time, or when the data was read.
    public var dataAsOf: Date
    public var timeZone: String
    /// `2026-W47`, `2026-11`, `2026-11-16_2026-11-22`.
    public var period: String
    public var periodStart: ReportDate
    public var periodEnd: ReportDate
    /// Options that shaped the numbers (alpha, correction, windows, …) in the order given;
    /// every password and secret already masked.
    public var options: [Setting]
    /// Each SQL statement used, by name, with the SHA-256 of its text.
    public var statements: [Setting]

    public struct Setting: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
        public init(name: String, value: String) {
            self.init(name, value)
        }
    }

    public init(
        toolVersion: String, generatedAt: Date, dataAsOf: Date, timeZone: String, period: String,
        periodStart: ReportDate, periodEnd: ReportDate, options: [Setting], statements: [Setting]
    ) {
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
        self.dataAsOf = dataAsOf
        self.timeZone = timeZone
        self.period = period
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.options = options
        self.statements = statements
    }
}
