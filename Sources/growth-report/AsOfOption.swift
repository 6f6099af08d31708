import ArgumentParser
import Database
import Foundation
import Reports

/// `--as-of`: the clock a run uses instead of now, so every run can be repeated.
/// Accepts `2026-11-25` (midnight UTC), `2026-11-25T10:30:00Z` or an offset such as `+01:00`.
struct AsOfOption: ExpressibleByArgument, Sendable {
    /// The instant; for a bare date, its midnight in UTC (see `instant(in:)`).
    let date: Date
    /// Set when only a date was given: midnight of the report's time zone, not UTC's.
    let day: CalendarDate?

    init(date: Date) {
        self.date = date
        self.day = nil
    }

    init?(argument: String) {
        if let day = CalendarDate(argument) {
            date = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
            self.day = day
            return
        }
        day = nil
        // ISO 8601 with a 'T' or a space, seconds optional fraction, and Z or an offset.
        let normalized = argument.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "+00")
        var candidate = normalized
        if candidate.count == 16 + 3, candidate.dropFirst(16).first.map({ "+-".contains($0) }) == true {
            // "2026-11-25 10:30+01": add the seconds the decoder expects.
            candidate.insert(contentsOf: ":00", at: candidate.index(candidate.startIndex, offsetBy: 16))
        }
        guard let parsed = Date.decode(postgresText: candidate) else { return nil }
        date = parsed
    }

    static var now: AsOfOption { AsOfOption(date: Date()) }

    /// The instant in a report's time zone: a bare date means that zone's midnight.
    func instant(in timeZone: TimeZone) -> Date {
        day.map { ReportPeriod.startOfDay($0, in: timeZone) } ?? date
    }

    /// The UTC calendar day of this instant.
    var utcDay: CalendarDate {
        CalendarDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The Sunday that ends the last complete ISO week before this instant (UTC).
    var lastCompleteWeekSunday: CalendarDate {
        let day = utcDay
        return day.adding(days: -day.isoWeekday)
    }
}
