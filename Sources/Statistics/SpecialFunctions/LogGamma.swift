import Foundation

/// log √(2π).
let logSqrt2Pi = 0.918938533204672741780329736406

/// log(2π).
let log2Pi = 1.837877066409345483560659472811

/// log Γ(x) for x > 0; `+infinity` at 0, NaN for negative or NaN arguments.
///
/// Below 15, log of the C library's `tgamma`; from 15 on, Stirling's formula plus its exact
/// error term (`stirlingError`). Unlike `lgamma` it writes no global `signgam`, so concurrent
/// callers do not race. Matches scipy `gammaln` and mpmath `loggamma` to ~1e-15 relative.
public func logGamma(_ x: Double) -> Double {
    guard x >= 0 else { return .nan }
    if x == 0 { return .infinity }
    if x < 1e-10 { return -log(x) - 0.577_215_664_901_532_9 * x }
    if x < 15 { return log(tgamma(x)) }
    if x.isInfinite { return .infinity }
    return (x - 0.5) * log(x) - x + logSqrt2Pi + stirlingError(x)
}

/// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0.
///
/// Follows R's `lbeta` (Morris's TOMS 708 split): when both arguments are large the Stirling
/// corrections are combined first, so the result keeps its absolute accuracy (~1e-15 relative)
/// even for arguments in the tens of millions, where subtracting three `lgamma` values would lose
/// eight digits. Matches scipy `betaln`.
public func logBeta(_ a: Double, _ b: Double) -> Double {
    guard a > 0, b > 0 else { return a == 0 || b == 0 ? .infinity : .nan }
    let p = min(a, b), q = max(a, b)
    guard q.isFinite else { return -.infinity }
    if p >= 10 {
        let correction = stirlingError(p) + stirlingError(q) - stirlingError(p + q)
        return -0.5 * log(q) + logSqrt2Pi + correction
            + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
    }
    if q >= 10 {
        let correction = stirlingError(q) - stirlingError(p + q)
        return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
    }
    return logGamma(p) + logGamma(q) - logGamma(p + q)
}

/// The error of Stirling's approximation, log Γ(n + 1) − [(n + ½) log n − n + log √(2π)], n > 0.
///
/// Loader (2000), "Fast and accurate computation of binomial probabilities", as in R's
/// `stirlerr`: a table at half-integers up to 15, the asymptotic series beyond. Equal to
/// log Γ(n) − [(n − ½) log n − n + log √(2π)] (R's `lgammacor`).
func stirlingError(_ n: Double) -> Double {
    if n <= 15 {
        let twice = n + n
        if twice == twice.rounded(), twice >= 0 { return stirlingErrorHalves[Int(twice)] }
        return logGamma(n + 1) - (n + 0.5) * log(n) + n - logSqrt2Pi
    }
    let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
    let nn = n * n
    if n > 500 { return (s0 - s1 / nn) / n }
    if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
    if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
}

/// `stirlingError(k / 2)` for k = 0…30 (the k = 0 entry is never read), computed with mpmath at 40 digits.
private let stirlingErrorHalves: [Double] = [
    0.0,
    0.15342640972002734529, 0.08106146679532725822, 0.054814121051917653896,
    0.041340695955409294094, 0.033162873519936287485, 0.027677925684998339149,
    0.023746163656297495971, 0.020790672103765093112, 0.018488450532673185231,
    0.016644691189821192163, 0.015134973221917378874, 0.013876128823070747999,
    0.012810465242920226924, 0.011896709945891770095, 0.011104559758206917327,
    0.010411265261972096497, 0.0097994161261588032984, 0.0092554621827127329177,
    0.008768700134139385463, 0.0083305634333628712565, 0.0079341145643140205472,
    0.007573675487951840795, 0.0072445543013203831795, 0.0069428401072095298657,
    0.0066652470327076824424, 0.0064089941880042070684, 0.0061717122630394576475,
    0.0059513701127588477356, 0.005746216513010115682, 0.005554733551962801371,
]
