import Foundation

/// P(X > Y) for independent X ~ Beta(aX, bX) and Y ~ Beta(aY, bY) with integer parameters ≥ 1,
/// computed exactly (no simulation, no normal approximation).
///
/// Evan Miller's closed form ("Formulas for Bayesian A/B testing", 2015):
/// P(X > Y) = Σ_{i=0}^{aX−1} tᵢ with tᵢ = B(aY + i, bY + bX) / ((bX + i)·B(1 + i, bX)·B(aY, bY)).
/// The terms are the probabilities of a beta-negative-binomial law, unimodal in i, with
/// t_{i+1}/tᵢ = (aY + i)(bX + i) / ((aY + bY + bX + i)(1 + i)). By symmetry (X > Y ⇔ 1 − X < 1 − Y,
/// and P(X > Y) = 1 − P(Y > X)) the same sum can run over any of the four parameters; the
/// smallest is chosen. The sum starts at its largest term, whose logarithm comes from Loader's
/// saddle-point densities (see `logMillerTerm`), and runs outward until the remaining terms
/// (fewer than the remaining count times the current term) cannot change it, so the cost is a
/// few times the spread of the law — thousands of steps for ten million users — whatever the
/// counts. Accuracy is ~1e-13 absolute; identical laws give exactly 1/2 (X and Y are then
/// exchangeable and P(X = Y) = 0), which the sum would miss by an ulp.
func probabilityBetaExceeds(aX: Double, bX: Double, aY: Double, bY: Double) -> Double {
    if aX == aY, bX == bY { return 0.5 }
    let smallest = min(aX, bX, aY, bY)
    let p: Double
    if smallest == aX {
        p = millerSum(count: aX, a: aY, b: bY, c: bX)
    } else if smallest == aY {
        p = 1 - millerSum(count: aY, a: aX, b: bX, c: bY)
    } else if smallest == bY {
        // P(X > Y) = P(1 − Y > 1 − X), with 1 − Y ~ Beta(bY, aY) and 1 − X ~ Beta(bX, aX).
        p = millerSum(count: bY, a: bX, b: aX, c: aY)
    } else {
        p = 1 - millerSum(count: bX, a: bY, b: aY, c: aX)
    }
    return min(1, max(0, p))
}

/// log tᵢ = log [B(a + i, b + c) / ((c + i)·B(1 + i, c)·B(a, b))] for a, b, c ≥ 1.
///
/// Written as tᵢ = NegativeBinomial(i; c, x) · Beta(x; a, b) / Beta(x; a + i, b + c), which holds
/// for every x in (0, 1); at x = the mean of Beta(a + i, b + c) all three densities are of
/// moderate size, and Loader's saddle-point forms give each to ~1e-15 absolute in log space.
/// Three `logBeta` values of size ~10⁷ would lose five more digits to cancellation.
private func logMillerTerm(_ i: Double, a: Double, b: Double, c: Double) -> Double {
    let a2 = a + i, b2 = b + c
    let x = a2 / (a2 + b2), y = b2 / (a2 + b2)
    // NB(i; c, x) = c / (c + i) · C(c + i, i) xⁱ (1 − x)ᶜ.
    let negativeBinomial = log(c / (c + i)) + binomialLogDensity(i, trials: c + i, p: x, q: y)
    // Beta(x; α, β) = (α + β − 1) · C(α + β − 2, α − 1) x^(α−1) (1 − x)^(β−1).
    let prior = log(a + b - 1) + binomialLogDensity(a - 1, trials: a + b - 2, p: x, q: y)
    let posterior = log(a2 + b2 - 1) + binomialLogDensity(a2 - 1, trials: a2 + b2 - 2, p: x, q: y)
    return negativeBinomial + prior - posterior
}

/// Σ_{i=0}^{count−1} B(a + i, b + c) / ((c + i)·B(1 + i, c)·B(a, b)).
private func millerSum(count: Double, a: Double, b: Double, c: Double) -> Double {
    let last = count - 1
    // t_{i+1} ≥ tᵢ exactly when i ≤ (ac − a − b − c) / (1 + b): the mode is one past that.
    let turn = (a * c - a - b - c) / (1 + b)
    let mode = turn >= 0 ? turn.rounded(.down) + 1 : 0
    let start = min(mode, last)
    let logStart = logMillerTerm(start, a: a, b: b, c: c)
    let ratio = { (i: Double) -> Double in ((a + i) * (c + i)) / ((a + b + c + i) * (1 + i)) }

    var sum = 1.0
    // Right of the start (only when the start is the mode): terms decrease.
    var term = 1.0
    var i = start
    while i < last {
        term *= ratio(i)
        i += 1
        sum += term
        if term * (last - i) < sum * 1e-17 || term == 0 { break }
    }
    // Left of the start: terms decrease towards i = 0.
    term = 1.0
    i = start
    while i > 0 {
        term /= ratio(i - 1)
        i -= 1
        sum += term
        if term * i < sum * 1e-17 || term == 0 { break }
    }
    return exp(logStart + log(sum))
}
