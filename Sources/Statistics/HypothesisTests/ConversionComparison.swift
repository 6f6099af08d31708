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
    /// The z statistic (also reported when Fisher's test supplies the p-value).
    public var z: Double

    public init(pValue: Double, method: Method, z: Double) {
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
/// expected count is below `fisherBelow` (SPEC §4.3: 5).
///
/// - Returns: `.undefined(.emptyArm)` when an arm has no users, `.undefined(.zeroVariance)`
///   when nobody or everybody converted in both arms (no test has information then; Fisher's
///   convention of p = 1 would read as evidence of "no difference").
public func compareConversionRates(control: Proportion, treatment: Proportion,
                                   fisherBelow minimumExpectedCount: Double = 5) -> Estimate<ConversionComparison> {
    twoProportionZTest(control: control, treatment: treatment).flatMap { zTest in
        guard smallestExpectedCount(control: control, treatment: treatment) < minimumExpectedCount else {
            return .value(ConversionComparison(pValue: zTest.pValue, method: .zTest, z: zTest.z))
        }
        return fisherExactTest(control: control, treatment: treatment).map {
            ConversionComparison(pValue: $0, method: .fisher, z: zTest.z)
        }
    }
}
