import Database
import Foundation

/// Each partner's revenue per ISO week over the 12 weeks ending with the week that holds the
/// period's last day: the data of the 12-week sparkline beside the top partners.
public struct PartnerWeeklyRevenue: Sendable, Equatable {
    public static let weekCount = 12

    /// `2026-W36` … `2026-W47`, oldest first.
    public var weeks: [String]
    /// Revenue per week (exact), by partner name; a week without rows is 0.
    public var revenue: [String: [Decimal]]

    public init(weeks: [String], revenue: [String: [Decimal]]) {
        self.weeks = weeks
        self.revenue = revenue
    }

    /// The Mondays of the weeks, oldest first.
    static func mondays(endingWith last: CalendarDate) -> [CalendarDate] {
        ReportPeriod.weekMondays(weekCount, endingWith: last)
    }

    static func labels(_ mondays: [CalendarDate]) -> [String] {
        mondays.map(ReportPeriod.weekLabel(of:))
    }

    /// One statement: `partnership_analytics` of the 12 weeks grouped by partner and week (a
    /// `DATE` range, so the index on `analytics_period` serves it), a row per partner and week
    /// with rows. Parameters: the first Monday and the last Sunday.
    static func statement(endingWith last: CalendarDate) -> Statement {
        let mondays = mondays(endingWith: last)
        let first = mondays[0], end = mondays[mondays.count - 1].adding(days: 6)
        return Statement(
            "partner_roi_weekly",
            """
            SELECT partner_name, (analytics_period - \(first)::date) / 7 + 1 AS week_index,
                   coalesce(sum(revenue_generated) FILTER (WHERE revenue_generated <> 'NaN'), 0) AS revenue
            FROM partnership_analytics
            WHERE analytics_period BETWEEN \(first) AND \(end)
            GROUP BY partner_name, week_index
            """)
    }

    /// - Throws: `DatabaseError`.
    static func read(endingWith last: CalendarDate, on connection: PostgresConnection) throws -> PartnerWeeklyRevenue {
        let weeks = labels(mondays(endingWith: last))
        var revenue: [String: [Decimal]] = [:]
        for row in try connection.query(statement(endingWith: last)) {
            let week = try row.int("week_index")
            guard (1...weekCount).contains(week) else { continue }
            revenue[try row.string("partner_name"), default: Array(repeating: 0, count: weekCount)][week - 1] = try row.decimal("revenue")
        }
        return PartnerWeeklyRevenue(weeks: weeks, revenue: revenue)
    }

    /// A partner's weeks; all zero for a partner without rows in them.
    public func series(of partner: String) -> [Decimal] {
        revenue[partner] ?? Array(repeating: 0, count: weeks.count)
    }
}
