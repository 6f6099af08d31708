import Database
import Foundation
import Rendering

/// The days a report covers, and the instants that bound them in the report's time zone
/// (SPEC §3). Timestamp columns are filtered half-open, `[start, end)`; `date` columns
/// (`analytics_period`) as calendar dates, `first ≤ d ≤ last`.
public struct ReportPeriod: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case week(year: Int, week: Int)
        case month(year: Int, month: Int)
        case days
    }

    public let kind: Kind
    public let first: CalendarDate
    public let last: CalendarDate
    public let timeZone: TimeZone

    public init(kind: Kind, first: CalendarDate, last: CalendarDate, timeZone: TimeZone) {
        self.kind = kind
        self.first = first
        self.last = last
        self.timeZone = timeZone
    }

    /// `2026-W47`, by ISO week-year.
    public static func weekLabel(year: Int, week: Int) -> String { String(format: "%04d-W%02d", year, week) }

    /// The label of the ISO week that holds `day`.
    public static func weekLabel(of day: CalendarDate) -> String {
        let (year, week) = isoWeek(of: day)
        return weekLabel(year: year, week: week)
    }

    /// The Mondays of the `count` ISO weeks ending with the week that holds `last`, oldest first
    /// (a trend's weeks).
    public static func weekMondays(_ count: Int, endingWith last: CalendarDate) -> [CalendarDate] {
        let lastMonday = last.adding(days: 1 - last.isoWeekday)
        return (0..<count).reversed().map { lastMonday.adding(days: -7 * $0) }
    }

    /// `2026-W47`, `2026-11` or `2026-11-16_2026-11-22`: the output folder's name.
    public var label: String {
        switch kind {
        case .week(let year, let week): Self.weekLabel(year: year, week: week)
        case .month(let year, let month): String(format: "%04d-%02d", year, month)
        case .days: "\(first)_\(last)"
        }
    }

    /// How the period reads to a person: "2026-W47 · 16–22 Nov 2026".
    public var humanLabel: String {
        let range = Self.humanRange(first, last)
        switch kind {
        case .days: return range
        default: return "\(label) · \(range)"
        }
    }

    /// The zone's name as users write it (Foundation calls UTC "GMT").
    public var timeZoneName: String { MachineText.zoneName(timeZone) }

    public var dayCount: Int { last.daysSinceEpoch - first.daysSinceEpoch + 1 }

    /// The first instant of `first` in the time zone.
    public var start: Date { Self.startOfDay(first, in: timeZone) }

    /// The first instant of the day after `last`: the exclusive end.
    public var end: Date { Self.startOfDay(last.adding(days: 1), in: timeZone) }

    /// The previous ISO week, the previous calendar month, or the same number of days before.
    public var previous: ReportPeriod {
        switch kind {
        case .week:
            let monday = first.adding(days: -7)
            let (year, week) = Self.isoWeek(of: monday)
            return ReportPeriod(kind: .week(year: year, week: week), first: monday, last: monday.adding(days: 6), timeZone: timeZone)
        case .month(let year, let month):
            let (previousYear, previousMonth) = month == 1 ? (year - 1, 12) : (year, month - 1)
            return Self.month(year: previousYear, month: previousMonth, timeZone: timeZone)
        case .days:
            return ReportPeriod(kind: .days, first: first.adding(days: -dayCount), last: first.adding(days: -1), timeZone: timeZone)
        }
    }

    // MARK: - Construction

    /// ISO week `year`-W`week`.
    public static func week(year: Int, week: Int, timeZone: TimeZone) -> ReportPeriod? {
        guard week >= 1, week <= weeksInISOYear(year) else { return nil }
        let monday = mondayOfISOWeek1(year).adding(days: 7 * (week - 1))
        return ReportPeriod(kind: .week(year: year, week: week), first: monday, last: monday.adding(days: 6), timeZone: timeZone)
    }

    public static func month(year: Int, month: Int, timeZone: TimeZone) -> ReportPeriod {
        let first = CalendarDate(year: year, month: month, day: 1)!
        let nextFirst = month == 12 ? CalendarDate(year: year + 1, month: 1, day: 1)! : CalendarDate(year: year, month: month + 1, day: 1)!
        return ReportPeriod(kind: .month(year: year, month: month), first: first, last: nextFirst.adding(days: -1), timeZone: timeZone)
    }

    /// The last complete ISO week before `asOf`, in the time zone: the default period.
    public static func lastCompleteWeek(before asOf: Date, timeZone: TimeZone) -> ReportPeriod {
        let today = localDate(of: asOf, in: timeZone)
        let sunday = today.adding(days: -today.isoWeekday)
        let monday = sunday.adding(days: -6)
        let (year, week) = isoWeek(of: monday)
        return ReportPeriod(kind: .week(year: year, week: week), first: monday, last: sunday, timeZone: timeZone)
    }

    // MARK: - Calendar arithmetic

    /// The ISO week-year and week number of a day.
    public static func isoWeek(of date: CalendarDate) -> (year: Int, week: Int) {
        // The week belongs to the year of its Thursday.
        let thursday = date.adding(days: 4 - date.isoWeekday)
        let year = thursday.year
        let week = (thursday.daysSinceEpoch - mondayOfISOWeek1(year).daysSinceEpoch) / 7 + 1
        return (year, week)
    }

    static func mondayOfISOWeek1(_ year: Int) -> CalendarDate {
        let january4 = CalendarDate(year: year, month: 1, day: 4)!
        return january4.adding(days: 1 - january4.isoWeekday)
    }

    static func weeksInISOYear(_ year: Int) -> Int {
        isoWeek(of: CalendarDate(year: year, month: 12, day: 28)!).week
    }

    /// The calendar day an instant falls on in a time zone (proleptic Gregorian, as
    /// PostgreSQL counts: Foundation's Gregorian calendar is Julian before 15 October 1582).
    public static func localDate(of instant: Date, in timeZone: TimeZone) -> CalendarDate {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return CalendarDate(daysSinceEpoch: Int((local / 86_400).rounded(.down)))
    }

    /// Midnight of `day` in the zone, or the day's first instant where midnight does not exist.
    public static func startOfDay(_ day: CalendarDate, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Noon always exists; the start of its day is midnight or the first instant after a gap.
        // Noon is found from the day count, not from year-month-day components, which
        // Foundation would read as a Julian date before 1582 (0001-01-01 two days early).
        let utcNoon = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 43_200)
        let noon = utcNoon.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: utcNoon)))
        return calendar.startOfDay(for: noon)
    }

    static func humanRange(_ first: CalendarDate, _ last: CalendarDate) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let firstMonth = months[first.month - 1], lastMonth = months[last.month - 1]
        if first == last { return "\(first.day) \(firstMonth) \(first.year)" }
        if first.year != last.year { return "\(first.day) \(firstMonth) \(first.year) – \(last.day) \(lastMonth) \(last.year)" }
        if first.month != last.month { return "\(first.day) \(firstMonth) – \(last.day) \(lastMonth) \(last.year)" }
        return "\(first.day)–\(last.day) \(firstMonth) \(first.year)"
    }
}
