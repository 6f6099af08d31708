import Foundation

/// The mixing variance τ² that makes the mSPRT of a difference of two means reject as early
/// as possible at a planned sample size: τ² = r·V_N with V_N = 2σ²/N (N users per arm, each
/// with variance σ²) and r from `optimalMixingRatio(alpha:)`.
///
/// With z² = θ̂²/V and r = τ²/V, the mSPRT of `sequentialPValue(estimate:variance:tau:)` has
/// log Λ = −½·log(1 + r) + z²r / (2(1 + r)), so it rejects at α (Λ ≥ 1/α) when
///
///     z² ≥ (1 + 1/r)·(2·log(1/α) + log(1 + r)).
///
/// This critical z² is smallest where its derivative in r vanishes, at
/// r = 2·log(1/α) + log(1 + r); choosing τ² so that r takes that value at V = V_N makes the
/// boundary tightest when the test reaches its planned size, and there the critical z² is 1 + r.
/// Howard, Ramdas, McAuliffe and Sekhon, "Time-uniform, nonparametric, nonasymptotic
/// confidence sequences", Annals of Statistics 49(2), 2021, tune their normal-mixture boundary
/// the same way, with the closed form that replaces log(1 + r) by log(1 + 2·log(1/α)); here the
/// equation is solved exactly. Eppo likewise tunes its mixture to a planned sample size.
/// Checked against mpmath `findroot` at 50 digits (`Fixtures/sequential_tau.json`).
/// - Parameters:
///   - plannedUsersPerVariant: N, the users each arm is planned to reach.
///   - variance: σ², the per-user variance of the metric (for a rate p, p(1 − p)).
///   - alpha: the significance level the test will be read at.
/// - Returns: τ²; `.undefined(.emptyArm)` when N < 1, `.undefined(.invalidParameter)` when σ²
///   is not positive and finite (or τ² would overflow), `.undefined(.invalidAlpha)` for alpha
///   outside (0, 1).
public func plannedMixingVariance(plannedUsersPerVariant users: Int, variance: Double, alpha: Double = 0.05) -> Estimate<Double> {
    guard users >= 1 else { return .undefined(.emptyArm) }
    guard variance > 0, variance.isFinite else { return .undefined(.invalidParameter) }
    return optimalMixingRatio(alpha: alpha).flatMap { ratio in
        let tau2 = ratio * (2 * (variance / Double(users)))
        return tau2.isFinite && tau2 > 0 ? .value(tau2) : .undefined(.invalidParameter)
    }
}

/// r = τ²/V at which the mSPRT's critical z² = (1 + 1/r)·(2·log(1/α) + log(1 + r)) is smallest:
/// the root of r = 2·log(1/α) + log(1 + r) (see `plannedMixingVariance`).
///
/// With c = 2·log(1/α) > 0, g(r) = r − log(1 + r) − c rises and is convex on r > 0, from
/// g(0) = −c < 0, so its one root is found by Newton's method started to its right
/// (r₀ = 2c + 2, where g > 0), which descends monotonically to it; r − log(1 + r) is summed as
/// a series below ½ so that a small r (alpha near 1) keeps its digits. Matches mpmath
/// `findroot` at 50 digits to full double precision.
/// - Returns: `.undefined(.invalidAlpha)` for alpha outside (0, 1).
public func optimalMixingRatio(alpha: Double) -> Estimate<Double> {
    guard alpha > 0, alpha < 1 else { return .undefined(.invalidAlpha) }
    let c = -2 * log(alpha)
    var r = 2 * c + 2
    for _ in 0..<200 {
        let g = excessOverLogOnePlus(r) - c
        let next = r - g * (1 + r) / r
        // Convexity makes every step move left until the root; a step that does not is rounding.
        guard next < r, next > 0 else { break }
        r = next
    }
    return .value(r)
}

/// r − log(1 + r) for r ≥ 0, to full relative precision also for small r.
private func excessOverLogOnePlus(_ r: Double) -> Double {
    guard r < 0.5 else { return r - log1p(r) }
    // Σ_{k≥2} (−1)^k r^k / k, alternating with falling terms.
    var sum = 0.0, power = r, k = 2.0
    while k < 200 {
        power *= -r
        let term = -power / k
        sum += term
        if abs(term) <= 1e-17 * abs(sum) { break }
        k += 1
    }
    return sum
}
