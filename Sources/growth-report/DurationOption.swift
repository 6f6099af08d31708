/// A duration written as `500ms`, `60s`, `15m`, `12h` or `30d` (exact multiples of a second,
/// a minute, an hour or 24 hours); a bare number is seconds.
struct DurationOption: Sendable, Equatable, CustomStringConvertible {
    let milliseconds: Int
    let description: String

    init?(_ text: String) {
        let units: [(suffix: String, milliseconds: Int)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "5ms" also ends in "s": only accept a suffix when what precedes it is a number.
            if let value = Int(number), value >= 0, value <= Int.max / 1_000 / unit.milliseconds {
                milliseconds = value * unit.milliseconds
                description = trimmed
                return
            }
        }
        guard let seconds = Int(trimmed), seconds >= 0, seconds <= Int.max / 1_000_000 else { return nil }
        milliseconds = seconds * 1000
        description = trimmed
    }
}

import ArgumentParser
import Foundation

extension DurationOption: ExpressibleByArgument {
    init?(argument: String) { self.init(argument) }
}
