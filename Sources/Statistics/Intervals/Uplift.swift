import Foundation

/// A point estimate of a treatment effect with its confidence interval, which may be
/// undefined on its own (a zero standard error gives no interval, but the estimate stands).
public struct Uplift: Sendable, Hashable {
    /// The point estimate.
    public var estimate: Double
    /// estimate ± z₁₋α/₂ · SE, or why there is none.
    public var interval: Estimate<ConfidenceInterval>

    public init(estimate: Double, interval: Estimate<ConfidenceInterval>) {
        self.estimate = estimate
        self.interval = interval
    }
}

/// The absolute uplift p_t − p_c with the unpooled normal (Wald) interval
/// ± z₁₋α/₂ · √(p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c) (SPEC §4.3).
///
/// Matches statsmodels `confint_proportions_2indep(x_t, n_t, x_c, n_c, method="wald",
/// compare="diff", alpha=alpha)` (see `Fixtures/uplift_intervals.json`).
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.invalidAlpha)`;
///   the interval alone is `.undefined(.zeroVariance)` when both rates are 0 or 1.
public func absoluteUplift(control: Proportion, treatment: Proportion, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    let pc = control.rate, pt = treatment.rate
    let difference = pt - pc
    let variance = pt * (1 - pt) / Double(treatment.trials) + pc * (1 - pc) / Double(control.trials)
    guard variance > 0 else { return .value(Uplift(estimate: difference, interval: .undefined(.zeroVariance))) }
    let halfWidth = z * variance.squareRoot()
    return .value(Uplift(estimate: difference,
                         interval: .value(ConfidenceInterval(lower: difference - halfWidth,
                                                             upper: difference + halfWidth))))
}

/// The relative uplift p_t / p_c − 1 with a delta-method interval (SPEC §4.3):
/// Var ≈ p_t(1 − p_t)/(n_t·p_c²) + p_t²·p_c(1 − p_c)/(n_c·p_c⁴), interval ± z₁₋α/₂ · √Var.
///
/// Checked against an mpmath evaluation of the same formula (`Fixtures/uplift_intervals.json`).
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.zeroBaseline)`
///   when p_c = 0, `.undefined(.invalidAlpha)`; the interval alone is
///   `.undefined(.zeroVariance)` when the variance is zero (e.g. p_t = 0 and p_c = 1).
public func relativeUplift(control: Proportion, treatment: Proportion, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    guard control.successes > 0 else { return .undefined(.zeroBaseline) }
    let pc = control.rate, pt = treatment.rate
    let ratio = pt / pc - 1
    let pc2 = pc * pc
    let variance = pt * (1 - pt) / (Double(treatment.trials) * pc2)
        + pt * pt * pc * (1 - pc) / (Double(control.trials) * (pc2 * pc2))
    guard variance > 0 else { return .value(Uplift(estimate: ratio, interval: .undefined(.zeroVariance))) }
    let halfWidth = z * variance.squareRoot()
    return .value(Uplift(estimate: ratio,
                         interval: .value(ConfidenceInterval(lower: ratio - halfWidth,
                                                             upper: ratio + halfWidth))))
}
