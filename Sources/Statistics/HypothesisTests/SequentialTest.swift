import Foundation

/// The always-valid p-value of the normal-mixture sequential probability ratio test (mSPRT)
/// on the difference in conversion rates, which may be watched every day without inflating
/// the error rate (Johari, Pekelis and Walsh, "Always valid inference", 2017; SPEC §4.3).
///
/// With θ̂ = p_t − p_c, V = p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c and mixing variance τ²:
/// Λ = √(V / (V + τ²)) · exp(τ²θ̂² / (2V(V + τ²))) and p = min(1, 1/Λ), evaluated in log
/// space so a huge Λ gives a tiny p rather than overflowing. Checked against an mpmath
/// evaluation of the same formula (see `Fixtures/sequential.json`).
///
/// V = 0 exactly when each rate is 0 or 1, so θ̂ is −1, 0 or 1 there, and p is the formula's
/// limit as V → 0⁺ with θ̂ fixed, from log Λ = ½·log(V / (V + τ²)) + τ²θ̂² / (2V(V + τ²)):
/// - θ̂ = 0 (both arms at 0 % or both at 100 %): the second term vanishes, so Λ ≤ 1 and p = 1
///   for every V > 0; the limit is 1.
/// - θ̂ = ±1 (one arm converted everybody, the other nobody): the second term grows like
///   θ̂²/(2V), faster than ½·log V falls, so Λ → ∞ and p → 0. This is the plug-in variance's
///   verdict however few users there are, and it makes such a comparison significant.
/// - Parameter tau: τ, the mixing standard deviation (`--tau`, default 0.01).
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.invalidParameter)`
///   when τ is not positive and finite.
public func sequentialPValue(control: Proportion, treatment: Proportion, tau: Double = 0.01) -> Estimate<Double> {
    guard tau > 0, (tau * tau).isFinite else { return .undefined(.invalidParameter) }
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    let pc = control.rate, pt = treatment.rate
    let theta = pt - pc
    let variance = pt * (1 - pt) / Double(treatment.trials) + pc * (1 - pc) / Double(control.trials)
    guard variance > 0 else { return .value(theta == 0 ? 1 : 0) }
    let tau2 = tau * tau
    let logLikelihoodRatio =
        0.5 * log(variance / (variance + tau2))
        + tau2 * theta * theta / (2 * variance * (variance + tau2))
    return .value(exp(min(0, -logLikelihoodRatio)))
}
