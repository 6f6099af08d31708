/// A correction of p-values for testing several treatments against one control.
public enum MultipleTestingCorrection: String, Sendable, Hashable, CaseIterable {
    /// Holm–Bonferroni step-down: controls the family-wise error rate (`--correction holm`).
    case holm
    /// Benjamini–Hochberg step-up: controls the false discovery rate (`--correction bh`).
    case benjaminiHochberg = "bh"
    /// No correction (`--correction none`).
    case none
}

/// Adjusted p-values, in the order of `pValues`.
///
/// Exactly statsmodels `multipletests(pValues, method="holm" | "fdr_bh")[1]`: Holm multiplies
/// the i-th smallest of m p-values by m − i + 1 and takes the running maximum; BH divides it by
/// i/m and takes the running minimum from the largest down; both are capped at 1, so adjusted
/// values are monotone in the raw ones. Ties get equal adjusted values. With one p-value the
/// adjusted value equals the raw one (see `Fixtures/multiple_testing.json`).
/// - Returns: `.undefined(.invalidProbability)` when a value is not in [0, 1]; an empty list
///   for no p-values.
public func adjustedPValues(_ pValues: [Double], correction: MultipleTestingCorrection) -> Estimate<[Double]> {
    guard pValues.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { return .undefined(.invalidProbability) }
    let m = pValues.count
    guard m > 0, correction != .none else { return .value(pValues) }
    // Tied raw values get equal adjusted values whatever order the sort leaves them in.
    let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
    var adjusted = [Double](repeating: 0, count: m)
    switch correction {
    case .holm:
        var runningMax = 0.0
        for (rank, index) in order.enumerated() {
            runningMax = max(runningMax, pValues[index] * Double(m - rank))
            adjusted[index] = min(1, runningMax)
        }
    case .benjaminiHochberg:
        var runningMin = Double.infinity
        for (rank, index) in order.enumerated().reversed() {
            // statsmodels divides by the empirical CDF (rank + 1) / m, computed first.
            runningMin = min(runningMin, pValues[index] / (Double(rank + 1) / Double(m)))
            adjusted[index] = min(1, runningMin)
        }
    case .none:
        break
    }
    return .value(adjusted)
}
