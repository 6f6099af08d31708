import Database
import Foundation
import Rendering

/// `viral`: counts of the period, of the previous period and of the 8-week trend, read in one
/// `REPEATABLE READ READ ONLY` snapshot; ratios in Swift (SPEC §4.2).
public struct ViralReport: Report, Sendable {
    public static let kind = ReportKind.viral

    /// Weeks in the trend.
    public static let trendWeekCount = 8
    /// Users listed with `--show-emails`.
    public static let defaultTopUserLimit = 50

    public var period: ReportPeriod
    /// List the most active users by e-mail (`--show-emails`); otherwise no e-mail is even read.
    public var showsEmails: Bool
    public var topUserLimit: Int

    public init(period: ReportPeriod, showsEmails: Bool = false, topUserLimit: Int = ViralReport.defaultTopUserLimit) {
        self.period = period
        self.showsEmails = showsEmails
        self.topUserLimit = topUserLimit
    }

    /// The 8 ISO weeks ending with the week that holds the period's last day, oldest first,
    /// bounded by midnights in the period's time zone.
    public var trendWeeks: [(label: String, start: Date, end: Date)] {
        ReportPeriod.weekMondays(Self.trendWeekCount, endingWith: period.last).map { monday in
            (
                ReportPeriod.weekLabel(of: monday),
                ReportPeriod.startOfDay(monday, in: period.timeZone),
                ReportPeriod.startOfDay(monday.adding(days: 7), in: period.timeZone)
            )
        }
    }

    /// Reads everything the report needs: three statements (tallies, groups, data quality),
    /// each a branch per time range.
    ///
    /// The period's and previous period's totals come from the tallies' ranges: a period that
    /// is one of the trend's weeks (always for `--week`) is read once, as that week; otherwise
    /// (a month, a `--from/--to` range, a previous period before the trend) it is a range of
    /// its own. Users are distinct over each range, so a month's are counted over the month,
    /// never added up from weeks.
    /// - Throws: `DatabaseError`.
    public func readout(on connection: PostgresConnection) throws -> ViralReadout {
        let previousPeriod = period.previous
        let weeks = trendWeeks
        let (periods, ranges, periodIndexes) = self.ranges
        return try connection.transaction(.snapshot) {
            let tallies = try connection.viralTallies(ranges)
            let groups = try connection.viralGroups(periods)
            let quality = try connection.viralDataQuality(periods)
            let counts = (0..<2).map { index in
                ViralPeriodCounts(groups: groups[index], total: tallies[periodIndexes[index]], quality: quality[index])
            }
            let trend = weeks.enumerated().map { index, week in
                ViralTrendWeek(label: week.label, start: week.start, end: week.end, tally: tallies[index])
            }
            let topUsers =
                showsEmails
                ? try connection.viralTopUsers(start: period.start, end: period.end, limit: topUserLimit) : nil
            return ViralReadout(
                period: period, previousPeriod: previousPeriod, current: counts[0], previous: counts[1],
                trend: trend, topUsers: topUsers)
        }
    }

    /// The period and the previous one, the tallies' ranges (the trend's weeks, then either
    /// period that is not one of them), and where each period is among those ranges.
    private var ranges: (periods: [ViralRange], tallies: [ViralRange], periodIndexes: [Int]) {
        let periods = [period, period.previous].map { ViralRange(start: $0.start, end: $0.end) }
        var ranges = trendWeeks.map { ViralRange(start: $0.start, end: $0.end) }
        let periodIndexes = periods.map { range in
            if let index = ranges.firstIndex(of: range) { return index }
            ranges.append(range)
            return ranges.count - 1
        }
        return (periods, ranges, periodIndexes)
    }

    /// The trend's weeks and both periods.
    public func archiveReach(_ model: ViralReadout) -> [ArchiveReach] {
        [ArchiveReach(table: "viral_metrics", from: ranges.tallies.map(\.start).min(), to: ranges.tallies.map(\.end).max() ?? period.end)]
    }

    public var statements: [Statement] {
        let (periods, tallies, _) = ranges
        var statements = [ViralSQL.tallies(tallies), ViralSQL.breakdown(periods), ViralSQL.quality(periods)]
        if showsEmails { statements.append(ViralSQL.topUsers(start: period.start, end: period.end, limit: topUserLimit)) }
        return statements
    }

    public func read(using reading: ReportReading) throws -> ViralReadout {
        try readout(on: reading.connection)
    }

    public func document(_ model: ViralReadout, context: ReportContext) -> ReportDocument {
        ViralDocument.make(model, context: context)
    }

    /// The options that shaped the output, for the reproducibility record.
    public var recordedOptions: [Reproducibility.Setting] {
        let weeks = trendWeeks
        return [
            .init("previous_period", period.previous.label),
            .init("trend_weeks", "\(weeks.first!.label) – \(weeks.last!.label)"),
            .init("show_emails", showsEmails ? "yes (top \(topUserLimit) users)" : "no"),
        ]
    }
}
