import Foundation
import Testing

@testable import Rendering

/// The fast paths of number formatting give the same text as the general ones.
@Suite struct NumberTextPropertyTests {
    /// Doubles of every magnitude, sign and kind: integral, short decimals, random bits.
    static func samples(count: Int) -> [Double] {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.0001, 0.00009999999999999999, 1e-4, 9_007_199_254_740_991, 9_007_199_254_740_992,
            9_007_199_254_740_993, 1e15, 1e16, 1e21, 1e22, 123_456.5, 0.5, 2.5, -2.5, 1.005, 0.125, .ulpOfOne,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e300, 1.5e-300,
        ]
        for _ in 0..<count {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
            case 1: values.append(Double(Int.random(in: -10_000_000...10_000_000, using: &generator)) / 100)
            case 2: values.append(Double.random(in: -1e6...1e6, using: &generator))
            default: values.append(Double.random(in: -1...1, using: &generator) * pow(10, Double(Int.random(in: -8...20, using: &generator))))
            }
        }
        return values.filter(\.isFinite)
    }

    /// The layout rule of `MachineText.number`, from the digits of `description` alone.
    static func slowNumber(_ value: Double) -> String {
        if value == 0 { return "0" }
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(parts[0] + (parts.count > 1 ? parts[1] : ""))
        var n = parts[0].count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count
        let body: String
        if k <= n && n <= 21 {
            body = String(digits) + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            body = String(digits[..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            body = "0." + String(repeating: "0", count: -n) + String(digits)
        } else {
            let mantissa = k == 1 ? String(digits) : String(digits[0]) + "." + String(digits[1...])
            body = mantissa + "e" + (n - 1 < 0 ? "-" : "+") + String((n - 1).magnitude)
        }
        return (value < 0 ? "-" : "") + body
    }

    @Test func machineTextKeepsItsLayoutOnTheFastPath() {
        for value in Self.samples(count: 50_000) {
            let text = MachineText.number(value)
            #expect(text == Self.slowNumber(value), "\(value)")
            #expect(text.flatMap(Double.init) == value, "\(value) → \(text ?? "nil")")
        }
    }

    @Test func fixedDecimalsAreWhatStringFormatWrites() {
        for value in Self.samples(count: 20_000) {
            for places in [0, 1, 2, 4] {
                #expect(DisplayFormatter.fixed(value, places: places) == String(format: "%.*f", places, value), "\(value) \(places)")
            }
        }
    }
}
