import Foundation
import TestSupport
import Testing

@testable import Rendering

/// `Decimal.nearestDouble` gives what parsing the decimal's text gives — the correctly rounded
/// double — on the fast path and off it.
@Suite("Decimal to the nearest double")
struct DecimalNearestDoubleTests {
    static func parsed(_ value: Decimal) -> Double? { Double(value.description) }

    @Test(arguments: [
        "0", "0.125", "98765.4321", "-1234.50", "99999999.99", "0.01", "9007199254740992", "9007199254740993",
        "123456789012345678901234567890", "1e-30", "3.4028236692e120", "-0.000001", "42e5", "21474836.47",
    ])
    func edgeValuesMatchTheirText(_ text: String) throws {
        let value = try #require(Decimal(string: text))
        #expect(value.nearestDouble == Self.parsed(value), "\(text)")
    }

    @Test func nanHasNoDouble() {
        #expect(Decimal.nan.nearestDouble == nil)
    }

    @Test func randomMoneyAndRatiosMatchTheirText() throws {
        var generator = SplitMix64(seed: 53)
        for round in 0..<20_000 {
            let digits = Int.random(in: 1...30, using: &generator)
            var text = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let point = Int.random(in: 0...digits, using: &generator)
            if point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
            if Bool.random(using: &generator) { text = "-" + text }
            if text.hasPrefix(".") || text.hasPrefix("-.") { text = text.replacingOccurrences(of: ".", with: "0.") }
            let value = try #require(Decimal(string: text), "round \(round): \(text)")
            #expect(value.nearestDouble == Self.parsed(value), "round \(round): \(text)")
        }
    }

    /// A random amount with up to `places` decimals, as PostgreSQL's numeric gives it.
    static func amount(_ generator: inout SplitMix64, places: Int) -> Decimal {
        let cents = Int64.random(in: -99_999_999_999...99_999_999_999, using: &generator)
        return Decimal(string: String(cents) + "e-" + String(Int.random(in: 0...places, using: &generator)))!
    }

    @Test func quotientsOfAmountsAreTheNearestDoubleOfTheExactRatio() {
        var generator = SplitMix64(seed: 4_1)
        for round in 0..<20_000 {
            let numerator = Self.amount(&generator, places: 4)
            let denominator = Self.amount(&generator, places: 4)
            guard denominator != 0 else { continue }
            // The 38-digit decimal quotient, rounded: the nearest double but in cases of
            // probability about 1e-22, none of which this seed draws.
            #expect(Decimal.nearestQuotient(numerator, denominator) == (numerator / denominator).nearestDouble, "round \(round): \(numerator) / \(denominator)")
        }
    }

    @Test func quotientEdges() throws {
        #expect(Decimal.nearestQuotient(1, 0) == nil)
        #expect(Decimal.nearestQuotient(.nan, 1) == nil)
        #expect(Decimal.nearestQuotient(1, .nan) == nil)
        #expect(Decimal.nearestQuotient(0, 7) == 0)
        #expect(Decimal.nearestQuotient(-1, 8) == -0.125)
        #expect(Decimal.nearestQuotient(try #require(Decimal(string: "1234.50")), try #require(Decimal(string: "0.01"))) == 123_450)
        // Past 2⁵³ after scaling: the decimal quotient.
        let huge = try #require(Decimal(string: "123456789012345678901234567890"))
        #expect(Decimal.nearestQuotient(huge, try #require(Decimal(string: "0.3"))) == (huge / Decimal(string: "0.3")!).nearestDouble)
    }
}
