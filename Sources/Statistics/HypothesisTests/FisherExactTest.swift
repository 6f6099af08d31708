import Foundation

/// Two-sided Fisher's exact test of a 2×2 table
///
///     | a  b |   row 1: e.g. treatment converted, not converted
///     | c  d |   row 2: e.g. control converted, not converted
///
/// Conditioning on the margins, the top-left cell is hypergeometric; the p-value sums the
/// probabilities of all tables no more likely than the observed one, where "no more likely"
/// means P(table) ≤ P(observed) · (1 + 1e-7) (R's `fisher.test` and SPEC §4.3; scipy
/// `fisher_exact` uses a factor 1 + 1e-14, which differs only for tables whose probabilities
/// agree to between 7 and 14 digits without being equal). Table probabilities come from
/// Loader's saddle-point hypergeometric density in log space, and each tail is summed outward
/// from its largest term with the ratio recurrence until the terms are negligible, so tables
/// of 10⁷ users cost a few thousand multiplications. Matches scipy `fisher_exact` (see
/// `Fixtures/fisher_exact.json`).
/// - Returns: the p-value in [0, 1]; 1 when a row or column total is zero (as scipy);
///   `nil` when a count is negative.
public func fisherExactTest(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double? {
    guard a >= 0, b >= 0, c >= 0, d >= 0 else { return nil }
    let white = a + b, black = c + d, drawn = a + c
    let total = white + black
    guard white > 0, black > 0, drawn > 0, drawn < total else { return 1 }

    let lowest = max(0, drawn - black), highest = min(drawn, white)
    let logDensity = { (k: Int) in hypergeometricLogDensity(k, white: white, black: black, drawn: drawn) }
    // P(k + 1) / P(k); ratioUp(k) > 1 exactly below the mode.
    let ratioUp = { (k: Int) -> Double in
        (Double(white - k) * Double(drawn - k)) / (Double(k + 1) * Double(black - drawn + k + 1))
    }
    let mode = min(
        max(
            Int((Double(drawn + 1) * Double(white + 1) / Double(total + 2)).rounded(.down)),
            lowest), highest)
    let threshold = logDensity(a) + log1p(1e-7)
    if logDensity(mode) <= threshold { return 1 }

    // Tables on each side of the mode are ordered by probability, so each side contributes
    // one contiguous tail: [lowest, lowerEnd] and [upperStart, highest].
    var lowerEnd = lowest - 1, upperStart = highest + 1
    if a < mode {
        lowerEnd = a
        while lowerEnd + 1 < mode, logDensity(lowerEnd + 1) <= threshold { lowerEnd += 1 }
        upperStart = firstIndex(from: mode + 1, to: highest) { logDensity($0) <= threshold }
    } else {
        upperStart = a
        while upperStart - 1 > mode, logDensity(upperStart - 1) <= threshold { upperStart -= 1 }
        lowerEnd = lastIndex(from: lowest, to: mode - 1) { logDensity($0) <= threshold }
    }

    var p = 0.0
    if lowerEnd >= lowest {
        // Walking down from lowerEnd: P(k − 1) / P(k) = 1 / ratioUp(k − 1).
        let scaled = tailSum(count: lowerEnd - lowest) { step in 1 / ratioUp(lowerEnd - step - 1) }
        p += exp(logDensity(lowerEnd) + log(scaled))
    }
    if upperStart <= highest {
        let scaled = tailSum(count: highest - upperStart) { step in ratioUp(upperStart + step) }
        p += exp(logDensity(upperStart) + log(scaled))
    }
    return min(1, p)
}

/// Fisher's exact test of treatment against control (rows: arms; columns: converted or not).
///
/// - Returns: `.undefined(.emptyArm)` when an arm has no users; otherwise the two-sided
///   p-value of `fisherExactTest(_:_:_:_:)` (1 when nobody or everybody converted).
public func fisherExactTest(control: Proportion, treatment: Proportion) -> Estimate<Double> {
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    let p = fisherExactTest(
        treatment.successes, treatment.trials - treatment.successes,
        control.successes, control.trials - control.successes)
    return p.map { .value($0) } ?? .undefined(.invalidProbability)
}

/// 1 + r₀ + r₀r₁ + … for a tail whose terms shrink away from its first term by the factors
/// `ratio(0)`, `ratio(1)`, …; stops once the rest cannot change the sum (log-concavity makes
/// the remaining terms a geometric series bounded by the last ratio).
private func tailSum(count: Int, ratio: (Int) -> Double) -> Double {
    var term = 1.0, sum = 1.0
    var step = 0
    while step < count {
        let r = ratio(step)
        term *= r
        sum += term
        step += 1
        if r < 1, term * r / (1 - r) < sum * 1e-17 { break }
        if term == 0 { break }
    }
    return sum
}

/// The first k in lo…hi with `isIn(k)`, for a predicate that is false then true; hi + 1 if none.
private func firstIndex(from lo: Int, to hi: Int, where isIn: (Int) -> Bool) -> Int {
    var lo = lo, hi = hi + 1
    while lo < hi {
        let mid = lo + (hi - lo) / 2
        if isIn(mid) { hi = mid } else { lo = mid + 1 }
    }
    return lo
}

/// The last k in lo…hi with `isIn(k)`, for a predicate that is true then false; lo − 1 if none.
private func lastIndex(from lo: Int, to hi: Int, where isIn: (Int) -> Bool) -> Int {
    var lo = lo - 1, hi = hi
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2
        if isIn(mid) { lo = mid } else { hi = mid - 1 }
    }
    return lo
}
