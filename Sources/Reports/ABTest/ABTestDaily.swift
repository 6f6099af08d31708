import Database
import Foundation

/// Each test's users and conversions per variant by local day, and by first-week cohort: what
/// the effect over time is built from (SPEC §4.3.1), counted by the counting statement in the
/// same pass. A few rows per test and day.
public struct ABTestDailyCounts: Sendable, Equatable {
    /// New users or new conversions of one variant on one day (`dayIndex` 0: every day before
    /// the first one shown).
    public struct Increment: Sendable, Equatable {
        public var test: String
        public var variant: String
        public var dayIndex: Int
        public var count: Int

        public init(test: String, variant: String, dayIndex: Int, count: Int) {
            self.test = test
            self.variant = variant
            self.dayIndex = dayIndex
            self.count = count
        }
    }

    /// Users first assigned in the test's first seven days (or later) and how many of them converted.
    public struct Cohort: Sendable, Equatable {
        public var test: String
        public var variant: String
        public var isFirstWeek: Bool
        public var users: Int
        public var conversions: Int

        public init(test: String, variant: String, isFirstWeek: Bool, users: Int, conversions: Int) {
            self.test = test
            self.variant = variant
            self.isFirstWeek = isFirstWeek
            self.users = users
            self.conversions = conversions
        }
    }

    /// The local days, in order: day k (1-based) starts at `dayStarts[k − 1]`.
    public var days: [CalendarDate]
    public var users: [Increment]
    public var conversions: [Increment]
    public var cohorts: [Cohort]

    public init(days: [CalendarDate], users: [Increment], conversions: [Increment], cohorts: [Cohort]) {
        self.days = days
        self.users = users
        self.conversions = conversions
        self.cohorts = cohorts
    }
}

/// The local days the effect over time can show: the last `maximumDays` ending with the day
/// that holds the readout's end. The counting statement buckets by their first instants
/// (`width_bucket`); anything earlier counts into bucket 0, before the first day, and the
/// readout shows each test from its first day with users.
public struct ABTestDayRange: Sendable, Equatable {
    /// At most this many days are shown (two years).
    public static let maximumDays = 731

    public var days: [CalendarDate]
    public var starts: [Date]

    public init(end: Date, timeZone: TimeZone) {
        let last = ReportPeriod.localDate(of: end.addingTimeInterval(-0.000_001), in: timeZone)
        days = (0..<Self.maximumDays).map { last.adding(days: $0 - Self.maximumDays + 1) }
        starts = days.map { ReportPeriod.startOfDay($0, in: timeZone) }
    }
}
