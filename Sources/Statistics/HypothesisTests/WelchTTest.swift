import Foundation

/// A sample of a numeric metric per user (revenue per user, zeros included): its size, mean
/// and sample variance (n − 1 in the denominator), as PostgreSQL's `avg` and `var_samp` give them.
public struct MeanSample: Sendable, Hashable {
    public var count: Int
    public var mean: Double
    public var variance: Double

    public init(count: Int, mean: Double, variance: Double) {
        self.count = count
        self.mean = mean
        self.variance = variance
    }

    /// The mean's squared standard error s²/n.
    var squaredStandardError: Double { variance / Double(count) }
}

/// Welch's t-test of two means with unequal variances.
public struct WelchTTestResult: Sendable, Hashable {
    /// (x̄_t − x̄_c) / √(s_t²/n_t + s_c²/n_c).
    public var statistic: Double
    /// Welch–Satterthwaite: (s_t²/n_t + s_c²/n_c)² / ((s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1)).
    public var degreesOfFreedom: Double
    /// Two-sided.
    public var pValue: Double
}

/// Welch's two-sided t-test of treatment against control, as scipy
/// `ttest_ind(treatment, control, equal_var=False)` (`Fixtures/welch_t.json`).
///
/// Both variances 0 with different means: t = ±∞ and p = 0 (the formula's limit: no spread,
/// a difference); with equal means there is nothing to test.
/// - Returns: `.undefined(.tooFewUsers)` when an arm has fewer than two users,
///   `.undefined(.constantValues)` when both arms are one constant value.
public func welchTTest(control: MeanSample, treatment: MeanSample) -> Estimate<WelchTTestResult> {
    guard control.count >= 2, treatment.count >= 2 else { return .undefined(.tooFewUsers) }
    let difference = treatment.mean - control.mean
    let vc = control.squaredStandardError, vt = treatment.squaredStandardError
    let squared = vc + vt
    guard squared > 0 else {
        if difference == 0 { return .undefined(.constantValues) }
        return .value(WelchTTestResult(statistic: difference > 0 ? .infinity : -.infinity, degreesOfFreedom: .infinity, pValue: 0))
    }
    let statistic = difference / squared.squareRoot()
    let nu = squared * squared / (vc * vc / Double(control.count - 1) + vt * vt / Double(treatment.count - 1))
    return .value(WelchTTestResult(statistic: statistic, degreesOfFreedom: nu, pValue: StudentT.twoSidedPValue(statistic, degreesOfFreedom: nu)))
}

/// The mean with its t interval x̄ ± t_{n−1, 1−α/2} · s/√n, as scipy
/// `t.interval(1 − α, n − 1, loc=x̄, scale=s/√n)`; a point when s = 0.
/// - Returns: `.undefined(.tooFewUsers)` below two users, `.undefined(.invalidAlpha)`.
public func meanInterval(_ sample: MeanSample, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard alpha > 0, alpha < 1 else { return .undefined(.invalidAlpha) }
    guard sample.count >= 2 else { return .undefined(.tooFewUsers) }
    let t = StudentT.upperQuantile(alpha / 2, degreesOfFreedom: Double(sample.count - 1))
    return .value(Uplift(estimate: sample.mean, variance: sample.squaredStandardError, criticalValue: t))
}

/// x̄_t − x̄_c with Welch's interval ± t_{ν, 1−α/2} · √(s_t²/n_t + s_c²/n_c), as statsmodels
/// `CompareMeans(treatment, control).tconfint_diff(alpha, usevar="unequal")`; a point when
/// both variances are 0.
public func absoluteMeanDifference(control: MeanSample, treatment: MeanSample, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard alpha > 0, alpha < 1 else { return .undefined(.invalidAlpha) }
    guard control.count >= 2, treatment.count >= 2 else { return .undefined(.tooFewUsers) }
    let difference = treatment.mean - control.mean
    let squared = control.squaredStandardError + treatment.squaredStandardError
    guard squared > 0 else { return .value(Uplift(estimate: difference, interval: ConfidenceInterval(lower: difference, upper: difference))) }
    guard let test = welchTTest(control: control, treatment: treatment).definedValue else { return .undefined(.tooFewUsers) }
    let t = StudentT.upperQuantile(alpha / 2, degreesOfFreedom: test.degreesOfFreedom)
    return .value(Uplift(estimate: difference, variance: squared, criticalValue: t))
}

/// x̄_t / x̄_c − 1 with the delta-method interval ± z_{1−α/2} · √Var,
/// Var ≈ s_t²/(n_t·x̄_c²) + x̄_t²·s_c²/(n_c·x̄_c⁴) (the ratio of two independent means;
/// Deng, Knoblich & Lu, "Applying the Delta Method in Metric Analytics", KDD 2018).
/// - Returns: `.undefined(.zeroBaselineMean)` when x̄_c = 0, `.undefined(.tooFewUsers)`.
public func relativeMeanDifference(control: MeanSample, treatment: MeanSample, alpha: Double = 0.05) -> Estimate<Uplift> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard control.count >= 2, treatment.count >= 2 else { return .undefined(.tooFewUsers) }
    guard control.mean != 0 else { return .undefined(.zeroBaselineMean) }
    let mc = control.mean, mt = treatment.mean
    let mc2 = mc * mc
    let variance = treatment.squaredStandardError / mc2 + mt * mt * control.squaredStandardError / (mc2 * mc2)
    return .value(Uplift(estimate: mt / mc - 1, variance: variance, criticalValue: z))
}

/// The relative difference of covariate-adjusted (CUPED) means over the **unadjusted** control
/// mean, (m'_t − m'_c) / m_c, with its delta-method interval ± z₁₋α/₂ · √Var:
///
///     Var ≈ (s'_t²/n_t + s'_c²/n_c) / m_c² + Δ'² · s_c²/(n_c · m_c⁴) + 2Δ' · cov(Y'_c, Y_c)/(n_c · m_c³)
///
/// with Δ' = m'_t − m'_c: the gradient of (a − b)/c at the estimates, where the adjusted and the
/// unadjusted control means are correlated through the same users. Without adjustment
/// (Y' = Y, so cov = s_c²) it is `relativeMeanDifference(control:treatment:alpha:)` exactly.
/// - Parameters:
///   - adjustedControl, adjustedTreatment: the arms' Y' = Y − θ(X − X̄).
///   - control: the control's unadjusted Y, whose mean is the denominator.
///   - covariance: the sample covariance of Y' and Y over the control's users.
/// - Returns: `.undefined(.zeroBaselineMean)` when m_c = 0, `.undefined(.tooFewUsers)`,
///   `.undefined(.invalidAlpha)`.
public func relativeMeanDifference(
    adjustedControl: MeanSample, adjustedTreatment: MeanSample, control: MeanSample, covariance: Double,
    alpha: Double = 0.05
) -> Estimate<Uplift> {
    guard let z = twoSidedCriticalValue(alpha: alpha) else { return .undefined(.invalidAlpha) }
    guard adjustedControl.count >= 2, adjustedTreatment.count >= 2, control.count >= 2 else { return .undefined(.tooFewUsers) }
    guard control.mean != 0 else { return .undefined(.zeroBaselineMean) }
    let c = control.mean, delta = adjustedTreatment.mean - adjustedControl.mean
    let c2 = c * c
    let variance =
        (adjustedTreatment.squaredStandardError + adjustedControl.squaredStandardError) / c2
        + delta * delta * control.squaredStandardError / (c2 * c2)
        + 2 * delta * covariance / (Double(control.count) * c2 * c)
    return .value(Uplift(estimate: delta / c, variance: variance, criticalValue: z))
}
