import Foundation

/// A linear value axis with "nice" round ticks (1, 2, 2.5 or 5 × 10ⁿ apart) that covers the data,
/// after Heckbert, "Nice numbers for graph labels" (Graphics Gems, 1990).
struct NiceScale: Sendable, Equatable {
    var lower: Double
    var upper: Double
    var step: Double

    /// - Parameters:
    ///   - values: every value the axis must show (bars, bounds, the reference line).
    ///   - includesZero: bars start at zero; lines of counts do too.
    ///   - targetTicks: about how many ticks to draw.
    init(covering values: [Double], includesZero: Bool, targetTicks: Int = 5) {
        var low = values.min() ?? 0
        var high = values.max() ?? 1
        if includesZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        if high - low < 1e-12 {
            // One value (or none): a band around it.
            let pad = abs(high) > 1e-12 ? abs(high) * 0.5 : 1
            low = includesZero && low >= 0 ? 0 : low - pad
            high += pad
        }
        let step = Self.niceNumber((high - low) / Double(max(1, targetTicks - 1)), rounding: true)
        self.step = step
        self.lower = (low / step).rounded(.down) * step
        self.upper = (high / step).rounded(.up) * step
        if self.upper - self.lower < step / 2 { self.upper = self.lower + step }
    }

    /// The tick values from `lower` to `upper`.
    var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded()) + 1
        return (0..<max(1, count)).map { index in
            let value = lower + Double(index) * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
    }

    /// Where `value` falls between `start` (at `lower`) and `end` (at `upper`).
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    static func niceNumber(_ x: Double, rounding: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = floor(log10(x))
        let fraction = x / pow(10, exponent)
        let nice: Double
        if rounding {
            nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * pow(10, exponent)
    }
}
