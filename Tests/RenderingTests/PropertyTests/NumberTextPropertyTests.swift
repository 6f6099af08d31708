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

    @Test func machineTextKeepsItsLayoutOnTheFastPath() {
        for value in Self.samples(count: 50_000) {
            let text = MachineText.number(value)
            #expect(value == 0 || text == MachineText.laidOut(value), "\(value)")
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
