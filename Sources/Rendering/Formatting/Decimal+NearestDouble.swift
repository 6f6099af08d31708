import Foundation

extension Decimal {
    /// The double nearest to this decimal (round half to even), as `Double(description)` gives
    /// it; nil for NaN. `NSDecimalNumber.doubleValue` can be one unit off
    /// (98765.4321 → 98765.43209999999), so it is not used.
    ///
    /// Money and counts — a significand below 2⁵³ with at most 22 decimal places or powers of
    /// ten — take Clinger's fast path: the significand and 10^|exponent| are exact doubles, so
    /// one IEEE multiplication or division rounds the exact value once, correctly. Anything
    /// else goes through the decimal text.
    public var nearestDouble: Double? {
        guard !isNaN else { return nil }
        if let fast = clingerFastPath { return fast }
        return Double(description) ?? NSDecimalNumber(decimal: self).doubleValue
    }

    /// The double nearest to `numerator / denominator`; nil when either is NaN or the
    /// denominator is zero.
    ///
    /// Two amounts with few decimals (money, counts) are integers once scaled to the same
    /// exponent; below 2⁵³ both are exact doubles, and IEEE division rounds their exact
    /// quotient once. Otherwise the 38-digit decimal quotient is rounded.
    public static func nearestQuotient(_ numerator: Decimal, _ denominator: Decimal) -> Double? {
        guard !numerator.isNaN, !denominator.isNaN, !denominator.isZero else { return nil }
        let exponent = min(numerator.exponent, denominator.exponent)
        if let top = numerator.scaledInteger(toExponent: exponent), let bottom = denominator.scaledInteger(toExponent: exponent) {
            return top / bottom
        }
        return (numerator / denominator).nearestDouble
    }

    /// This value as the integer n with value = n × 10^exponent, when n is exact as a double
    /// (|n| < 2⁵³); nil otherwise.
    private func scaledInteger(toExponent exponent: Int) -> Double? {
        let shift = self.exponent - exponent
        guard shift >= 0, shift <= 15 else { return nil }
        // An integer below 2⁵³ is summed exactly from its 16-bit words; at or past it, the sum
        // may be rounded, and the caller takes the slow path.
        let significand = NSDecimalNumber(decimal: self.significand).doubleValue
        guard significand < 9_007_199_254_740_992 else { return nil }
        let magnitude = significand * Self.exactPowersOfTen[shift]
        guard magnitude < 9_007_199_254_740_992 else { return nil }
        return sign == .minus ? -magnitude : magnitude
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { power in
        (0..<power).reduce(1.0) { value, _ in value * 10 }
    }

    /// An integer below 2⁵³ (the significand, scaled up for a positive exponent) divided by an
    /// exact power of ten: one IEEE division, rounded once.
    private var clingerFastPath: Double? {
        guard exponent >= -22, let scaled = scaledInteger(toExponent: min(exponent, 0)) else { return nil }
        return exponent >= 0 ? scaled : scaled / Self.exactPowersOfTen[-exponent]
    }
}
