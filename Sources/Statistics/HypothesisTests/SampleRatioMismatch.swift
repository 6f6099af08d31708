/// The sample-ratio-mismatch (SRM) check of an A/B test (SPEC §4.3).
public struct SampleRatioMismatch: Sendable, Hashable {
    /// The chi-square goodness-of-fit of users per variant against the intended shares.
    public var test: ChiSquareTest
    /// p < threshold and every variant has at least the minimum number of users: the
    /// assignment is broken and no result of the test can be trusted.
    public var isFlagged: Bool

    public init(test: ChiSquareTest, isFlagged: Bool) {
        self.test = test
        self.isFlagged = isFlagged
    }

    /// The goodness-of-fit p-value.
    public var pValue: Double { test.pValue }
}

/// Checks users per variant against the intended split.
///
/// - Parameters:
///   - users: users per variant.
///   - weights: intended shares (`--weights control=50,B=50`), one per variant; `nil` for an
///     equal split.
///   - threshold: flag below this p-value (SPEC: 0.001).
///   - minimumUsers: flag only when every variant has at least this many users (SPEC: 8).
/// - Returns: as `chiSquareGoodnessOfFit(observed:weights:)`.
public func sampleRatioMismatch(
    users: [Int], weights: [Double]? = nil, threshold: Double = 0.001,
    minimumUsers: Int = 8
) -> Estimate<SampleRatioMismatch> {
    chiSquareGoodnessOfFit(observed: users, weights: weights).map { test in
        SampleRatioMismatch(
            test: test,
            isFlagged: test.pValue < threshold && users.allSatisfy { $0 >= minimumUsers })
    }
}
