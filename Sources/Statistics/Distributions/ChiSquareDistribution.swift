import Foundation

/// The chi-square distribution with k degrees of freedom.
///
/// cdf(x) = P(k/2, x/2) and survival(x) = Q(k/2, x/2), the regularised incomplete gamma
/// functions; the upper tail is computed directly, so p-values down to ~1e-300 keep their
/// relative accuracy. Matches scipy `chi2.cdf`/`chi2.sf` and mpmath
/// `gammainc(k/2, x/2, inf, regularized=True)`.
public struct ChiSquareDistribution: Sendable, Hashable {
    /// k > 0 (need not be an integer).
    public var degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    public init(degreesOfFreedom: Int) {
        self.degreesOfFreedom = Double(degreesOfFreedom)
    }

    /// P(X ≤ x); 0 for x ≤ 0.
    public func cdf(_ x: Double) -> Double {
        guard x > 0 else { return x.isNaN ? .nan : 0 }
        return regularizedGammaP(degreesOfFreedom / 2, x / 2)
    }

    /// P(X > x), the p-value of a chi-square statistic x; 1 for x ≤ 0.
    public func survival(_ x: Double) -> Double {
        guard x > 0 else { return x.isNaN ? .nan : 1 }
        return regularizedGammaQ(degreesOfFreedom / 2, x / 2)
    }

    /// The mean, k.
    public var mean: Double { degreesOfFreedom }
}
