/// Everything `db seed` writes, derived from (scale, seed, last day, weeks) alone.
///
/// The same inputs give byte-identical rows; a different `lastDay` shifts every date and
/// time by the same number of days and changes nothing else (ids and e-mails stay).
///
/// Loading, in order, each table's rows in chunks (any chunk size, any thread):
/// ```swift
/// let plan = SeedPlan(scale: .large, seed: 1, lastDay: lastSunday)
/// for generator in plan.generators {
///     // send generator.copyStatement, then for start in stride(from: 0, to: rowCount, by: 8192):
///     generator.appendRows(start..<min(start + 8192, generator.rowCount), to: &buffer)
/// }
/// ```
/// Generating is far faster than COPY (about 10–15 M rows/s per core in a release build)
/// and needs only the plan's small lookup tables, a few MB at every scale.
public struct SeedPlan: Sendable {
    public let scale: SeedScale
    public let seed: UInt64
    /// Days since 1970-01-01 (UTC) of the last seeded day, a Sunday; the history is the
    /// ISO weeks (26 by default) ending on it.
    public let lastDay: Int
    public let sizes: SeedSizes
    /// One generator per table, in load order: real_time_metrics, partnership_analytics,
    /// partner_costs, viral_metrics, ab_test_assignments, conversion_events.
    public let generators: [any TableGenerator]

    public init(scale: SeedScale, seed: UInt64, lastDay: Int, weeks: Int = SeedPlan.defaultWeeks) {
        precondition(Self.weekRange.contains(weeks), "weeks outside \(Self.weekRange)")
        self.scale = scale
        self.seed = seed
        self.lastDay = lastDay
        let sizes = SeedSizes(scale: scale, weeks: weeks)
        self.sizes = sizes
        let calendar = SeedCalendar(lastDay: lastDay, weeks: weeks)
        let traffic = dailyTrafficWeights(seed: seed, dayCount: calendar.dayCount)
        let users = UserPool(seed: seed, viralUsers: sizes.viralMetrics / 5)
        let viral = ViralMetricsGenerator(
            rowCount: sizes.viralMetrics, seed: seed, calendar: calendar,
            dailyWeights: traffic, users: users)
        let assignments = ABTestAssignmentsGenerator(
            rowCount: sizes.abTestAssignments, tests: ABTestSpec.schedule(baseCount: SeedSizes(scale: scale).abTests, dayCount: calendar.dayCount),
            seed: seed, calendar: calendar,
            dailyWeights: traffic, users: users)
        let conversions = ConversionEventsGenerator(
            rowCount: sizes.conversionEvents, seed: seed, calendar: calendar, dailyWeights: traffic,
            users: users, viral: viral)
        let roster = PartnerRoster(seed: seed, count: sizes.partners, dayCount: calendar.dayCount)
        let last = calendar.dayCount - 1
        let partnerConversions = roster.partners.indices
            .filter { roster.partners[$0].activeDays.contains(last) }
            .reduce(0) { $0 + roster.day(last, partner: $1).customers }
        let realTime = RealTimeMetricsGenerator(
            dailySignups: conversions.schedule.rows(onDay: last).count / 2,
            linkedinShares: viral.schedule.rows(onDay: last).count * 27 / 100,
            partnerConversions: partnerConversions, calendar: calendar)
        generators = [
            realTime,
            PartnershipAnalyticsGenerator(roster: roster, calendar: calendar),
            PartnerCostsGenerator(roster: roster, calendar: calendar),
            viral,
            assignments,
            conversions,
        ]
    }

    /// Days since 1970-01-01 of the first seeded day, a Monday.
    public var firstDay: Int { lastDay - (sizes.days - 1) }

    /// Weeks of history unless `--weeks` says otherwise.
    public static let defaultWeeks = 26
    /// The histories `--weeks` accepts: up to ten years.
    public static let weekRange = 1...520

    public var weeks: Int { sizes.days / 7 }

    /// Rows per table, in load order, for progress lines.
    public var summary: [(table: String, rows: Int)] {
        generators.map { ($0.table, $0.rowCount) }
    }

    public var totalRows: Int {
        generators.reduce(0) { $0 + $1.rowCount }
    }

    /// The generator of `table`, if the plan has one.
    public func generator(for table: String) -> (any TableGenerator)? {
        generators.first { $0.table == table }
    }
}
