import Foundation

/// A point estimate of a treatment effect with its confidence interval.
public struct Uplift: Sendable, Hashable {
    /// The point estimate.
    public var estimate: Double
    /// estimate ± z₁₋α/₂ · SE; `[estimate, estimate]` when the standard-error formula gives 0.
    public var interval: ConfidenceInterval

    public init(estimate: Double, interval: ConfidenceInterval) {
        self.estimate = estimate
        self.interval = interval
    }

    /// estimate ± z · √variance. A zero variance (the formula's value when both rates are 0 or
    /// 1, or p_t = 0 for the relative uplift) gives the point `[estimate, estimate]`: the
    /// formula is defined there and its half-width is 0.
    init(estimate: Double, variance: Double, criticalValue z: Double) {
        let halfWidth = z * max(0, variance).squareRoot()
        self.init(
            estimate: estimate,
            interval: ConfidenceInterval(lower: estimate - halfWidth, upper: estimate + halfWidth))
    }
}

/// The absolute uplift p_t − p_c with the unpooled normal (Wald) interval
/// ± z₁₋α/₂ · √(p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c) (SPEC §4.3).
///
/// Matches statsmodels `confint_proportions_2indep(x_t, n_t, x_c, n_c, method="wald",
/// compare="diff", alpha=alpha)` (see `Fixtures/uplift_intervals.json`). When both rates are 0
/// or 1 the variance is 0 and the interval is `[p_t − p_c, p_t − p_c]` (e.g. [0, 0] for 0/500
/// against 0/500).
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.invalidAlpha)`.
public func absoluteUplift(control: Proportion, treatment: Proportion, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    let pc = control.rate, pt = treatment.rate
    let variance = pt * (1 - pt) / Double(treatment.trials) + pc * (1 - pc) / Double(control.trials)
    return .value(Uplift(estimate: pt - pc, variance: variance, criticalValue: z))
}

/// The relative uplift p_t / p_c − 1 with a delta-method interval (SPEC §4.3):
/// Var ≈ p_t(1 − p_t)/(n_t·p_c²) + p_t²·p_c(1 − p_c)/(n_c·p_c⁴), interval ± z₁₋α/₂ · √Var.
///
/// Checked against an mpmath evaluation of the same formula (`Fixtures/uplift_intervals.json`).
/// When the variance is 0 the interval is the point: a treatment that converted nobody against
/// a control that converted some gives −1 with [−1, −1]; both rates 1 give 0 with [0, 0].
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.zeroBaseline)`
///   when p_c = 0 (SPEC §4.3: `uplift_rel` and its interval are empty), `.undefined(.invalidAlpha)`.
public func relativeUplift(control: Proportion, treatment: Proportion, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    guard control.successes > 0 else { return .undefined(.zeroBaseline) }
    let pc = control.rate, pt = treatment.rate
    let pc2 = pc * pc
    let variance =
        pt * (1 - pt) / (Double(treatment.trials) * pc2)
        + pt * pt * pc * (1 - pc) / (Double(control.trials) * (pc2 * pc2))
    return .value(Uplift(estimate: pt / pc - 1, variance: variance, criticalValue: z))
}
