import Foundation

/// The beta distribution Beta(α, β) on [0, 1], e.g. the posterior of a conversion rate.
///
/// cdf and survival are the regularised incomplete beta function and its directly computed
/// complement (scipy `beta.cdf`, `beta.sf`); the log density uses Loader's saddle-point form
/// (scipy `beta.logpdf`), accurate for parameters in the millions.
public struct BetaDistribution: Sendable, Hashable {
    /// α > 0.
    public var alpha: Double
    /// β > 0.
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    /// The posterior of a rate after `proportion` under a Beta(1, 1) (uniform) prior:
    /// Beta(1 + successes, 1 + trials − successes).
    public init(posteriorOf proportion: Proportion) {
        self.alpha = 1 + Double(proportion.successes)
        self.beta = 1 + Double(proportion.trials - proportion.successes)
    }

    /// α / (α + β).
    public var mean: Double { alpha / (alpha + beta) }

    /// αβ / ((α + β)²(α + β + 1)).
    public var variance: Double {
        let s = alpha + beta
        return alpha * beta / (s * s * (s + 1))
    }

    /// log f(x) = (α−1)log x + (β−1)log(1−x) − log B(α, β), for 0 < x < 1.
    public func logDensity(_ x: Double) -> Double {
        guard x > 0, x < 1 else {
            if x == 0 { return alpha == 1 ? -logBeta(alpha, beta) : (alpha < 1 ? .infinity : -.infinity) }
            if x == 1 { return beta == 1 ? -logBeta(alpha, beta) : (beta < 1 ? .infinity : -.infinity) }
            return -.infinity
        }
        // f(x) = (α + β − 1) · Binomial(α − 1; α + β − 2, x), valid for α, β ≥ 1.
        if alpha >= 1, beta >= 1 {
            return log(alpha + beta - 1)
                + binomialLogDensity(alpha - 1, trials: alpha + beta - 2, p: x, q: 1 - x)
        }
        return (alpha - 1) * log(x) + (beta - 1) * log1p(-x) - logBeta(alpha, beta)
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        return regularizedIncompleteBeta(x, a: alpha, b: beta)
    }

    /// P(X > x), computed directly.
    public func survival(_ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        return regularizedIncompleteBetaComplement(x, a: alpha, b: beta)
    }
}
