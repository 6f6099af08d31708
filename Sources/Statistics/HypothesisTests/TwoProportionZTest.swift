import Foundation

/// The result of a z-test: the statistic and its two-sided p-value.
public struct ZTest: Sendable, Hashable {
    /// (p_t − p_c) / SE: positive when the treatment converts better.
    public var z: Double
    /// P(|Z| ≥ |z|) = erfc(|z| / √2).
    public var pValue: Double

    public init(z: Double, pValue: Double) {
        self.z = z
        self.pValue = pValue
    }

    /// The one-sided p-value of "the treatment's rate is higher", P(Z ≥ z): a guardrail's test
    /// of harm (statsmodels `proportions_ztest(..., alternative="larger")`).
    public var pValueHigher: Double { StandardNormal.survival(z) }
}

/// Two-sided pooled two-proportion z-test of treatment against control.
///
/// z = (p_t − p_c) / √(p̄(1 − p̄)(1/n_t + 1/n_c)) with the pooled rate p̄. Matches statsmodels
/// `proportions_ztest([x_t, x_c], [n_t, n_c])` (two-sided, pooled variance), which equals the
/// 2×2 chi-square test without continuity correction (see `Fixtures/two_proportion_ztest.json`).
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.zeroVariance)`
///   when nobody or everybody converted in both arms.
public func twoProportionZTest(control a: Proportion, treatment b: Proportion) -> Estimate<ZTest> {
    guard a.trials > 0, b.trials > 0 else { return .undefined(.emptyArm) }
    let pooled = Double(a.successes + b.successes) / Double(a.trials + b.trials)
    let variance = pooled * (1 - pooled) * (1 / Double(b.trials) + 1 / Double(a.trials))
    guard variance > 0 else { return .undefined(.zeroVariance) }
    let z = (b.rate - a.rate) / variance.squareRoot()
    return .value(ZTest(z: z, pValue: StandardNormal.twoSidedPValue(z)))
}
