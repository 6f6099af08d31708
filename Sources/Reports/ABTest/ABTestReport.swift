import Database
import Foundation
import Rendering

/// `ab-test`: counts in PostgreSQL inside one read-only snapshot, statistics in Swift, and the
/// document the renderers write.
public struct ABTestReport: Report {
    public static let kind = ReportKind.abTest

    public var period: ReportPeriod
    public var counting: ABTestCountingOptions
    public var settings: ABTestSettings
    /// End the readout at the as-of time instead of the period's end (`--live`).
    public var isLive: Bool
    public var asOf: Date

    public init(period: ReportPeriod, counting: ABTestCountingOptions, settings: ABTestSettings, isLive: Bool, asOf: Date) {
        self.period = period
        self.counting = counting
        self.settings = settings
        self.isLive = isLive
        self.asOf = asOf
    }

    /// When the readout ends.
    public var readoutEnd: Date { isLive ? asOf : period.end }

    /// The local days the effect over time may show, ending with the readout's.
    var days: ABTestDayRange { ABTestDayRange(end: readoutEnd, timeZone: period.timeZone) }

    /// The counting statement; when a test named by `--test` has no row in the readout, the two
    /// that say why; then whether revenue can be read (unless it was asked for), revenue per
    /// user and the guardrails.
    public var statements: [Statement] {
        var statements = [ABTestSQL.counts(start: period.start, end: readoutEnd, days: days, options: counting)]
        if let test = counting.test { statements += [ABTestSQL.exists(test), ABTestSQL.names(limit: 50)] }
        if !isRevenueAskedFor { statements.append(ABTestRevenueSQL.readable) }
        // The run binds the earliest first assignment of the tests it counted; a test that
        // started in the period is the case shown here.
        statements.append(ABTestRevenueSQL.revenue(start: period.start, end: readoutEnd, earliest: period.start, counting: counting))
        return statements
    }

    /// Revenue or guardrails were asked for: a role that cannot read `conversion_events` is
    /// then refused (exit 77) rather than given a readout without them.
    public var isRevenueAskedFor: Bool {
        settings.metric == .revenue || counting.revenue.isAskedFor || !counting.guardrails.isEmpty
    }

    /// Each test read, over its whole life up to the readout's end.
    public func archiveReach(_ model: ABTestReadout) -> [ArchiveReach] {
        [ArchiveReach(table: "ab_test_assignments", from: nil, to: readoutEnd, tests: Set(model.tests.map(\.name) + model.testsWithoutComparison))]
    }

    public func read(using reading: ReportReading) throws -> ABTestReadout {
        try readout(on: reading.connection)
    }

    public func document(_ model: ABTestReadout, context: ReportContext) -> ReportDocument {
        ABTestDocument.make(model, context: context)
    }

    /// Counts and analyses every test in scope.
    /// - Throws: `ABTestError` (no test in range, unknown test, no control, one variant, weights
    ///   that do not fit), `DatabaseError`.
    public func readout(on connection: PostgresConnection) throws -> ABTestReadout {
        typealias Read = (
            counts: ABTestCounts, daily: ABTestDailyCounts?, revenue: ABTestRevenueCounts?, guardrails: ABTestGuardrailCounts?,
            omission: String?
        )
        let read = try connection.transaction(.snapshot) { () -> Read in
            let counts = try connection.abTestCounts(start: period.start, end: readoutEnd, days: days, options: counting)
            if let test = counting.test, counts.tests.isEmpty {
                if try connection.abTestExists(test) {
                    throw ABTestError.noAssignmentsBefore(test: test, end: PostgresValue.isoTimestamp(readoutEnd))
                }
                throw ABTestError.unknownTest(test, existing: try connection.abTestNames())
            }
            guard !counts.tests.isEmpty else { return (counts, nil, nil, nil, nil) }
            let earliest = counts.tests.map(\.firstAssignment).min()!
            let daily = counts.daily
            guard try isRevenueAskedFor || connection.canReadConversionEvents() else {
                return (counts, daily, nil, nil, "this role cannot read conversion_events")
            }
            let read = try connection.abTestRevenue(start: period.start, end: readoutEnd, earliest: earliest, counting: counting, counts: counts)
            return (counts, daily, read.revenue, read.guardrails, nil)
        }
        guard !read.counts.tests.isEmpty else { throw ABTestError.noAssignments(period: period.humanLabel) }
        return try ABTestReadout(
            counts: read.counts, settings: settings, namedTest: counting.test != nil, revenue: read.revenue,
            revenueOptions: counting.revenue, revenueOmission: read.omission, guardrails: read.guardrails,
            guardrailEvents: counting.guardrails, daily: read.daily)
    }

    /// The options that shaped the numbers, for the reproducibility record.
    public var recordedOptions: [Reproducibility.Setting] {
        var options: [Reproducibility.Setting] = [
            .init("alpha", "\(settings.alpha)"), .init("correction", settings.correction.rawValue),
            .init("control", settings.control ?? "control"), .init("event", counting.event ?? "(any)"),
            .init("conversion_window", counting.conversionWindowSeconds.map { "\($0)s" } ?? "(none)"),
            .init("readout_end", isLive ? "as-of (live)" : "period end"),
        ]
        if let test = counting.test { options.append(.init("test", test)) }
        if let weights = settings.weights { options.append(.init("weights", "\(weights)")) }
        if let mde = settings.minimumDetectableEffect { options.append(.init("mde", "\(mde)")) }
        if settings.isSequential { options.append(.init("sequential_tau", settings.mixing.recordText)) }
        options.append(.init("metric", settings.metric.rawValue))
        options.append(.init("revenue_event", counting.revenue.event ?? "(any)"))
        if let cap = counting.revenue.cap { options.append(.init("cap", "\(cap)")) }
        options.append(
            .init(
                "cuped",
                counting.revenue.cuped.map { $0 ? "on" : "off" }
                    ?? (settings.metric == .revenue ? "on when some user has pre-period revenue" : "off")))
        if counting.revenue.cuped == true || (counting.revenue.cuped == nil && settings.metric == .revenue) {
            options.append(.init("cuped_window", "\(counting.revenue.cupedWindowSeconds)s"))
        }
        if !counting.guardrails.isEmpty { options.append(.init("guardrails", counting.guardrails.joined(separator: ","))) }
        return options
    }
}
