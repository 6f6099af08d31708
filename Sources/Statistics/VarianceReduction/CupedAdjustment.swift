/// A metric adjusted by its pre-period covariate (CUPED): per variant the mean and variance of
/// Y′ = Y − θ(X − X̄), ready for `welchTTest`, `absoluteMeanDifference` and the other mean tests.
public struct CupedAdjustment: Sendable, Hashable {
    /// θ = cov(X, Y) / var(X) over all users of all variants pooled.
    public var theta: Double
    /// 1 − var(Y′)/var(Y) over all users pooled, which equals ρ²(X, Y): the share of the
    /// metric's variance the covariate explains. 0 when Y does not vary.
    public var varianceReduction: Double
    /// X̄, the covariate's mean over all users pooled.
    public var covariateMean: Double
    /// Per variant, in the order given, the adjusted count, mean and sample variance.
    public var variants: [MeanSample]

    public init(theta: Double, varianceReduction: Double, covariateMean: Double, variants: [MeanSample]) {
        self.theta = theta
        self.varianceReduction = varianceReduction
        self.covariateMean = covariateMean
        self.variants = variants
    }
}

/// CUPED: adjusts each variant's metric Y by its pre-period covariate X with one θ for all
/// variants (Deng, Xu, Kohavi and Walker, "Improving the Sensitivity of Online Controlled
/// Experiments by Utilizing Pre-Experiment Data", WSDM 2013).
///
/// The variants' moments are pooled exactly (N = Σ n_v, x̄ = Σ n_v·x̄_v / N, ȳ likewise):
///
///     cov(X, Y) = [Σ (n_v − 1)·cov_v + Σ n_v·(x̄_v − x̄)(ȳ_v − ȳ)] / (N − 1),
///
/// var(X) and var(Y) the same way, and θ = cov(X, Y) / var(X). X was measured before
/// assignment, so the pooled θ leaves each variant's adjusted mean unbiased. Per variant,
/// Y′ = Y − θ(X − x̄) has
///
///     mean ȳ_v − θ(x̄_v − x̄),   variance var(Y)_v − 2θ·cov_v + θ²·var(X)_v
///
/// (held at ≥ 0 against rounding, and 0 for a variant of one user), and over all users
/// var(Y′) = var(Y)·(1 − ρ²), so `varianceReduction` is computed as ρ² = θ·cov(X, Y)/var(Y).
/// A variant with no users keeps `MeanSample(count: 0, mean: 0, variance: 0)`. Matches numpy on
/// the per-user values to 1e-9 relative (`Fixtures/cuped.json`).
/// - Returns: `.undefined(.tooFewUsers)` when there are fewer than two users in all,
///   `.undefined(.constantCovariate)` when nobody's X differs from anybody else's,
///   `.undefined(.invalidMoments)` for a negative count, a negative variance or a moment that is
///   not finite (or whose products overflow).
public func cupedAdjustment(_ samples: [CovariateSample]) -> Estimate<CupedAdjustment> {
    guard samples.allSatisfy(\.hasValidMoments) else { return .undefined(.invalidMoments) }
    let present = samples.filter { $0.count > 0 }
    let users = Double(present.reduce(0) { $0 + $1.count })
    guard users >= 2 else { return .undefined(.tooFewUsers) }
    let meanX = present.reduce(0) { $0 + Double($1.count) * $1.meanX } / users
    let meanY = present.reduce(0) { $0 + Double($1.count) * $1.meanY } / users
    // The co-moment sums Σ (x − x̄)(y − ȳ) over everybody: within variants plus between them.
    var sxx = 0.0, syy = 0.0, sxy = 0.0
    for sample in present {
        let n = Double(sample.count)
        let dx = sample.meanX - meanX, dy = sample.meanY - meanY
        if sample.count >= 2 {
            sxx += (n - 1) * sample.varianceX
            syy += (n - 1) * sample.varianceY
            sxy += (n - 1) * sample.covariance
        }
        sxx += n * dx * dx
        syy += n * dy * dy
        sxy += n * dx * dy
    }
    guard sxx.isFinite, syy.isFinite, sxy.isFinite else { return .undefined(.invalidMoments) }
    guard sxx > 0 else { return .undefined(.constantCovariate) }
    let theta = sxy / sxx
    // ρ² ≤ 1 for consistent moments; moments rounded in SQL may overshoot a little.
    let reduction = syy > 0 ? min(1, max(0, theta * (sxy / syy))) : 0
    let adjusted = samples.map { sample -> MeanSample in
        guard sample.count > 0 else { return MeanSample(count: 0, mean: 0, variance: 0) }
        let mean = sample.meanY - theta * (sample.meanX - meanX)
        guard sample.count >= 2 else { return MeanSample(count: 1, mean: mean, variance: 0) }
        let variance = sample.varianceY - 2 * theta * sample.covariance + theta * theta * sample.varianceX
        return MeanSample(count: sample.count, mean: mean, variance: max(0, variance))
    }
    guard theta.isFinite, adjusted.allSatisfy({ $0.mean.isFinite && $0.variance.isFinite }) else {
        return .undefined(.invalidMoments)
    }
    return .value(CupedAdjustment(theta: theta, varianceReduction: reduction, covariateMean: meanX, variants: adjusted))
}

extension CovariateSample {
    /// A count ≥ 0; with users, finite means; with two or more, finite variances ≥ 0 and a finite covariance.
    fileprivate var hasValidMoments: Bool {
        guard count >= 0 else { return false }
        guard count > 0 else { return true }
        guard meanX.isFinite, meanY.isFinite else { return false }
        guard count >= 2 else { return true }
        return varianceX >= 0 && varianceX.isFinite && varianceY >= 0 && varianceY.isFinite && covariance.isFinite
    }
}
