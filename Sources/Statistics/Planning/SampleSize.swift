import Foundation

/// Users needed per variant to detect the difference between `baseline` and `treatment`
/// rates with a two-sided test at `alpha` and the given power (SPEC §4.3, default 80 %):
///
///     n = ⌈(z₁₋α/₂·√(2·p̄(1 − p̄)) + z_power·√(p_c(1 − p_c) + p_t(1 − p_t)))² / (p_t − p_c)²⌉
///
/// with p̄ = (p_c + p_t)/2 (Fleiss's formula for two proportions, without continuity
/// correction). The critical values are `StandardNormal.upperQuantile(alpha / 2)` and
/// `StandardNormal.quantile(power)` (scipy `norm.isf`, `norm.ppf`); checked against a scipy
/// evaluation in `Fixtures/sample_size.json`.
/// - Returns: `.undefined(.identicalRates)` when p_t = p_c, `.undefined(.invalidProbability)`
///   for a rate outside [0, 1], `.undefined(.invalidAlpha)` for alpha or power outside (0, 1),
///   `.undefined(.effectTooSmall)` when n would exceed 10¹⁵.
public func sampleSizePerVariant(
    baseline pc: Double, treatment pt: Double, alpha: Double = 0.05,
    power: Double = 0.8
) -> Estimate<Int> {
    guard let zAlpha = twoSidedCriticalValue(alpha: alpha), power > 0, power < 1 else {
        return .undefined(.invalidAlpha)
    }
    guard (0...1).contains(pc), (0...1).contains(pt) else { return .undefined(.invalidProbability) }
    guard pt != pc else { return .undefined(.identicalRates) }
    let zPower = StandardNormal.quantile(power)
    let mean = (pc + pt) / 2
    let root =
        zAlpha * (2 * mean * (1 - mean)).squareRoot()
        + zPower * (pc * (1 - pc) + pt * (1 - pt)).squareRoot()
    let difference = pt - pc
    let users = (root * root / (difference * difference)).rounded(.up)
    guard users <= 1e15 else { return .undefined(.effectTooSmall) }
    return .value(Int(users))
}

/// Users needed per variant to detect a relative change `minimumDetectableEffect` (`--mde`)
/// from the baseline rate, i.e. p_t = p_c · (1 + mde).
///
/// - Returns: as `sampleSizePerVariant(baseline:treatment:alpha:power:)`; `.undefined(.identicalRates)`
///   when mde = 0 or p_c = 0.
public func sampleSizePerVariant(
    baseline pc: Double, minimumDetectableEffect mde: Double,
    alpha: Double = 0.05, power: Double = 0.8
) -> Estimate<Int> {
    sampleSizePerVariant(baseline: pc, treatment: pc * (1 + mde), alpha: alpha, power: power)
}

/// Users needed per variant to detect a difference `difference` between two means (revenue per
/// user) with a two-sided test at `alpha` and the given power, from the arms' variances:
///
///     n = ⌈(z₁₋α/₂ + z_power)² · (s_c² + s_t²) / Δ²⌉
///
/// the normal approximation of the two-sample test with equal arms (statsmodels
/// `NormalIndPower().solve_power(effect_size=Δ/σ, ratio=1)` with σ² = (s_c² + s_t²)/2, less
/// its negligible second tail; `Fixtures/sample_size.json`).
/// - Returns: `.undefined(.identicalMeans)` when Δ = 0, `.undefined(.invalidAlpha)`,
///   `.undefined(.constantValues)` when both variances are 0, `.undefined(.effectTooSmall)`
///   when n would exceed 10¹⁵.
public func sampleSizePerVariant(
    varianceControl: Double, varianceTreatment: Double, difference: Double,
    alpha: Double = 0.05, power: Double = 0.8
) -> Estimate<Int> {
    guard let zAlpha = twoSidedCriticalValue(alpha: alpha), power > 0, power < 1 else {
        return .undefined(.invalidAlpha)
    }
    guard difference != 0, difference.isFinite else { return .undefined(.identicalMeans) }
    let spread = varianceControl + varianceTreatment
    guard spread > 0, spread.isFinite else { return .undefined(.constantValues) }
    let z = zAlpha + StandardNormal.quantile(power)
    let users = (z * z * spread / (difference * difference)).rounded(.up)
    guard users <= 1e15 else { return .undefined(.effectTooSmall) }
    return .value(Int(users))
}
