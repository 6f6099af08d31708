import Foundation
import Statistics
import Testing

@Suite("Intervals against statsmodels and the SPEC formulas")
struct IntervalTests {
    struct WilsonFixture: Decodable {
        struct Case: Decodable, Sendable {
            var successes, trials: Int
            var alpha: Double
            var lower, upper: Double?
            var undefined: String?
        }
        var cases: [Case]
    }

    struct UpliftFixture: Decodable {
        struct Case: Decodable, Sendable {
            var control, treatment: [Int]
            var alpha: Double
            var absolute: Double
            /// [lower, upper]; the point [estimate, estimate] when the variance is zero.
            var absoluteInterval: [Double]
            var relative: NumberOrReason
            var relativeInterval: [Double]?
        }
        var cases: [Case]
    }

    @Test("Wilson score interval", arguments: try Fixtures.load("wilson_interval", as: WilsonFixture.self).cases)
    func wilson(c: WilsonFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("wilson_interval")
        // A fixture may hold an invalid (trials 0) count, so the proportion is built field by field.
        var proportion = Proportion(successes: 0, trials: 0)
        proportion.trials = c.trials
        proportion.successes = c.successes
        let result = wilsonInterval(proportion, alpha: c.alpha)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            return
        }
        let interval = try #require(result.definedValue)
        #expect(isClose(interval.lower, try #require(c.lower), tolerance), "lower \(c.successes)/\(c.trials)")
        #expect(isClose(interval.upper, try #require(c.upper), tolerance), "upper \(c.successes)/\(c.trials)")
        #expect(interval.lower >= 0 && interval.upper <= 1)
        #expect(interval.contains(proportion.rate))
    }

    @Test(
        "absolute and relative uplift with their intervals",
        arguments: try Fixtures.load("uplift_intervals", as: UpliftFixture.self).cases)
    func uplift(c: UpliftFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("uplift_intervals")
        let control = arm(c.control), treatment = arm(c.treatment)

        let absolute = try #require(absoluteUplift(control: control, treatment: treatment, alpha: c.alpha).definedValue)
        #expect(isClose(absolute.estimate, c.absolute, tolerance))
        #expect(isClose(absolute.interval.lower, c.absoluteInterval[0], tolerance))
        #expect(isClose(absolute.interval.upper, c.absoluteInterval[1], tolerance))
        #expect(absolute.interval.contains(absolute.estimate))

        let relative = relativeUplift(control: control, treatment: treatment, alpha: c.alpha)
        switch c.relative {
        case .reason(let reason):
            #expect(relative.undefinedReason?.rawValue == reason)
        case .number(let expected):
            let value = try #require(relative.definedValue)
            #expect(isClose(value.estimate, expected, tolerance))
            let bounds = try #require(c.relativeInterval)
            #expect(isClose(value.interval.lower, bounds[0], tolerance))
            #expect(isClose(value.interval.upper, bounds[1], tolerance))
            #expect(value.interval.contains(value.estimate))
        }
    }

    @Test("empty arms and invalid alpha are undefined, not NaN")
    func degenerate() {
        let empty = Proportion(successes: 0, trials: 0), some = Proportion(successes: 3, trials: 10)
        #expect(absoluteUplift(control: empty, treatment: some).undefinedReason == .emptyArm)
        #expect(relativeUplift(control: some, treatment: empty).undefinedReason == .emptyArm)
        #expect(absoluteUplift(control: some, treatment: some, alpha: 0).undefinedReason == .invalidAlpha)
        #expect(wilsonInterval(some, alpha: 1).undefinedReason == .invalidAlpha)
        #expect(wilsonInterval(empty).description == "undefined, because an arm has no users")
    }
}
