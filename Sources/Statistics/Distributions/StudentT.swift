import Foundation

/// Student's t distribution with ν > 0 degrees of freedom (ν need not be a whole number: the
/// Welch–Satterthwaite ν is not).
///
/// P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, from the regularised incomplete beta function,
/// so tails keep their relative accuracy. Matches scipy `t.cdf`, `t.sf` and `t.ppf`
/// (`Fixtures/welch_t.json`).
public enum StudentT {
    /// P(T > t); NaN for ν ≤ 0 or a NaN argument.
    public static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        if t == .infinity { return 0 }
        if t == -.infinity { return 1 }
        if nu == .infinity { return StandardNormal.survival(t) }
        let x = nu / (nu + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: nu / 2, b: 0.5)
        return t >= 0 ? tail : 1 - tail
    }

    /// P(T ≤ t).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        survival(-t, degreesOfFreedom: nu)
    }

    /// P(|T| ≥ |t|).
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        min(1, 2 * survival(abs(t), degreesOfFreedom: nu))
    }

    /// The t with P(T > t) = q, for 0 < q < 1: bracketed, then bisected on the survival
    /// function to the last bit. NaN outside (0, 1) or for ν ≤ 0.
    public static func upperQuantile(_ q: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, q > 0, q < 1 else { return .nan }
        if nu == .infinity { return StandardNormal.upperQuantile(q) }
        if q == 0.5 { return 0 }
        // Symmetric: solve in the upper half and flip.
        if q > 0.5 { return -upperQuantile(1 - q, degreesOfFreedom: nu) }
        var low = 0.0, high = max(1, StandardNormal.upperQuantile(q))
        while survival(high, degreesOfFreedom: nu) > q {
            low = high
            high *= 2
            if !high.isFinite { return .infinity }
        }
        for _ in 0..<200 {
            let middle = low + (high - low) / 2
            if middle <= low || middle >= high { break }
            if survival(middle, degreesOfFreedom: nu) > q { low = middle } else { high = middle }
        }
        return low + (high - low) / 2
    }

    /// The t with P(T ≤ t) = p.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        upperQuantile(1 - p, degreesOfFreedom: nu)
    }
}
