import Database
import Foundation

/// Each test's users and conversions per variant by local day, and by first-week cohort: what
/// the effect over time is built from (SPEC §4.3.1). A few rows per test and day.
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

/// The local days the effect over time is shown for.
public struct ABTestDayRange: Sendable, Equatable {
    /// At most this many days are shown (two years); earlier days count into the first one.
    public static let maximumDays = 731

    public var days: [CalendarDate]
    public var starts: [Date]

    /// The days from the one holding `earliest` to the one holding the instant before `end`,
    /// in `timeZone`, the last `maximumDays` of them.
    public init(earliest: Date, end: Date, timeZone: TimeZone) {
        let first = ReportPeriod.localDate(of: earliest, in: timeZone)
        let last = ReportPeriod.localDate(of: end.addingTimeInterval(-0.000_001), in: timeZone)
        let count = max(1, last.daysSinceEpoch - first.daysSinceEpoch + 1)
        let shown = min(count, Self.maximumDays)
        days = (0..<shown).map { last.adding(days: $0 - shown + 1) }
        starts = days.map { ReportPeriod.startOfDay($0, in: timeZone) }
    }
}

extension PostgresConnection {
    /// The daily increments and first-week cohorts of every test in scope, in one statement.
    public func abTestDaily(start: Date, end: Date, days: ABTestDayRange, options: ABTestCountingOptions) throws -> ABTestDailyCounts {
        var counts = ABTestDailyCounts(days: days.days, users: [], conversions: [], cohorts: [])
        for row in try query(ABTestDailySQL.daily(start: start, end: end, days: days, options: options)) {
            let test = try row.string("test_name"), variant = try row.string("variant")
            let key = try row.int("key"), count = try row.int("n")
            switch try row.string("kind") {
            case "users": counts.users.append(.init(test: test, variant: variant, dayIndex: key, count: count))
            case "conversions": counts.conversions.append(.init(test: test, variant: variant, dayIndex: key, count: count))
            default:
                counts.cohorts.append(
                    .init(test: test, variant: variant, isFirstWeek: key == 1, users: count, conversions: try row.int("converted")))
            }
        }
        return counts
    }
}

enum ABTestDailySQL {
    /// Per test and user (one variant only, as the readout counts them): the first assignment
    /// and the time the conversion counts from, the later of `converted_at` and the first
    /// assignment (a user converts in the readout only once assigned). Then, bucketed by
    /// `width_bucket` over the local days' first instants (bound, computed in the report's time
    /// zone): new users per day, new conversions per day, and the first-week cohorts (first
    /// assigned within 7 days of the test's first assignment).
    static func daily(start: Date, end: Date, days: ABTestDayRange, options: ABTestCountingOptions) -> Statement {
        let matching: SQL = options.event.map { "AND conversion_event = \($0)" } ?? ""
        let window: SQL =
            options.conversionWindowSeconds.map {
                "AND converted_at >= first_assigned AND converted_at < first_assigned + make_interval(secs => \($0)::bigint)"
            } ?? ""
        let starts = days.starts.map(PostgresValue.isoTimestamp)
        return Statement(
            "ab_test_daily",
            """
            WITH \(ABTestSQL.scope(start: start, end: end, test: options.test)),
            with_first AS (
              SELECT test_name, user_email, variant, conversion_event, converted_at,
                     min(created_at) OVER (PARTITION BY test_name, user_email) AS first_assigned
              FROM scoped WHERE user_email IS NOT NULL AND variant IS NOT NULL
            ),
            per_user AS (
              SELECT test_name, user_email, min(variant) AS variant, min(first_assigned) AS first_assigned,
                     min(converted_at) FILTER (
                       WHERE conversion_event IS NOT NULL AND converted_at IS NOT NULL AND converted_at < \(end) \(matching) \(window)
                     ) AS converted_at
              FROM with_first GROUP BY test_name, user_email
              HAVING min(variant) = max(variant)
            ),
            bucketed AS (
              SELECT test_name, variant, width_bucket(first_assigned, \(starts)::timestamptz[]) AS assigned_day,
                     CASE WHEN converted_at IS NOT NULL
                          THEN width_bucket(greatest(converted_at, first_assigned), \(starts)::timestamptz[]) END AS converted_day,
                     converted_at IS NOT NULL AS converted,
                     first_assigned < min(first_assigned) OVER (PARTITION BY test_name) + interval '7 days' AS first_week
              FROM per_user
            )
            SELECT 'users' AS kind, test_name, variant, assigned_day AS key, count(*) AS n, NULL::bigint AS converted
            FROM bucketed GROUP BY test_name, variant, assigned_day
            UNION ALL
            SELECT 'conversions', test_name, variant, converted_day, count(*), NULL
            FROM bucketed WHERE converted GROUP BY test_name, variant, converted_day
            UNION ALL
            SELECT 'cohort', test_name, variant, CASE WHEN first_week THEN 1 ELSE 0 END, count(*), count(*) FILTER (WHERE converted)
            FROM bucketed GROUP BY test_name, variant, first_week
            ORDER BY 2, 3, 1, 4
            """)
    }
}
