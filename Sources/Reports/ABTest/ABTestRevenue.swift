import Database
import Foundation

/// The options of revenue per user and its pre-period covariate (SPEC §4.3.1).
public struct ABTestRevenueOptions: Sendable, Equatable {
    /// Only revenue of this `event_type` (`--revenue-event`); every event when nil.
    public var event: String?
    /// `--cap q`: each user's revenue is capped at the pooled q-quantile of the non-zero values.
    public var cap: Double?
    /// `--cuped` (true), `--no-cuped` (false); nil: on when some user has pre-period revenue.
    public var cuped: Bool?
    /// `--cuped-window`: the pre-period before each user's first assignment.
    public var cupedWindowSeconds: Int

    public static let defaultCupedWindowSeconds = 14 * 86_400

    public init(event: String? = nil, cap: Double? = nil, cuped: Bool? = nil, cupedWindowSeconds: Int = Self.defaultCupedWindowSeconds) {
        self.event = event
        self.cap = cap
        self.cuped = cuped
        self.cupedWindowSeconds = cupedWindowSeconds
    }

    /// Whether the user asked for anything about revenue, so that a role that cannot read
    /// `conversion_events` is an error rather than a readout without revenue.
    public var isAskedFor: Bool { event != nil || cap != nil || cuped == true }

    /// The pre-period read: none with `--no-cuped`.
    var covariateWindowSeconds: Int { cuped == false ? 0 : cupedWindowSeconds }
}

/// The exact sums over one variant's users with revenue, as the statement reads them.
struct ABTestRevenueSums {
    var sumY: Decimal = 0
    var sumY2: Decimal = 0
    var sumX: Decimal = 0
    var sumX2: Decimal = 0
    var sumXY: Decimal = 0
    var usersWithPrePeriodRevenue = 0

    /// The variant's moments over all its `users` (those without revenue at 0): means and the
    /// sample (co)variances (n − 1), from the sums in `Decimal` (38 digits), each rounded once
    /// to the nearest double.
    func variant(_ name: String, users: Int) -> ABTestRevenueCounts.Variant {
        let n = Decimal(users)
        func moment(_ sum: Decimal) -> Double { Decimal.nearestQuotient(sum, n) ?? 0 }
        func comoment(_ product: Decimal, _ a: Decimal, _ b: Decimal) -> Double {
            users > 1 ? Decimal.nearestQuotient(product - a * b / n, n - 1) ?? 0 : 0
        }
        return ABTestRevenueCounts.Variant(
            name: name, users: users, revenue: sumY, meanY: moment(sumY), varianceY: max(0, comoment(sumY2, sumY, sumY)),
            meanX: moment(sumX), varianceX: max(0, comoment(sumX2, sumX, sumX)), covariance: comoment(sumXY, sumX, sumY),
            usersWithPrePeriodRevenue: usersWithPrePeriodRevenue)
    }
}

/// Revenue per user of every test, per variant: what PostgreSQL sums, a handful of rows.
public struct ABTestRevenueCounts: Sendable, Equatable {
    /// One variant's users and the moments of their revenue Y (after the cap) and of their
    /// pre-period revenue X.
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var users: Int
        /// ΣY in exact cents.
        public var revenue: Decimal
        public var meanY: Double
        public var varianceY: Double
        public var meanX: Double
        public var varianceX: Double
        /// The sample covariance of X and Y.
        public var covariance: Double
        /// Users with revenue before their first assignment.
        public var usersWithPrePeriodRevenue: Int

        public init(
            name: String, users: Int, revenue: Decimal, meanY: Double, varianceY: Double, meanX: Double = 0,
            varianceX: Double = 0, covariance: Double = 0, usersWithPrePeriodRevenue: Int = 0
        ) {
            self.name = name
            self.users = users
            self.revenue = revenue
            self.meanY = meanY
            self.varianceY = varianceY
            self.meanX = meanX
            self.varianceX = varianceX
            self.covariance = covariance
            self.usersWithPrePeriodRevenue = usersWithPrePeriodRevenue
        }
    }

    public struct Test: Sendable, Equatable {
        public var name: String
        public var variants: [Variant]
        /// `--cap`: the value each user's revenue was capped at (nil: no cap, or no non-zero value).
        public var cap: Decimal?
        /// The pre-period revenue's own cap.
        public var covariateCap: Decimal?

        public init(name: String, variants: [Variant], cap: Decimal? = nil, covariateCap: Decimal? = nil) {
            self.name = name
            self.variants = variants
            self.cap = cap
            self.covariateCap = covariateCap
        }
    }

    public var tests: [Test]

    public init(tests: [Test]) {
        self.tests = tests
    }

    public func test(_ name: String) -> Test? { tests.first { $0.name == name } }
}

extension PostgresConnection {
    /// Revenue per user of each test in scope, per variant, and the guardrail events' counts,
    /// in one statement (SPEC §4.3.1): the users are grouped out of the assignments once.
    /// - Parameters:
    ///   - earliest: the earliest first assignment of the tests in scope (from their counts),
    ///     the constant lower bound that lets a partitioned `conversion_events` be pruned.
    ///   - counts: the conversion counts of the same snapshot, whose users per variant are the
    ///     denominators: the statement reads only the users who have revenue (every other user's
    ///     revenue is 0 and adds nothing to a sum), and each guardrail's users.
    /// - Returns: the revenue, and the guardrail counts when `counting.guardrails` names any.
    public func abTestRevenue(
        start: Date, end: Date, earliest: Date, counting: ABTestCountingOptions, counts: ABTestCounts
    ) throws -> (revenue: ABTestRevenueCounts, guardrails: ABTestGuardrailCounts?) {
        let rows = try query(ABTestRevenueSQL.revenue(start: start, end: end, earliest: earliest, counting: counting))
        var sums: [String: [String: ABTestRevenueSums]] = [:]
        var caps: [String: (Decimal?, Decimal?)] = [:]
        var converted: [ABTestGuardrailCounts.Key: Int] = [:]
        for row in rows {
            let test = try row.string("test_name")
            guard try row.string("kind") == "revenue" else {
                converted[.init(test: test, variant: try row.string("variant"), event: try row.string("event"))] = try row.int("converted")
                continue
            }
            caps[test] = (try row.decodeIfPresent("y_cap"), try row.decodeIfPresent("x_cap"))
            sums[test, default: [:]][try row.string("variant")] = ABTestRevenueSums(
                sumY: try row.decimal("sum_y"), sumY2: try row.decimal("sum_y2"), sumX: try row.decimal("sum_x"),
                sumX2: try row.decimal("sum_x2"), sumXY: try row.decimal("sum_xy"),
                usersWithPrePeriodRevenue: try row.int("pre_period_payers"))
        }
        let revenue = ABTestRevenueCounts(
            tests: counts.tests.map { test in
                ABTestRevenueCounts.Test(
                    name: test.name,
                    variants: test.variants.map { variant in
                        (sums[test.name]?[variant.name] ?? ABTestRevenueSums()).variant(variant.name, users: variant.users)
                    }, cap: caps[test.name]?.0, covariateCap: caps[test.name]?.1)
            })
        guard !counting.guardrails.isEmpty else { return (revenue, nil) }
        return (revenue, ABTestGuardrailCounts(counts: counts, events: counting.guardrails, converted: converted))
    }

    /// Whether this role may read `conversion_events` (through the search path, so the archive's
    /// view with `--include-archive`): revenue and guardrails are left out, and said so, when not.
    public func canReadConversionEvents() throws -> Bool {
        try query(ABTestRevenueSQL.readable).first?.decode("readable", as: Bool.self) ?? false
    }
}

/// The statement of revenue per user and guardrails: the users of the conversion readout (one
/// variant each), joined with their `conversion_events`.
enum ABTestRevenueSQL {
    /// Each test's users seen in exactly one variant, with their first assignment: the users the
    /// conversion readout counts.
    private static func assigned(start: Date, end: Date, test: String?) -> SQL {
        """
        \(ABTestSQL.scope(start: start, end: end, test: test)),
        assigned AS (
          SELECT test_name, user_email, min(variant) AS variant, min(created_at) AS first_assigned
          FROM scoped WHERE user_email IS NOT NULL AND variant IS NOT NULL
          GROUP BY test_name, user_email
          HAVING min(variant) = max(variant)
        )
        """
    }

    /// Y per user (revenue in [first assignment, end), within the conversion window) and X (in
    /// the pre-period window before it) for the users who have any, capped when asked; then per
    /// variant the exact sums of Y, Y², X, X² and XY in `numeric`, so that the figures do not
    /// depend on the order rows are read in (a partitioned or sharded table reads them in
    /// another). Users without revenue add nothing to a sum: the counts give the denominators.
    /// The join reads `conversion_events` from `earliest` (the earliest first assignment) less
    /// the window: a bound parameter, so the planner prunes the months before it.
    ///
    /// With guardrails, the same users give per test, variant and event those with a row of the
    /// event in [first assignment, end) (`kind` 'guardrail'); the counts give each variant's users.
    static func revenue(start: Date, end: Date, earliest: Date, counting: ABTestCountingOptions) -> Statement {
        let options = counting.revenue
        let window: SQL =
            counting.conversionWindowSeconds.map { "AND e.occurred_at < a.first_assigned + make_interval(secs => \($0)::bigint)" } ?? ""
        let event: SQL = options.event.map { "AND e.event_type = \($0)" } ?? ""
        let covariate = options.covariateWindowSeconds
        let capped: SQL =
            if let cap = options.cap {
                """
                caps AS (
                  SELECT test_name,
                         percentile_disc(\(String(cap))::float8) WITHIN GROUP (ORDER BY y) FILTER (WHERE y <> 0) AS y_cap,
                         percentile_disc(\(String(cap))::float8) WITHIN GROUP (ORDER BY x) FILTER (WHERE x <> 0) AS x_cap
                  FROM paying GROUP BY test_name
                ),
                capped AS (
                  SELECT p.test_name, p.variant, least(p.y, c.y_cap) AS y, least(p.x, c.x_cap) AS x, c.y_cap, c.x_cap
                  FROM paying p JOIN caps c USING (test_name)
                )
                """
            } else {
                "capped AS (SELECT test_name, variant, y, x, NULL::numeric AS y_cap, NULL::numeric AS x_cap FROM paying)"
            }
        return Statement(
            "ab_test_revenue",
            """
            WITH \(assigned(start: start, end: end, test: counting.test)),
            paying AS (
              SELECT a.test_name, a.variant,
                     coalesce(sum(e.revenue) FILTER (WHERE e.occurred_at >= a.first_assigned \(window)), 0) AS y,
                     coalesce(sum(e.revenue) FILTER (WHERE e.occurred_at < a.first_assigned), 0) AS x
              FROM assigned a JOIN conversion_events e ON e.user_email = a.user_email
              WHERE e.occurred_at < \(end)
                AND e.occurred_at >= a.first_assigned - make_interval(secs => \(covariate)::bigint)
                AND e.occurred_at >= \(earliest)::timestamptz - make_interval(secs => \(covariate)::bigint)
                \(event)
              GROUP BY a.test_name, a.user_email, a.variant
            ),
            \(capped)
            SELECT 'revenue' AS kind, test_name, variant, NULL::text AS event, sum(y) AS sum_y, sum(y * y) AS sum_y2,
                   sum(x) AS sum_x, sum(x * x) AS sum_x2, sum(x * y) AS sum_xy, count(*) FILTER (WHERE x <> 0) AS pre_period_payers,
                   max(y_cap) AS y_cap, max(x_cap) AS x_cap, NULL::bigint AS converted
            FROM capped GROUP BY test_name, variant
            \(guardrails(end: end, earliest: earliest, events: counting.guardrails))
            """)
    }

    /// The guardrail branch: the users with a row of each event after their first assignment.
    private static func guardrails(end: Date, earliest: Date, events: [String]) -> SQL {
        guard !events.isEmpty else { return "" }
        return """
            UNION ALL
            SELECT 'guardrail', test_name, variant, event, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*)
            FROM (
              SELECT DISTINCT a.test_name, a.variant, a.user_email, e.event_type AS event
              FROM assigned a JOIN conversion_events e ON e.user_email = a.user_email
              WHERE e.event_type = ANY (\(events)::text[])
                AND e.occurred_at >= a.first_assigned AND e.occurred_at < \(end)
                AND e.occurred_at >= \(earliest)::timestamptz
            ) had
            GROUP BY test_name, variant, event
            """
    }

    /// Whether the role may read `conversion_events` (false when there is none).
    static let readable = Statement(
        "conversion_events_readable",
        """
        SELECT CASE WHEN to_regclass('conversion_events') IS NULL THEN false
                    ELSE has_table_privilege('conversion_events', 'SELECT') END AS readable
        """)
}
