import Foundation

// Binomial, Poisson and hypergeometric log densities by Loader's saddle-point expansion
// (C. Loader, "Fast and accurate computation of binomial probabilities", 2000), the method of
// R's dbinom/dpois/dhyper. Each density is written as Stirling errors plus deviance terms of
// modest size, so no two numbers of the size of log Γ(10⁷) ≈ 1.5e8 are ever subtracted: the
// result keeps ~1e-14 relative accuracy for counts in the hundreds of millions.

/// The deviance term x·log(x/np) + np − x, computed without cancellation when x ≈ np.
func binomialDeviance(_ x: Double, _ np: Double) -> Double {
    if abs(x - np) < 0.1 * (x + np) {
        var v = (x - np) / (x + np)
        var sum = (x - np) * v
        if abs(sum) < Double.leastNormalMagnitude { return sum }
        var ej = 2 * x * v
        v *= v
        for j in 1..<1000 {
            ej *= v
            let next = sum + ej / Double(2 * j + 1)
            if next == sum { return next }
            sum = next
        }
        return sum
    }
    return x * log(x / np) + np - x
}

/// log of the binomial density C(n, x)·pˣ·qⁿ⁻ˣ for real 0 ≤ x ≤ n, with q = 1 − p given separately.
func binomialLogDensity(_ x: Double, trials n: Double, p: Double, q: Double) -> Double {
    if p == 0 { return x == 0 ? 0 : -.infinity }
    if q == 0 { return x == n ? 0 : -.infinity }
    if x == 0 {
        if n == 0 { return 0 }
        return p < 0.1 ? -binomialDeviance(n, n * q) - n * p : n * log(q)
    }
    if x == n {
        return q < 0.1 ? -binomialDeviance(n, n * p) - n * q : n * log(p)
    }
    if x < 0 || x > n { return -.infinity }
    let lc =
        stirlingError(n) - stirlingError(x) - stirlingError(n - x)
        - binomialDeviance(x, n * p) - binomialDeviance(n - x, n * q)
    let lf = log2Pi + log(x) + log1p(-x / n)
    return lc - 0.5 * lf
}

/// log of the Poisson density e^(−λ)·λˣ / Γ(x + 1) for real x ≥ 0.
func poissonLogDensity(_ x: Double, mean lambda: Double) -> Double {
    if lambda == 0 { return x == 0 ? 0 : -.infinity }
    if x == 0 { return -lambda }
    if x < 0 { return -.infinity }
    return -stirlingError(x) - binomialDeviance(x, lambda) - 0.5 * (log2Pi + log(x))
}

/// log P(X = x) for X hypergeometric: x white balls among `drawn` balls taken without
/// replacement from an urn of `white` white and `black` black balls (R's `dhyper`).
func hypergeometricLogDensity(_ x: Int, white: Int, black: Int, drawn: Int) -> Double {
    guard x >= 0, x <= white, drawn - x >= 0, drawn - x <= black else { return -.infinity }
    if drawn == 0 { return x == 0 ? 0 : -.infinity }
    let total = Double(white) + Double(black)
    let p = Double(drawn) / total
    let q = (total - Double(drawn)) / total
    let p1 = binomialLogDensity(Double(x), trials: Double(white), p: p, q: q)
    let p2 = binomialLogDensity(Double(drawn - x), trials: Double(black), p: p, q: q)
    let p3 = binomialLogDensity(Double(drawn), trials: total, p: p, q: q)
    return p1 + p2 - p3
}
