import Foundation

/// The standard normal distribution N(0, 1).
///
/// The tails come from `erfc`, never from 1 − Φ, so `survival(37)` ≈ 5.7e-300 keeps its
/// relative accuracy; the quantile is Wichura's AS 241 (PPND16), accurate to about 1e-16.
/// Matches scipy `norm.cdf`/`ndtr`, `norm.sf`, `norm.ppf`/`ndtri` and `norm.isf`.
public enum StandardNormal {
    /// The density φ(x) = e^(−x²/2) / √(2π).
    public static func density(_ x: Double) -> Double {
        exp(-0.5 * x * x - logSqrt2Pi)
    }

    /// Φ(x) = P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The survival function 1 − Φ(x) = P(Z > x), accurate in the far upper tail.
    public static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// The two-sided tail probability P(|Z| ≥ |x|) = erfc(|x| / √2).
    public static func twoSidedPValue(_ x: Double) -> Double {
        erfc(abs(x) / 2.0.squareRoot())
    }

    /// Φ⁻¹(p): `-infinity` at 0, `+infinity` at 1, NaN outside [0, 1] (as scipy `ndtri`).
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * polynomial(centralNumerator, r) / polynomial(centralDenominator, r)
        }
        // The tail is evaluated from the smaller of p and 1 − p.
        let tail = q < 0 ? p : 1 - p
        var r = (-log(tail)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = polynomial(intermediateNumerator, r) / polynomial(intermediateDenominator, r)
        } else {
            r -= 5
            value = polynomial(farNumerator, r) / polynomial(farDenominator, r)
        }
        return q < 0 ? -value : value
    }

    /// The upper quantile: the x with P(Z > x) = q, i.e. −Φ⁻¹(q) (scipy `norm.isf`).
    ///
    /// Use it for critical values such as z₁₋α/₂ = `upperQuantile(alpha / 2)`, which avoids
    /// rounding 1 − α/2 first.
    public static func upperQuantile(_ q: Double) -> Double {
        -quantile(q)
    }

    private static func polynomial(_ coefficients: [Double], _ x: Double) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }

    // AS 241 coefficients (Wichura 1988, Applied Statistics 37(3), 477–484), lowest order first.
    private static let centralNumerator: [Double] = [
        3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
        1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
        3.3430575583588128105e4, 2.5090809287301226727e3,
    ]
    private static let centralDenominator: [Double] = [
        1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
        2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
        5.2264952788528545610e3,
    ]
    private static let intermediateNumerator: [Double] = [
        1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
        3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
        2.27238449892691845833e-2, 7.74545014278341407640e-4,
    ]
    private static let intermediateDenominator: [Double] = [
        1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
        1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
        1.05075007164441684324e-9,
    ]
    private static let farNumerator: [Double] = [
        6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
        2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
        2.71155556874348757815e-5, 2.01033439929228813265e-7,
    ]
    private static let farDenominator: [Double] = [
        1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
        7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
        2.04426310338993978564e-15,
    ]
}
