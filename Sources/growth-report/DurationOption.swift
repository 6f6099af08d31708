import ArgumentParser
import Foundation

/// A duration written as `500ms`, `60s`, `15m`, `12h` or `30d` (exact multiples of a second,
/// a minute, an hour or 24 hours); a bare number is seconds. A leading `-` is read too, so
/// that each option can say what its value must be ("must be positive").
struct DurationOption: Sendable, Equatable, CustomStringConvertible {
    let milliseconds: Int
    let description: String

    init?(_ text: String) {
        let units: [(suffix: String, milliseconds: Int)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let negative = trimmed.hasPrefix("-")
        let magnitude = negative ? String(trimmed.dropFirst()) : trimmed
        let sign = negative ? -1 : 1
        for unit in units where magnitude.hasSuffix(unit.suffix) {
            let number = magnitude.dropLast(unit.suffix.count)
            // "5ms" also ends in "s": only accept a suffix when what precedes it is a number.
            if number.first?.isNumber == true, let value = Int(number), value <= Int.max / 1_000 / unit.milliseconds {
                milliseconds = sign * value * unit.milliseconds
                description = trimmed
                return
            }
        }
        guard magnitude.first?.isNumber == true, let seconds = Int(magnitude), seconds <= Int.max / 1_000_000 else { return nil }
        milliseconds = sign * seconds * 1000
        description = trimmed
    }
}

extension DurationOption: ExpressibleByArgument {
    init?(argument: String) { self.init(argument) }
}
