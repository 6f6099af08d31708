import Foundation

/// The result of a chi-square test: statistic, degrees of freedom and upper-tail p-value.
public struct ChiSquareTest: Sendable, Hashable {
    /// Σ (observed − expected)² / expected.
    public var statistic: Double
    /// Groups − 1.
    public var degreesOfFreedom: Int
    /// P(χ²_df > statistic), computed directly in the upper tail (accurate below 1e-300).
    public var pValue: Double

    public init(statistic: Double, degreesOfFreedom: Int) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = ChiSquareDistribution(degreesOfFreedom: degreesOfFreedom).survival(statistic)
    }
}

/// Chi-square goodness-of-fit of counts against expected shares (Pearson's statistic).
///
/// The expected count of group i is total · wᵢ / Σw. Matches scipy
/// `chisquare(observed, f_exp=total * w / w.sum())` (see `Fixtures/chi_square_tests.json`).
/// - Parameters:
///   - observed: counts per group, e.g. users per variant.
///   - weights: relative shares, one per group, positive (need not sum to 1); `nil` means equal.
/// - Returns: `.undefined(.tooFewGroups)` for fewer than two groups, `.undefined(.emptyArm)`
///   when the total is zero, `.undefined(.invalidWeights)` for a bad weight list or negative count.
public func chiSquareGoodnessOfFit(observed: [Int], weights: [Double]? = nil) -> Estimate<ChiSquareTest> {
    guard observed.count >= 2 else { return .undefined(.tooFewGroups) }
    let weights = weights ?? Array(repeating: 1, count: observed.count)
    guard weights.count == observed.count, weights.allSatisfy({ $0 > 0 && $0.isFinite }),
        observed.allSatisfy({ $0 >= 0 })
    else { return .undefined(.invalidWeights) }
    let total = Double(observed.reduce(0, +))
    guard total > 0 else { return .undefined(.emptyArm) }
    let weightSum = weights.reduce(0, +)
    guard weightSum.isFinite else { return .undefined(.invalidWeights) }
    var statistic = 0.0
    for (count, weight) in zip(observed, weights) {
        let expected = total * (weight / weightSum)
        let difference = Double(count) - expected
        statistic += difference * difference / expected
    }
    return .value(ChiSquareTest(statistic: statistic, degreesOfFreedom: observed.count - 1))
}

/// Chi-square test of independence of an r×2 table (arms × converted/not), without
/// continuity correction: the omnibus test over all variants of an A/B/n test.
///
/// Matches scipy `chi2_contingency(table, correction=False)`; for two arms it equals the square
/// of the pooled z statistic. The statistic is computed as Σᵢ (xᵢN − nᵢX)² / (nᵢ·X·(N − X)),
/// whose numerators are exact integers, so near-identical arms do not lose digits.
/// - Returns: `.undefined(.tooFewGroups)` for fewer than two arms, `.undefined(.emptyArm)`
///   when an arm has no users, `.undefined(.zeroVariance)` when nobody or everybody converted.
public func chiSquareIndependence(_ arms: [Proportion]) -> Estimate<ChiSquareTest> {
    guard arms.count >= 2 else { return .undefined(.tooFewGroups) }
    guard arms.allSatisfy({ $0.trials > 0 }) else { return .undefined(.emptyArm) }
    let users = arms.reduce(0) { $0 + $1.trials }
    let conversions = arms.reduce(0) { $0 + $1.successes }
    guard conversions > 0, conversions < users else { return .undefined(.zeroVariance) }
    var sum = 0.0
    for arm in arms {
        let numerator = exactDifference(arm.successes, users, arm.trials, conversions)
        sum += numerator * numerator / Double(arm.trials)
    }
    let statistic = sum / (Double(conversions) * Double(users - conversions))
    return .value(ChiSquareTest(statistic: statistic, degreesOfFreedom: arms.count - 1))
}

/// a·b − c·d, exact in integers when the products fit, rounded once to a double.
private func exactDifference(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
    let (ab, overflow1) = a.multipliedReportingOverflow(by: b)
    let (cd, overflow2) = c.multipliedReportingOverflow(by: d)
    if !overflow1, !overflow2 {
        let (difference, overflow3) = ab.subtractingReportingOverflow(cd)
        if !overflow3 { return Double(difference) }
    }
    return Double(a) * Double(b) - Double(c) * Double(d)
}
