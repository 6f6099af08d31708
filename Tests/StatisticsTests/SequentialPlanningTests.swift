import Foundation
import Statistics
import Testing

/// The mixing variance tuned to a planned sample size and the mSPRT of a mean difference,
/// against `Fixtures/sequential_tau.json` (mpmath at 50 digits), and their degenerate cases.
@Suite struct SequentialPlanningTests {
    struct File: Decodable {
        struct Root: Decodable {
            var alpha: Double
            var r: Double
            var criticalZ2: Double
            var howardApproximation: Double
        }
        struct Planned: Decodable {
            var users: Int
            var variance: Double
            var alpha: Double
            var tau2: Double?
            var undefined: String?
        }
        struct MeanDifference: Decodable {
            var estimate: Double
            var variance: Double
            var tau: Double
            var pValue: Double?
            var undefined: String?
        }
        var roots: [Root]
        var planned: [Planned]
        var meanDifferences: [MeanDifference]
    }

    @Test("r solves r = 2 log(1/α) + log(1 + r) to full precision, and beats Howard et al.'s closed form")
    func optimalRatio() throws {
        let file = try Fixtures.load("sequential_tau", as: File.self)
        for root in file.roots {
            let r = try #require(optimalMixingRatio(alpha: root.alpha).definedValue)
            #expect(isClose(r, root.r, relative: 1e-14), "α=\(root.alpha): r \(r) vs \(root.r)")
            // The critical z² at the planned size is 1 + r, and no other ratio gives a smaller one.
            let critical = { (r: Double) in (1 + 1 / r) * (-2 * log(root.alpha) + log1p(r)) }
            #expect(isClose(critical(r), root.criticalZ2, relative: 1e-13))
            #expect(critical(root.howardApproximation) >= critical(r))
            #expect(critical(r * 1.01) > critical(r) && critical(r / 1.01) > critical(r))
        }
    }

    @Test("τ² = r · 2σ²/N for a planned N, σ² and α")
    func plannedVariance() throws {
        let file = try Fixtures.load("sequential_tau", as: File.self)
        let tolerance = try Fixtures.tolerance("sequential_tau")
        for planned in file.planned {
            let label = "N=\(planned.users) σ²=\(planned.variance) α=\(planned.alpha)"
            let result = plannedMixingVariance(plannedUsersPerVariant: planned.users, variance: planned.variance, alpha: planned.alpha)
            if let reason = planned.undefined {
                #expect(result.undefinedReason?.rawValue == reason, "\(label)")
                continue
            }
            let tau2 = try #require(result.definedValue, "\(label)")
            #expect(isClose(tau2, try #require(planned.tau2), tolerance), "\(label): τ² \(tau2)")
            // At the planned size, an estimate exactly on the boundary z² = 1 + r has p = α.
            let v = 2 * planned.variance / Double(planned.users)
            let r = try #require(optimalMixingRatio(alpha: planned.alpha).definedValue)
            let boundary = ((1 + r) * v).squareRoot()
            let p = try #require(sequentialPValue(estimate: boundary, variance: v, tau: tau2.squareRoot()).definedValue)
            #expect(isClose(p, planned.alpha, relative: 1e-9), "\(label): p on the boundary \(p)")
        }
    }

    @Test("the mSPRT p-value of a mean difference matches mpmath")
    func meanDifferences() throws {
        let file = try Fixtures.load("sequential_tau", as: File.self)
        let tolerance = try Fixtures.tolerance("sequential_tau")
        #expect(file.meanDifferences.count >= 10)
        for c in file.meanDifferences {
            let label = "θ̂=\(c.estimate) V=\(c.variance) τ=\(c.tau)"
            let result = sequentialPValue(estimate: c.estimate, variance: c.variance, tau: c.tau)
            if let reason = c.undefined {
                #expect(result.undefinedReason?.rawValue == reason, "\(label)")
                continue
            }
            let p = try #require(result.definedValue, "\(label)")
            #expect(isClose(p, try #require(c.pValue), tolerance), "\(label): p \(p) vs \(c.pValue ?? .nan)")
            // Only the estimate's size matters.
            #expect(sequentialPValue(estimate: -c.estimate, variance: c.variance, tau: c.tau).definedValue == p)
        }
    }

    @Test("the proportion mSPRT is the mean-difference mSPRT with the binomial variance")
    func proportionsDelegate() throws {
        let control = Proportion(successes: 1000, trials: 10000), treatment = Proportion(successes: 1100, trials: 10000)
        let v = 0.11 * 0.89 / 10000 + 0.1 * 0.9 / 10000
        let direct = try #require(sequentialPValue(estimate: 0.11 - 0.1, variance: v, tau: 0.01).definedValue)
        let viaArms = try #require(sequentialPValue(control: control, treatment: treatment, tau: 0.01).definedValue)
        #expect(isClose(viaArms, direct, relative: 1e-12))
    }

    @Test("extreme and invalid inputs give a reason or the formula's limit, never NaN")
    func degenerate() {
        for alpha in [0.0, 1.0, -0.1, 1.5, .nan, .infinity] {
            #expect(optimalMixingRatio(alpha: alpha).undefinedReason == .invalidAlpha)
            #expect(plannedMixingVariance(plannedUsersPerVariant: 100, variance: 1, alpha: alpha).undefinedReason == .invalidAlpha)
        }
        for variance in [0.0, -1.0, .nan, .infinity, -.infinity] {
            #expect(plannedMixingVariance(plannedUsersPerVariant: 100, variance: variance).undefinedReason == .invalidParameter)
        }
        #expect(plannedMixingVariance(plannedUsersPerVariant: 0, variance: 1).undefinedReason == .emptyArm)
        #expect(plannedMixingVariance(plannedUsersPerVariant: .min, variance: 1).undefinedReason == .emptyArm)
        #expect(plannedMixingVariance(plannedUsersPerVariant: 1, variance: 1e308).undefinedReason == .invalidParameter)
        #expect(plannedMixingVariance(plannedUsersPerVariant: .max, variance: 1e-300).definedValue.map { $0 > 0 && $0.isFinite } == true)
        // Alpha at the edges of (0, 1): r stays positive and finite, and solves its equation.
        for alpha in [Double.leastNonzeroMagnitude, 1e-300, 1 - 1e-12, 0.999_999] {
            let r = optimalMixingRatio(alpha: alpha).definedValue
            #expect(r.map { $0 > 0 && $0.isFinite } == true, "α=\(alpha)")
            if let r { #expect(isClose(r, -2 * log(alpha) + log1p(r), relative: 1e-12, absolute: 1e-300), "α=\(alpha)") }
        }
        // V = 0: 1 for no difference, 0 for any other.
        #expect(sequentialPValue(estimate: 0, variance: 0, tau: 1).definedValue == 1)
        #expect(sequentialPValue(estimate: 1e-300, variance: 0, tau: 1).definedValue == 0)
        #expect(sequentialPValue(estimate: 1, variance: .infinity, tau: 1).undefinedReason == .invalidParameter)
        #expect(sequentialPValue(estimate: .nan, variance: 1, tau: 1).undefinedReason == .invalidParameter)
        #expect(sequentialPValue(estimate: 1, variance: 1, tau: .infinity).undefinedReason == .invalidParameter)
        // Variances and mixing widths at the ends of the doubles.
        let subnormal = Double.leastNormalMagnitude / 1e12, smallest = Double.leastNonzeroMagnitude
        for (estimate, variance, tau) in [
            (1e160, subnormal, 1e-160), (1e-300, subnormal, 1e150), (1.0, 1e300, 1e150), (1e150, 1e300, 1e-160), (0.0, subnormal, 1e-160),
            (1e154, 1e-10, 1e154), (1.0, smallest, 1.0),
        ] {
            let p = sequentialPValue(estimate: estimate, variance: variance, tau: tau).definedValue
            #expect(p.map { $0 >= 0 && $0 <= 1 } == true, "θ̂=\(estimate) V=\(variance) τ=\(tau): \(String(describing: p))")
        }
    }
}
