import Database
import Foundation
import Rendering

/// `attribution`: both periods credited in PostgreSQL inside one read-only snapshot, revenue
/// rounded in Swift, and the document the renderers write.
public struct AttributionReport: Report, Sendable {
    public static let kind = ReportKind.attribution

    public var period: ReportPeriod
    public var options: AttributionOptions

    public init(period: ReportPeriod, options: AttributionOptions) {
        self.period = period
        self.options = options
    }

    /// The current and the previous period, read from one snapshot.
    public struct Readout: Sendable, Equatable {
        public var current: AttributionResult
        public var previous: AttributionResult
        public var counts: AttributionConversionCounts
        public var options: AttributionOptions
    }

    public var statements: [Statement] {
        let previous = period.previous
        return [
            AttributionSQL.credits(previousStart: previous.start, start: period.start, end: period.end, options: options),
            AttributionSQL.conversionCounts(start: period.start, end: period.end, event: options.event),
        ]
    }

    /// Both periods' conversions, and their touches back to the lookback.
    public func archiveReach(_ model: Readout) -> [ArchiveReach] {
        let previousStart = period.previous.start
        return [
            ArchiveReach(table: "conversion_events", from: previousStart, to: period.end),
            ArchiveReach(table: "viral_metrics", from: AttributionSQL.touchesFrom(previousStart, options), to: period.end),
        ]
    }

    public func read(using reading: ReportReading) throws -> Readout {
        try readout(on: reading.connection)
    }

    public func document(_ model: Readout, context: ReportContext) -> ReportDocument {
        AttributionDocument.make(model, context: context, currency: context.currency)
    }

    /// - Throws: `DatabaseError`.
    public func readout(on connection: PostgresConnection) throws -> Readout {
        try connection.transaction(.snapshot) {
            let previousPeriod = period.previous
            precondition(previousPeriod.end == period.start, "the previous period ends where the period starts")
            let (current, previous) = try connection.attributionCredits(
                previousStart: previousPeriod.start, start: period.start, end: period.end, options: options)
            let counts = try connection.attributionConversionCounts(start: period.start, end: period.end, event: options.event)
            return Readout(
                current: AttributionResult(credits: current), previous: AttributionResult(credits: previous),
                counts: counts, options: options)
        }
    }

    /// The options that shaped the numbers, for the reproducibility record.
    public var recordedOptions: [Reproducibility.Setting] {
        [
            .init("event", options.event ?? "(any)"),
            .init("lookback", Self.durationText(options.lookbackSeconds)),
            .init("half_life", Self.durationText(options.halfLifeSeconds)),
            .init("previous_period", period.previous.label),
        ]
    }

    /// `30d`, `12h`, `90m` or `45s`: the largest unit that divides the duration.
    public static func durationText(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        guard Double(whole) == seconds else { return "\(seconds)s" }
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] where whole != 0 && whole % size == 0 {
            return "\(whole / size)\(unit)"
        }
        return "\(whole)s"
    }
}
