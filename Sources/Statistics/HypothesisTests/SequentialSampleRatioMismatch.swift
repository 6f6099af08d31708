import Foundation

/// The always-valid sample-ratio-mismatch check of an A/B test: a Bayes factor against the
/// intended split that may be read after every day's assignments without inflating the error rate.
public struct SequentialSampleRatioMismatch: Sendable, Hashable {
    /// log BF, the evidence against the intended shares (negative when the counts favour them).
    public var logBayesFactor: Double
    /// min(1, 1/BF): the always-valid p-value at these counts.
    public var pValue: Double
    /// p < threshold and every variant has at least the minimum number of users, as in
    /// `sampleRatioMismatch(users:weights:threshold:minimumUsers:)`.
    public var isFlagged: Bool

    public init(logBayesFactor: Double, pValue: Double, isFlagged: Bool) {
        self.logBayesFactor = logBayesFactor
        self.pValue = pValue
        self.isFlagged = isFlagged
    }
}

/// Checks users per variant against the intended split with the Dirichlet-multinomial test of
/// Lindon and Malek, "Anytime-valid inference for multinomial count data", NeurIPS 2022.
///
/// With intended shares p₀ (the weights normalised to sum 1), counts x and the Dirichlet prior
/// a = k·p₀ (k = 100, as the `savvi` package uses):
///
///     BF = [B(a + x) / B(a)] / Π p₀ᵢ^xᵢ,   B(a) = Π Γ(aᵢ) / Γ(Σ aᵢ),   p = min(1, 1/BF).
///
/// BF is a nonnegative martingale under the intended split, so P(BF ever reaches 1/α) ≤ α and
/// p may be read at any look; a caller that keeps earlier looks may report their running
/// minimum. BF is evaluated in log space through Stirling's formula with its exact error term
/// (`stirlingError`): with n = Σxᵢ, zᵢ = aᵢ + xᵢ, Z = k + n and uᵢ = (xᵢ − n·p₀ᵢ)/(Z·p₀ᵢ),
///
///     log BF = Σ (zᵢ − ½)·log(1 + uᵢ) + Σ (aᵢ − ½)·log p₀ᵢ − ((m − 1)/2)·log Z + (m − 1)·log √(2π)
///              + Σ stirlingError(zᵢ) − stirlingError(Z) − log B(a)
///
/// for m groups, so ten million users per variant keep the p-value's relative accuracy (the
/// plain sum of log-gamma values would lose eight digits). Matches mpmath `loggamma` at 50
/// digits to 1e-9 relative (`Fixtures/sequential_srm.json`).
///
/// With no users at all BF = 1 and p = 1: unlike the chi-square check the formula gives a value.
/// - Parameters:
///   - users: users per variant.
///   - weights: intended shares, one per variant, positive (need not sum to 1); `nil` for an equal split.
///   - threshold: flag below this p-value (SPEC: 0.001).
///   - minimumUsers: flag only when every variant has at least this many users (SPEC: 8).
///   - priorConcentration: k, the prior's total pseudo-count.
/// - Returns: `.undefined(.tooFewGroups)` for fewer than two variants,
///   `.undefined(.invalidWeights)` for a bad weight list or a negative count,
///   `.undefined(.invalidParameter)` when k is not positive and finite.
public func sequentialSampleRatioMismatch(
    users: [Int], weights: [Double]? = nil, threshold: Double = 0.001, minimumUsers: Int = 8,
    priorConcentration k: Double = 100
) -> Estimate<SequentialSampleRatioMismatch> {
    guard users.count >= 2 else { return .undefined(.tooFewGroups) }
    let weights = weights ?? Array(repeating: 1, count: users.count)
    guard weights.count == users.count, weights.allSatisfy({ $0 > 0 && $0.isFinite }), users.allSatisfy({ $0 >= 0 })
    else { return .undefined(.invalidWeights) }
    let weightSum = weights.reduce(0, +)
    guard weightSum.isFinite else { return .undefined(.invalidWeights) }
    guard k > 0, k.isFinite else { return .undefined(.invalidParameter) }
    let shares = weights.map { $0 / weightSum }
    // A share so small next to the others that it (or its prior k·p) rounds to 0 has no logarithm.
    guard shares.allSatisfy({ k * $0 > 0 }) else { return .undefined(.invalidWeights) }
    let counts = users.map(Double.init)
    let n = counts.reduce(0, +)
    let logBayesFactor = n == 0 ? 0 : logDirichletMultinomialBayesFactor(counts: counts, shares: shares, concentration: k)
    let pValue = exp(min(0, -logBayesFactor))
    return .value(
        SequentialSampleRatioMismatch(
            logBayesFactor: logBayesFactor, pValue: pValue,
            isFlagged: pValue < threshold && users.allSatisfy { $0 >= minimumUsers }))
}

/// log{[B(k·p + x) / B(k·p)] / Π pᵢ^xᵢ} for shares p summing to 1 and counts x with a positive sum,
/// in the Stirling form documented at `sequentialSampleRatioMismatch`.
private func logDirichletMultinomialBayesFactor(counts: [Double], shares: [Double], concentration k: Double) -> Double {
    let n = counts.reduce(0, +)
    let total = k + n
    // xᵢ − n·pᵢ sums to 0; removing the sum's rounding keeps the first-order terms of
    // Σ (zᵢ − ½)·log(1 + uᵢ), which cancel, from leaving n·ε behind.
    var deviations = zip(counts, shares).map { $0 - n * $1 }
    let drift = deviations.reduce(0, +)
    for i in deviations.indices { deviations[i] -= shares[i] * drift }
    var sum = 0.0
    var logPriorNormaliser = -logGamma(k)
    for i in counts.indices {
        let prior = k * shares[i]
        let z = prior + counts[i]
        sum += (z - 0.5) * log1p(deviations[i] / (total * shares[i]))
        sum += (prior - 0.5) * log(shares[i])
        sum += stirlingError(z)
        logPriorNormaliser += logGamma(prior)
    }
    let groups = Double(counts.count)
    return sum - 0.5 * (groups - 1) * log(total) + (groups - 1) * logSqrt2Pi - stirlingError(total) - logPriorNormaliser
}
