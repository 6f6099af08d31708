import Foundation

/// The always-valid p-value of the normal-mixture sequential probability ratio test (mSPRT)
/// on the difference in conversion rates, which may be watched every day without inflating
/// the error rate (Johari, Pekelis and Walsh, "Always valid inference", 2017; SPEC §4.3).
///
/// θ̂ = p_t − p_c with V = p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c, passed to
/// `sequentialPValue(estimate:variance:tau:)`. Checked against an mpmath evaluation of the
/// same formula (see `Fixtures/sequential.json`).
///
/// V = 0 exactly when each rate is 0 or 1, so θ̂ is −1, 0 or 1 there: p = 1 for θ̂ = 0 (both
/// arms at 0 % or both at 100 %) and p = 0 for θ̂ = ±1 (one arm converted everybody, the other
/// nobody). This is the plug-in variance's verdict however few users there are, and it makes
/// such a comparison significant.
/// - Parameter tau: τ, the mixing standard deviation (`--tau`, default 0.01).
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.invalidParameter)`
///   when τ is not positive and finite.
public func sequentialPValue(control: Proportion, treatment: Proportion, tau: Double = 0.01) -> Estimate<Double> {
    guard tau > 0, (tau * tau).isFinite else { return .undefined(.invalidParameter) }
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    let pc = control.rate, pt = treatment.rate
    let variance = pt * (1 - pt) / Double(treatment.trials) + pc * (1 - pc) / Double(control.trials)
    return sequentialPValue(estimate: pt - pc, variance: variance, tau: tau)
}

/// The always-valid mSPRT p-value of an estimate θ̂ that is normal with variance V, against
/// θ = 0 with a N(0, τ²) mixture over the alternative (Johari, Pekelis and Walsh, "Always valid
/// inference", 2017): a difference in rates, or a difference of two means with
/// V = s_t²/n_t + s_c²/n_c.
///
/// Λ = √(V / (V + τ²)) · exp(τ²θ̂² / (2V(V + τ²))) and p = min(1, 1/Λ), evaluated in log space
/// so a huge Λ gives a tiny p rather than overflowing (`Fixtures/sequential_tau.json`,
/// `mean_differences`). `plannedMixingVariance(plannedUsersPerVariant:variance:alpha:)`
/// chooses τ² for a planned sample size.
///
/// V = 0 gives the formula's limit as V → 0⁺ with θ̂ fixed, from
/// log Λ = ½·log(V / (V + τ²)) + τ²θ̂² / (2V(V + τ²)):
/// - θ̂ = 0: the second term vanishes, so Λ ≤ 1 and p = 1 for every V > 0; the limit is 1.
/// - θ̂ ≠ 0: the second term grows like θ̂²/(2V), faster than ½·log V falls, so Λ → ∞ and p → 0.
/// - Returns: `.undefined(.invalidParameter)` when τ is not positive and finite, V is negative
///   or not finite, or θ̂ is not finite.
public func sequentialPValue(estimate theta: Double, variance: Double, tau: Double) -> Estimate<Double> {
    guard tau > 0, (tau * tau).isFinite else { return .undefined(.invalidParameter) }
    guard theta.isFinite, variance >= 0, variance.isFinite else { return .undefined(.invalidParameter) }
    guard variance > 0 else { return .value(theta == 0 ? 1 : 0) }
    guard theta != 0 else { return .value(1) }
    let tau2 = tau * tau
    // log(V / (V + τ²)) and τ²/(V + τ²), written so that neither V + τ² nor τ²/V can overflow.
    let larger = max(variance, tau2), smaller = min(variance, tau2)
    let logShrinkage = log(variance) - log(larger) - log1p(smaller / larger)
    let weight = 1 / (1 + variance / tau2)
    // weight = 0 only when τ² vanishes next to V: the mixture is a point at 0 and the exponent 0.
    let exponent = weight == 0 ? 0 : theta * theta / variance * weight / 2
    return .value(exp(min(0, -(0.5 * logShrinkage + exponent))))
}
