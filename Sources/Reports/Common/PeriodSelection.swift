import Database
import Foundation

/// The period options as the user typed them (SPEC §3), resolved into a `ReportPeriod`.
public struct PeriodSelection: Sendable {
    public var week: String?
    public var month: String?
    public var from: String?
    public var to: String?
    public var timeZone: String
    public var asOf: Date

    public init(
        week: String? = nil, month: String? = nil, from: String? = nil, to: String? = nil,
        timeZone: String = "UTC", asOf: Date
    ) {
        self.week = week
        self.month = month
        self.from = from
        self.to = to
        self.timeZone = timeZone
        self.asOf = asOf
    }

    /// - Throws: `PeriodError` with a one-line message for any malformed or conflicting option.
    public func resolve() throws -> ReportPeriod {
        guard let zone = TimeZone(identifier: timeZone), timeZone.contains("/") || timeZone == "UTC" || timeZone == "GMT" else {
            throw PeriodError("Unknown --timezone '\(timeZone)'; use an IANA name such as Europe/Berlin or UTC.")
        }
        let given = [week != nil, month != nil, from != nil || to != nil].filter { $0 }.count
        if given > 1 { throw PeriodError("Give one of --week, --month or --from/--to, not several.") }
        if let week { return try Self.parseWeek(week, zone) }
        if let month { return try Self.parseMonth(month, zone) }
        if from != nil || to != nil {
            guard let from, let to else { throw PeriodError("--from and --to go together: give both dates (inclusive).") }
            guard let first = Self.parseDay(from) else { throw PeriodError("--from '\(from)' is not a date like 2026-11-16.") }
            guard let last = Self.parseDay(to) else { throw PeriodError("--to '\(to)' is not a date like 2026-11-22.") }
            guard first <= last else { throw PeriodError("--from \(from) is after --to \(to).") }
            guard last.daysSinceEpoch - first.daysSinceEpoch < 3660 else { throw PeriodError("The period is longer than ten years.") }
            return ReportPeriod(kind: .days, first: first, last: last, timeZone: zone)
        }
        return ReportPeriod.lastCompleteWeek(before: asOf, timeZone: zone)
    }

    /// `2026-W47` (or `2026-w47`): a four-digit year from 0001 to 9999 and a week of that ISO year.
    static func parseWeek(_ text: String, _ zone: TimeZone) throws -> ReportPeriod {
        let parts = text.uppercased().split(separator: "-W", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count), parts.allSatisfy(isDigits),
            let year = Int(parts[0]), year >= 1, let week = Int(parts[1])
        else {
            throw PeriodError("--week '\(text)' is not an ISO week like 2026-W47.")
        }
        guard let period = ReportPeriod.week(year: year, week: week, timeZone: zone) else {
            throw PeriodError("--week '\(text)': \(year) has ISO weeks 1 to \(ReportPeriod.weeksInISOYear(year)).")
        }
        return period
    }

    /// `2026-11`: a four-digit year from 0001 to 9999 and a two-digit month.
    static func parseMonth(_ text: String, _ zone: TimeZone) throws -> ReportPeriod {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, parts.allSatisfy(isDigits),
            let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1
        else {
            throw PeriodError("--month '\(text)' is not a month like 2026-11.")
        }
        return ReportPeriod.month(year: year, month: month, timeZone: zone)
    }

    /// `2026-11-16`: digits only, a year from 0001.
    static func parseDay(_ text: String) -> CalendarDate? {
        guard text.split(separator: "-", omittingEmptySubsequences: false).allSatisfy(isDigits),
            let day = CalendarDate(text), day.year >= 1
        else { return nil }
        return day
    }

    /// ASCII digits only: `Int("+47")` and `Int("-1")` would read a sign.
    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}

/// A period option that cannot be used: bad usage (exit 64).
public struct PeriodError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
