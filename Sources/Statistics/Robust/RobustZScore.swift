/// How far a value lies from a baseline in robust units: (x − median) / (1.4826 · MAD), where
/// MAD is the median absolute deviation from the median and 1.4826 (= 1 / Φ⁻¹(3/4)) makes it
/// estimate the standard deviation of normal data — scipy's
/// `median_abs_deviation(scale="normal")`. A few outliers in the baseline move neither the
/// median nor the MAD much, unlike a mean and standard deviation (Iglewicz and Hoaglin, 1993).
public struct RobustZScore: Sendable, Equatable {
    /// 1 / Φ⁻¹(0.75), to the precision scipy uses.
    public static let normalConsistency = 1.482602218505602

    /// The median of the baseline.
    public let median: Double
    /// The median absolute deviation of the baseline, unscaled.
    public let medianAbsoluteDeviation: Double
    /// The value compared.
    public let value: Double

    /// - Precondition: `baseline` is not empty.
    public init(value: Double, baseline: [Double]) {
        precondition(!baseline.isEmpty, "a robust z-score needs a baseline")
        let median = Self.median(baseline)
        self.median = median
        self.medianAbsoluteDeviation = Self.median(baseline.map { abs($0 - median) })
        self.value = value
    }

    /// The MAD scaled to a standard deviation of normal data.
    public var scale: Double { medianAbsoluteDeviation * Self.normalConsistency }

    /// The robust z-score; nil when the baseline does not vary (MAD 0): then any departure from
    /// the median is beyond every threshold, and none is no departure at all.
    public var score: Double? {
        guard scale > 0 else { return nil }
        return (value - median) / scale
    }

    /// Whether |z| exceeds `threshold`, where a constant baseline (MAD 0) puts any departure
    /// beyond it.
    public func exceeds(_ threshold: Double) -> Bool {
        guard let score else { return value != median }
        return abs(score) > threshold
    }

    /// The middle value, or the mean of the two middle values.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
