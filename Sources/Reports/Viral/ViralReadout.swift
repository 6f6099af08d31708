import Foundation

/// What the viral report shows: the period, the previous period of the same length, the
/// 8-week trend and, with `--show-emails` only, the most active users.
public struct ViralReadout: Sendable, Equatable {
    public var period: ReportPeriod
    public var previousPeriod: ReportPeriod
    public var current: ViralPeriodCounts
    public var previous: ViralPeriodCounts
    public var trend: [ViralTrendWeek]
    /// nil unless e-mails were asked for.
    public var topUsers: [ViralTopUser]?

    public init(
        period: ReportPeriod, previousPeriod: ReportPeriod, current: ViralPeriodCounts, previous: ViralPeriodCounts,
        trend: [ViralTrendWeek], topUsers: [ViralTopUser]?
    ) {
        self.period = period
        self.previousPeriod = previousPeriod
        self.current = current
        self.previous = previous
        self.trend = trend
        self.topUsers = topUsers
    }

    /// A platform × action of either period, with both periods' counts.
    public struct Comparison: Sendable, Equatable {
        public var platform: String?
        public var actionType: String?
        public var current: ViralTally
        public var previous: ViralTally
    }

    /// Every platform × action seen in the period or the previous one (zero counts where it
    /// was not seen), in the order of the period's table, those seen only before at the end.
    public var comparisons: [Comparison] {
        struct Key: Hashable {
            var platform: String?
            var actionType: String?
        }
        var before: [Key: ViralTally] = [:]
        for group in previous.groups { before[Key(platform: group.platform, actionType: group.actionType)] = group.tally }
        var rows: [Comparison] = []
        var seen: Set<Key> = []
        for group in rankedGroups {
            let key = Key(platform: group.platform, actionType: group.actionType)
            seen.insert(key)
            rows.append(
                Comparison(
                    platform: group.platform, actionType: group.actionType, current: group.tally,
                    previous: before[key] ?? ViralTally()))
        }
        for group in previous.groups.sorted(by: Self.ranking) {
            let key = Key(platform: group.platform, actionType: group.actionType)
            guard !seen.contains(key) else { continue }
            rows.append(
                Comparison(
                    platform: group.platform, actionType: group.actionType, current: ViralTally(),
                    previous: group.tally))
        }
        return rows
    }

    /// The period's groups, most conversions first (then most actions; ties by platform and
    /// action, NULL keys last), so the table reads from what works best.
    public var rankedGroups: [ViralGroup] { current.groups.sorted(by: Self.ranking) }

    static func ranking(_ a: ViralGroup, _ b: ViralGroup) -> Bool {
        if a.tally.conversions != b.tally.conversions { return a.tally.conversions > b.tally.conversions }
        if a.tally.actions != b.tally.actions { return a.tally.actions > b.tally.actions }
        if a.platform != b.platform { return precedes(a.platform, b.platform) }
        return precedes(a.actionType, b.actionType)
    }

    /// Text order by Unicode scalars (as PostgreSQL's C collation), NULL last.
    private static func precedes(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case let (a?, b?): a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (_?, nil): true
        default: false
        }
    }

    /// The relative change (x − prev) / prev; nil when prev is 0.
    public static func change(_ current: Double?, from previous: Double?) -> Double? {
        guard let current, let previous, previous != 0 else { return nil }
        let value = (current - previous) / previous
        return value.isFinite ? value : nil
    }

    /// Whether the period had any row at all.
    public var isEmpty: Bool { current.quality.rowsRead == 0 }
}
