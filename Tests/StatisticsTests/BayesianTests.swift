import Foundation
import Statistics
import Testing

@Suite("Bayesian comparison against mpmath")
struct BayesianTests {
    struct BayesianFixture: Decodable {
        struct Case: Decodable, Sendable {
            var control, treatment: [Int]
            var chanceToBeatControl, expectedLoss: Double?
            var undefined: String?
        }
        var cases: [Case]
    }

    @Test(
        "chance to beat control and expected loss, 1 to 10 million users",
        arguments: try Fixtures.load("bayesian", as: BayesianFixture.self).cases)
    func matchesReference(c: BayesianFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("bayesian")
        let control = arm(c.control), treatment = arm(c.treatment)
        let result = bayesianComparison(control: control, treatment: treatment)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            #expect(chanceToBeatControl(control: control, treatment: treatment).undefinedReason?.rawValue == reason)
            return
        }
        let value = try #require(result.definedValue)
        let chance = try #require(c.chanceToBeatControl), loss = try #require(c.expectedLoss)
        #expect(
            abs(value.chanceToBeatControl - chance) <= (tolerance.chanceAbsolute ?? 0),
            "P(p_t > p_c): \(value.chanceToBeatControl) vs \(chance)")
        // The implementation is exact, so it is held to far more than the 1e-6 it promises.
        #expect(abs(value.chanceToBeatControl - chance) <= 1e-12)
        #expect(
            isClose(
                value.expectedLoss, loss, relative: tolerance.lossRelative ?? 0,
                absolute: tolerance.lossAbsolute ?? 0), "E[max(p_c − p_t, 0)]: \(value.expectedLoss) vs \(loss)")
    }

    @Test("ten million users per arm take well under 100 ms")
    func fastForHugeArms() {
        let control = Proportion(successes: 5_000_000, trials: 10_000_000)
        let treatment = Proportion(successes: 5_002_000, trials: 10_000_000)
        let clock = ContinuousClock()
        var result: Estimate<BayesianComparison> = .undefined(.emptyArm)
        let elapsed = clock.measure {
            result = bayesianComparison(control: control, treatment: treatment)
        }
        #expect(elapsed < .milliseconds(100), "took \(elapsed)")
        let chance = result.definedValue?.chanceToBeatControl ?? -1
        #expect(chance > 0.5 && chance < 1)
    }

    @Test("identical arms have exactly an even chance")
    func identicalArms() throws {
        for arm in [
            Proportion(successes: 0, trials: 1), Proportion(successes: 7, trials: 7),
            Proportion(successes: 0, trials: 500), Proportion(successes: 500, trials: 500),
            Proportion(successes: 123_456, trials: 10_000_000),
        ] {
            let chance = try #require(chanceToBeatControl(control: arm, treatment: arm).definedValue)
            #expect(chance == 0.5)
        }
    }
}
