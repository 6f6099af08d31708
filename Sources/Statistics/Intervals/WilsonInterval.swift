import Foundation

/// The Wilson score interval of a conversion rate at confidence 1 − alpha.
///
/// Bounds (x + z²/2 ± z·s) / (n + z²) with s = √(x(n − x)/n + z²/4) and z = z₁₋α/₂. The lower
/// bound is evaluated as x² / (n·(x + z²/2 + z·s)), its algebraically equal, cancellation-free
/// form, and the upper bound as 1 minus the same for the failures, so the bounds are exactly
/// 0 when nobody converted and exactly 1 when everybody did. Matches statsmodels
/// `proportion_confint(x, n, alpha, method="wilson")` (see `Fixtures/wilson_interval.json`).
/// - Returns: `.undefined(.emptyArm)` with no trials, `.undefined(.invalidAlpha)` for an alpha
///   outside (0, 1).
public func wilsonInterval(_ proportion: Proportion, alpha: Double = 0.05) -> Estimate<ConfidenceInterval> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard proportion.trials > 0 else { return .undefined(.emptyArm) }
    let x = Double(proportion.successes), n = Double(proportion.trials)
    let z2 = z * z
    let s = (x * ((n - x) / n) + z2 / 4).squareRoot()
    // The lower bound of a rate whose count is k: (k + z²/2 − z·s)·… rewritten without cancellation.
    func lowerBound(_ k: Double) -> Double { k * (k / (n * (k + z2 / 2 + z * s))) }
    let lower = x <= n / 2 ? lowerBound(x) : (x + z2 / 2 - z * s) / (n + z2)
    let upper = x >= n / 2 ? 1 - lowerBound(n - x) : (x + z2 / 2 + z * s) / (n + z2)
    return .value(ConfidenceInterval(lower: max(0, lower), upper: min(1, upper)))
}
