/// The p-value of treatment against control and the test that produced it (SPEC §4.3).
public struct ConversionComparison: Sendable, Hashable {
    /// The test behind `pValue`.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// The pooled two-proportion z-test (`test_used` = `z-test`).
        case zTest = "z-test"
        /// Fisher's exact test (`test_used` = `fisher`).
        case fisher = "fisher"
    }

    /// The two-sided p-value.
    public var pValue: Double
    /// Which test computed it.
    public var method: Method
    /// The pooled z statistic, also given when Fisher's test supplies the p-value; `nil` when it
    /// is undefined because nobody or everybody converted in both arms (the pooled variance is
    /// zero), where Fisher's test still gives a p-value.
    public var z: Double?

    public init(pValue: Double, method: Method, z: Double?) {
        self.pValue = pValue
        self.method = method
        self.z = z
    }
}

/// The smallest expected count of the 2×2 table treatment/control × converted/not under
/// independence: min over cells of row total × column total / N.
///
/// - Returns: 0 when an arm is empty or nobody or everybody converted.
public func smallestExpectedCount(control: Proportion, treatment: Proportion) -> Double {
    let users = Double(control.trials + treatment.trials)
    guard users > 0 else { return 0 }
    let conversions = Double(control.successes + treatment.successes)
    let smallerRow = Double(min(control.trials, treatment.trials))
    let smallerColumn = min(conversions, users - conversions)
    return smallerRow * smallerColumn / users
}

/// Treatment against control: the pooled z-test, or Fisher's exact test when the smallest
/// expected count is below `fisherBelow` (SPEC §4.3: 5) or the z statistic is undefined.
///
/// Fisher's test is defined for every 2×2 table with users in both rows: when nobody or
/// everybody converted in both arms, every table with those margins is the observed one, so
/// p = 1 (scipy `fisher_exact` gives the same). Such a comparison is not missing — it says the
/// data show no difference, and it stays in the multiple-testing family.
/// - Returns: `.undefined(.emptyArm)` when an arm has no users.
public func compareConversionRates(
    control: Proportion, treatment: Proportion,
    fisherBelow minimumExpectedCount: Double = 5
) -> Estimate<ConversionComparison> {
    guard control.trials > 0, treatment.trials > 0 else { return .undefined(.emptyArm) }
    let zTest = twoProportionZTest(control: control, treatment: treatment).definedValue
    if let zTest, smallestExpectedCount(control: control, treatment: treatment) >= minimumExpectedCount {
        return .value(ConversionComparison(pValue: zTest.pValue, method: .zTest, z: zTest.z))
    }
    return fisherExactTest(control: control, treatment: treatment).map {
        ConversionComparison(pValue: $0, method: .fisher, z: zTest?.z)
    }
}
