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

    /// A test's variant and event.
    struct Key: Hashable {
        var test: String
        var variant: String
        var event: String
    }

    /// Every variant of the counted tests with every event: its users from the counts, and how
    /// many of them had the event (none when the statement returned no row for it).
    init(counts: ABTestCounts, events: [String], converted: [Key: Int]) {
        rows = counts.tests.flatMap { test in
            test.variants.flatMap { variant in
                events.map { event in
                    Row(
                        test: test.name, variant: variant.name, event: event, users: variant.users,
                        converted: converted[Key(test: test.name, variant: variant.name, event: event)] ?? 0)
                }
            }
        }
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
