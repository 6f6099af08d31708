/// A two-sided confidence interval `[lower, upper]`.
public struct ConfidenceInterval: Sendable, Hashable {
    /// The lower bound.
    public var lower: Double
    /// The upper bound.
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `value` lies inside the closed interval.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// `upper − lower`.
    public var width: Double { upper - lower }
}

/// z₁₋α/₂, the two-sided critical value of the standard normal, or `nil` for an alpha outside (0, 1).
///
/// Computed as `StandardNormal.upperQuantile(alpha / 2)`, i.e. scipy `norm.isf(alpha / 2)`.
func twoSidedCriticalValue(alpha: Double) -> Double? {
    guard alpha > 0, alpha < 1 else { return nil }
    return StandardNormal.upperQuantile(alpha / 2)
}
