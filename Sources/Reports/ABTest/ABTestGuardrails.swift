import Database
import Foundation
import Statistics

/// Per test, variant and guardrail event (`--guardrail`), the users who had the event after
/// their first assignment (SPEC §4.3.1).
public struct ABTestGuardrailCounts: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var test: String
        public var variant: String
        public var event: String
        public var users: Int
        public var converted: Int

        public init(test: String, variant: String, event: String, users: Int, converted: Int) {
            self.test = test
            self.variant = variant
            self.event = event
            self.users = users
            self.converted = converted
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) {
        self.rows = rows
    }
}

/// One guardrail of one treatment: its rate against the control's and the one-sided test of harm.
public struct ABTestGuardrailResult: Sendable, Equatable {
    public var event: String
    public var variant: String
    public var isControl: Bool
    public var users: Int
    public var converted: Int
    public var rate: Double?
    public var upliftAbsolute: Double?
    /// P(Z ≥ z) of the pooled z-test of p_t > p_c.
    public var pValueHarm: Double?
    /// p_value_harm < alpha, not corrected with the primary family.
    public var isHarmful: Bool?
    public var undefinedReason: UndefinedReason?

    /// Each event's rows, control first, from the counts of one test in `order`.
    static func analyse(_ counts: ABTestGuardrailCounts, test: String, events: [String], order: [String], alpha: Double) -> [ABTestGuardrailResult] {
        events.flatMap { event -> [ABTestGuardrailResult] in
            let arms = order.map { variant in
                counts.rows.first { $0.test == test && $0.variant == variant && $0.event == event }
                    ?? ABTestGuardrailCounts.Row(test: test, variant: variant, event: event, users: 0, converted: 0)
            }
            let control = Proportion(successes: arms[0].converted, trials: arms[0].users)
            return arms.enumerated().map { index, arm in
                var result = ABTestGuardrailResult(
                    event: event, variant: arm.variant, isControl: index == 0, users: arm.users, converted: arm.converted,
                    rate: arm.users > 0 ? Double(arm.converted) / Double(arm.users) : nil)
                guard index > 0 else { return result }
                let treatment = Proportion(successes: arm.converted, trials: arm.users)
                result.upliftAbsolute = absoluteUplift(control: control, treatment: treatment, alpha: alpha).definedValue?.estimate
                switch twoProportionZTest(control: control, treatment: treatment) {
                case .value(let test):
                    result.pValueHarm = test.pValueHigher
                    result.isHarmful = test.pValueHigher < alpha
                case .undefined(.zeroVariance):
                    // Nobody (or everybody) had the event in either arm: no harm to see, the
                    // one-sided test's limit is p = 1.
                    result.pValueHarm = 1
                    result.isHarmful = false
                case .undefined(let reason):
                    result.undefinedReason = reason
                }
                return result
            }
        }
    }
}

extension PostgresConnection {
    /// The guardrail counts of every test in scope, in one statement.
    /// - Parameters:
    ///   - earliest: the earliest first assignment of the tests in scope (see `abTestRevenue`).
    ///   - counts: the conversion counts of the same snapshot: each variant's users.
    public func abTestGuardrails(
        start: Date, end: Date, earliest: Date, counting: ABTestCountingOptions, events: [String], counts: ABTestCounts
    ) throws -> ABTestGuardrailCounts {
        var converted: [String: Int] = [:]
        for row in try query(ABTestGuardrailSQL.counts(start: start, end: end, earliest: earliest, test: counting.test, events: events)) {
            converted["\(try row.string("test_name"))\u{1F}\(try row.string("variant"))\u{1F}\(try row.string("event"))"] = try row.int("converted")
        }
        var rows: [ABTestGuardrailCounts.Row] = []
        for test in counts.tests {
            for variant in test.variants {
                for event in events {
                    rows.append(
                        .init(
                            test: test.name, variant: variant.name, event: event, users: variant.users,
                            converted: converted["\(test.name)\u{1F}\(variant.name)\u{1F}\(event)"] ?? 0))
                }
            }
        }
        return ABTestGuardrailCounts(rows: rows)
    }
}

enum ABTestGuardrailSQL {
    /// Per test, variant and event: the users (one variant only, as the readout counts them)
    /// with a `conversion_events` row of the event in [first assignment, end); the counts give
    /// each variant's users.
    static func counts(start: Date, end: Date, earliest: Date, test: String?, events: [String]) -> Statement {
        Statement(
            "ab_test_guardrails",
            """
            WITH \(ABTestRevenueSQL.assigned(start: start, end: end, test: test)),
            had AS (
              SELECT DISTINCT a.test_name, a.variant, a.user_email, e.event_type AS event
              FROM assigned a JOIN conversion_events e ON e.user_email = a.user_email
              WHERE e.event_type = ANY (\(events)::text[])
                AND e.occurred_at >= a.first_assigned AND e.occurred_at < \(end)
                AND e.occurred_at >= \(earliest)::timestamptz
            )
            SELECT test_name, variant, event, count(*) AS converted
            FROM had GROUP BY test_name, variant, event
            """)
    }
}
