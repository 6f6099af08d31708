import Database
import Foundation

/// What PostgreSQL counts for the readout: a handful of rows per run.
public struct ABTestCounts: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var users: Int
        public var conversions: Int

        public init(name: String, users: Int, conversions: Int) {
            self.name = name
            self.users = users
            self.conversions = conversions
        }
    }

    public struct Test: Sendable, Equatable {
        public var name: String
        public var variants: [Variant]
        /// Users seen in more than one variant, left out of every count.
        public var multipleExposures: Int
        /// Rows with a null e-mail or variant.
        public var excludedRows: Int
        /// Rows whose conversion came at or after the readout's end: not counted.
        public var lateConversions: Int
        /// Rows whose `created_at` is `-infinity` or before the year 1: in no period, left out.
        public var undatedRows: Int
        public var rowsRead: Int
        public var firstAssignment: Date
        public var lastAssignment: Date

        public init(
            name: String, variants: [Variant], multipleExposures: Int = 0, excludedRows: Int = 0,
            lateConversions: Int = 0, undatedRows: Int = 0, rowsRead: Int, firstAssignment: Date, lastAssignment: Date
        ) {
            self.undatedRows = undatedRows
            self.name = name
            self.variants = variants
            self.multipleExposures = multipleExposures
            self.excludedRows = excludedRows
            self.lateConversions = lateConversions
            self.rowsRead = rowsRead
            self.firstAssignment = firstAssignment
            self.lastAssignment = lastAssignment
        }
    }

    public var tests: [Test]
    /// Rows created in the period with no test name: counted, belonging to no test.
    public var rowsWithoutTest: Int
    /// The same users and conversions by local day and first-week cohort.
    public var daily: ABTestDailyCounts?

    /// Counts from any source: PostgreSQL (`abTestCounts(start:end:days:options:)`) or a test's own numbers.
    public init(tests: [Test], rowsWithoutTest: Int = 0, daily: ABTestDailyCounts? = nil) {
        self.tests = tests
        self.rowsWithoutTest = rowsWithoutTest
        self.daily = daily
    }
}

/// The options that change what is counted.
public struct ABTestCountingOptions: Sendable {
    /// Only this test, active in the period or not.
    public var test: String?
    /// Only conversions of this event; any event when nil.
    public var event: String?
    /// Conversions count only in [first assignment, first assignment + window).
    public var conversionWindowSeconds: Int?
    /// Revenue per user: its event, cap and pre-period covariate.
    public var revenue: ABTestRevenueOptions
    /// Guardrail events (`--guardrail`), in the order given, without repeats.
    public var guardrails: [String]

    public init(
        test: String? = nil, event: String? = nil, conversionWindowSeconds: Int? = nil,
        revenue: ABTestRevenueOptions = ABTestRevenueOptions(), guardrails: [String] = []
    ) {
        self.test = test
        self.event = event
        self.conversionWindowSeconds = conversionWindowSeconds
        self.revenue = revenue
        var seen = Set<String>()
        self.guardrails = guardrails.filter { seen.insert($0).inserted }
    }
}

extension PostgresConnection {
    /// Counts users and conversions per variant of every test with an assignment in
    /// `[start, end)` (or of `options.test`), cumulative from each test's first assignment to
    /// `end`, in one statement: one pass over the running tests' rows.
    ///
    /// A user is a distinct non-null `user_email` of the test; users seen in several variants
    /// are counted apart as multiple exposures. Without a conversion window a plain hash
    /// aggregate does the work; with one, each user's first assignment comes from a window
    /// function over the same rows.
    ///
    /// The same pass counts each variant's new users and new conversions per local day of
    /// `days` and the first-week cohorts, for the effect over time.
    public func abTestCounts(start: Date, end: Date, days: ABTestDayRange, options: ABTestCountingOptions) throws -> ABTestCounts {
        let rows = try query(ABTestSQL.counts(start: start, end: end, days: days, options: options))
        var tests: [String: ABTestCounts.Test] = [:]
        var order: [String] = []
        var rowsWithoutTest = 0
        var daily = ABTestDailyCounts(days: days.days, users: [], conversions: [], cohorts: [])
        for row in rows {
            switch try row.string("kind") {
            case "test":
                let name = try row.string("test_name")
                order.append(name)
                tests[name] = ABTestCounts.Test(
                    name: name, variants: [], multipleExposures: try row.int("multiple_exposures"),
                    excludedRows: try row.int("excluded_rows"), lateConversions: try row.int("late_conversions"),
                    undatedRows: try row.int("undated_rows"), rowsRead: try row.int("rows_read"),
                    firstAssignment: try row.timestamp("first_assignment"), lastAssignment: try row.timestamp("last_assignment"))
            case "variant":
                let name = try row.string("test_name")
                tests[name]?.variants.append(
                    ABTestCounts.Variant(
                        name: try row.string("variant"), users: try row.int("users"), conversions: try row.int("conversions")))
            case "daily_users":
                daily.users.append(
                    .init(
                        test: try row.string("test_name"), variant: try row.string("variant"), dayIndex: try row.int("day_index"), count: try row.int("users")))
            case "daily_conversions":
                daily.conversions.append(
                    .init(
                        test: try row.string("test_name"), variant: try row.string("variant"), dayIndex: try row.int("day_index"),
                        count: try row.int("conversions")))
            case "cohort":
                daily.cohorts.append(
                    .init(
                        test: try row.string("test_name"), variant: try row.string("variant"), isFirstWeek: try row.int("day_index") == 1,
                        users: try row.int("users"), conversions: try row.int("conversions")))
            default:
                rowsWithoutTest = try row.int("rows_read")
            }
        }
        return ABTestCounts(tests: order.compactMap { tests[$0] }, rowsWithoutTest: rowsWithoutTest, daily: daily)
    }

    /// Whether any row names this test (the `(test_name, created_at)` index answers it).
    public func abTestExists(_ test: String) throws -> Bool {
        try query(ABTestSQL.exists(test)).first?.decode("present", as: Bool.self) ?? false
    }

    /// Every test name in the table, for the error that lists them (a loose index scan over
    /// `ab_test_assignments_test_created_idx`, so it stays fast on millions of rows).
    public func abTestNames(limit: Int = 50) throws -> [String] {
        try query(ABTestSQL.names(limit: limit)) { try $0.string("name") }
    }
}

/// The counting statements, for the tests with an assignment in `[start, end)` (or the one
/// named), each read up to `end`, the readout's end.
enum ABTestSQL {
    /// The statement that counts: with a conversion window or without.
    static func counts(start: Date, end: Date, days: ABTestDayRange, options: ABTestCountingOptions) -> Statement {
        if let window = options.conversionWindowSeconds {
            return countsWithWindow(start: start, end: end, days: days, options: options, windowSeconds: window)
        }
        return plainCounts(start: start, end: end, days: days, options: options)
    }

    /// Rows before this (`-infinity`, dates BC) belong to no period and are counted apart.
    static let firstDay = "'0001-01-01 00:00:00+00'::timestamptz"

    /// The tests in scope and their rows before the end; shared by both statements.
    ///
    /// Each test's rows are read through `(test_name, created_at)` one test at a time (a
    /// lateral subquery kept apart by `OFFSET 0`). With `test_name = ANY (array of the running
    /// tests)` the planner cannot see which tests those are: where the running tests hold a
    /// large share of the table it scanned the whole table instead (measured: 104 weeks of
    /// history, 8 M rows, 1.2 M of them the running tests'), and that cost grows with history.
    static func scope(start: Date, end: Date, test: String?) -> SQL {
        let active: SQL =
            if let test {
                "SELECT \(test)::text AS test_name"
            } else {
                "SELECT DISTINCT test_name FROM ab_test_assignments WHERE test_name IS NOT NULL AND created_at >= \(start) AND created_at < \(end)"
            }
        return """
            active AS (
              \(active)
            ),
            scoped AS MATERIALIZED (
              SELECT t.test_name, a.user_email, a.variant, a.conversion_event, a.converted_at, a.created_at
              FROM active t CROSS JOIN LATERAL (
                SELECT x.user_email, x.variant, x.conversion_event, x.converted_at, x.created_at
                FROM ab_test_assignments x
                WHERE x.test_name = t.test_name AND x.created_at < \(end) AND x.created_at >= \(raw: firstDay)
                OFFSET 0
              ) a
            )
            """
    }

    /// A row's conversion counts: the event asked for (any without one) before the end.
    private static func converts(end: Date, event: String?) -> SQL {
        let matching: SQL = event.map { "AND conversion_event = \($0)" } ?? ""
        return "conversion_event IS NOT NULL AND converted_at IS NOT NULL AND converted_at < \(end) \(matching)"
    }

    /// The per-variant, per-test and no-test rows, from `per_user` (one row per test and user,
    /// with their first assignment and the time their conversion counted, `converted_at`);
    /// then, for the effect over time, the users (one variant only) bucketed by local day with
    /// `width_bucket` over the days' first instants (bound as text and cast once in `days`: a
    /// cast per row would parse every day again): new users and new conversions per day (a
    /// conversion counts from the later of `converted_at` and the first assignment, as the
    /// readout counts a user only once assigned), and the first-week cohorts (first assigned
    /// within 7 days of the test's first user) with their conversions.
    private static func results(start: Date, end: Date, days: ABTestDayRange) -> SQL {
        let starts = days.starts.map(PostgresValue.isoTimestamp)
        return """
            variants AS (
              SELECT test_name, variant,
                     count(*) FILTER (WHERE NOT exposed_twice) AS users,
                     count(*) FILTER (WHERE NOT exposed_twice AND converted) AS conversions
              FROM per_user GROUP BY test_name, variant
            ),
            seen_variants AS (
              SELECT DISTINCT test_name, variant FROM scoped WHERE user_email IS NOT NULL AND variant IS NOT NULL
            ),
            tests AS (
              SELECT s.test_name, count(*) AS rows_read,
                     count(*) FILTER (WHERE s.user_email IS NULL OR s.variant IS NULL) AS excluded_rows,
                     count(*) FILTER (WHERE s.converted_at >= \(end)) AS late_conversions,
                     min(s.created_at) AS first_assignment, max(s.created_at) AS last_assignment,
                     (SELECT count(*) FROM ab_test_assignments u
                      WHERE u.test_name = s.test_name AND u.created_at < \(raw: firstDay)) AS undated_rows
              FROM scoped s GROUP BY s.test_name
            ),
            exposures AS (
              SELECT test_name, count(*) FILTER (WHERE exposed_twice) AS multiple_exposures FROM per_user GROUP BY test_name
            ),
            days AS MATERIALIZED (
              SELECT \(starts)::timestamptz[] AS starts
            ),
            test_starts AS (
              SELECT test_name, min(first_assigned) AS test_start FROM per_user WHERE NOT exposed_twice GROUP BY test_name
            ),
            bucketed AS MATERIALIZED (
              SELECT p.test_name, p.variant, width_bucket(p.first_assigned, d.starts) AS assigned_day,
                     CASE WHEN p.converted THEN width_bucket(greatest(p.converted_at, p.first_assigned), d.starts) END AS converted_day,
                     p.converted, p.first_assigned < t.test_start + interval '7 days' AS first_week
              FROM per_user p JOIN test_starts t USING (test_name) CROSS JOIN days d
              WHERE NOT p.exposed_twice
            )
            SELECT 'test' AS kind, t.test_name, NULL AS variant, NULL::bigint AS users, NULL::bigint AS conversions,
                   coalesce(e.multiple_exposures, 0) AS multiple_exposures, t.excluded_rows, t.late_conversions, t.undated_rows,
                   t.rows_read, t.first_assignment, t.last_assignment, NULL::int AS day_index
            FROM tests t LEFT JOIN exposures e USING (test_name)
            UNION ALL
            SELECT 'variant', sv.test_name, sv.variant, coalesce(v.users, 0), coalesce(v.conversions, 0),
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM seen_variants sv LEFT JOIN variants v USING (test_name, variant)
            UNION ALL
            SELECT 'no_test', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   (SELECT count(*) FROM ab_test_assignments WHERE test_name IS NULL AND created_at >= \(start) AND created_at < \(end)),
                   NULL, NULL, NULL
            UNION ALL
            SELECT 'daily_users', test_name, variant, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, assigned_day
            FROM bucketed GROUP BY test_name, variant, assigned_day
            UNION ALL
            SELECT 'daily_conversions', test_name, variant, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, converted_day
            FROM bucketed WHERE converted GROUP BY test_name, variant, converted_day
            UNION ALL
            SELECT 'cohort', test_name, variant, count(*), count(*) FILTER (WHERE converted), NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   CASE WHEN first_week THEN 1 ELSE 0 END
            FROM bucketed GROUP BY test_name, variant, first_week
            ORDER BY 2 NULLS LAST, 1, 3, 13
            """
    }

    /// A user converted when one of their rows has the event (any, or the one asked for) with
    /// converted_at before the end. Several variants of one user: min <> max, no DISTINCT
    /// needed, so the aggregate can hash.
    static func plainCounts(start: Date, end: Date, days: ABTestDayRange, options: ABTestCountingOptions) -> Statement {
        Statement(
            "ab_test_counts",
            """
            WITH \(scope(start: start, end: end, test: options.test)),
            per_user AS (
              SELECT test_name, user_email, min(variant) AS variant, min(variant) <> max(variant) AS exposed_twice,
                     bool_or(\(converts(end: end, event: options.event))) AS converted,
                     min(created_at) AS first_assigned,
                     min(converted_at) FILTER (WHERE \(converts(end: end, event: options.event))) AS converted_at
              FROM scoped WHERE user_email IS NOT NULL AND variant IS NOT NULL
              GROUP BY test_name, user_email
            ),
            \(results(start: start, end: end, days: days))
            """)
    }

    /// As `counts`, with conversions only in [first assignment, first assignment + window).
    static func countsWithWindow(
        start: Date, end: Date, days: ABTestDayRange, options: ABTestCountingOptions, windowSeconds: Int
    ) -> Statement {
        let inWindow: SQL = """
            \(converts(end: end, event: options.event))
                                     AND converted_at >= first_assigned
                                     AND converted_at < first_assigned + make_interval(secs => \(windowSeconds)::bigint)
            """
        return Statement(
            "ab_test_counts_windowed",
            """
            WITH \(scope(start: start, end: end, test: options.test)),
            with_first AS (
              SELECT test_name, user_email, variant, conversion_event, converted_at,
                     min(created_at) OVER (PARTITION BY test_name, user_email) AS first_assigned
              FROM scoped WHERE user_email IS NOT NULL AND variant IS NOT NULL
            ),
            per_user AS (
              SELECT test_name, user_email, min(variant) AS variant, min(variant) <> max(variant) AS exposed_twice,
                     bool_or(\(inWindow)) AS converted,
                     min(first_assigned) AS first_assigned,
                     min(converted_at) FILTER (WHERE \(inWindow)) AS converted_at
              FROM with_first GROUP BY test_name, user_email
            ),
            \(results(start: start, end: end, days: days))
            """)
    }

    /// Whether any row names this test (the `(test_name, created_at)` index answers it).
    static func exists(_ test: String) -> Statement {
        Statement("ab_test_exists", "SELECT EXISTS (SELECT 1 FROM ab_test_assignments WHERE test_name = \(test)) AS present")
    }

    /// Up to `limit` test names, by a loose index scan.
    static func names(limit: Int) -> Statement {
        Statement(
            "ab_test_names",
            """
            WITH RECURSIVE names AS (
              SELECT min(test_name) AS name FROM ab_test_assignments
              UNION ALL
              SELECT (SELECT min(test_name) FROM ab_test_assignments WHERE test_name > names.name)
              FROM names WHERE names.name IS NOT NULL
            )
            SELECT name FROM names WHERE name IS NOT NULL LIMIT \(limit)
            """)
    }
}
