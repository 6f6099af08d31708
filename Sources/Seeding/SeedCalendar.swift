import Database

/// The seeded stretch of time: whole ISO weeks (Monday to Sunday, 26 by default) ending on `lastDay`.
///
/// Generators work with day indexes 0..<dayCount relative to `firstDay`, so a different `lastDay`
/// only shifts the dates written; the weekday of index `d` is `d % 7` (0 = Monday) because
/// `lastDay` is a Sunday.
struct SeedCalendar: Sendable {
    /// The days of the default history, 26 weeks: the span the test catalog and the partner
    /// roster are laid out on.
    static let baseDayCount = 182
    /// Days seeded: 7 × weeks.
    let dayCount: Int
    static let secondsPerDay = 86_400
    /// Days before the first and after the last day whose text is precomputed.
    private static let margin = 16

    /// Days since 1970-01-01 of day index 0.
    let firstDay: Int
    private let dateText: [UInt8]

    init(lastDay: Int, weeks: Int = SeedPlan.defaultWeeks) {
        dayCount = 7 * weeks
        firstDay = lastDay - (dayCount - 1)
        var text: [UInt8] = []
        text.reserveCapacity((dayCount + 2 * Self.margin) * 10)
        for day in (firstDay - Self.margin)..<(lastDay + 1 + Self.margin) {
            text.append(contentsOf: CalendarDate(daysSinceEpoch: day).description.utf8)
        }
        dateText = text
    }

    /// `YYYY-MM-DD` of day index `day` (which may lie a little outside the seeded days).
    @inline(__always)
    func writeDate(_ day: Int, to writer: inout CopyTextWriter) {
        let slot = day + Self.margin
        precondition(slot >= 0 && slot * 10 < dateText.count, "day index outside the calendar")
        dateText.withUnsafeBufferPointer { writer.raw($0, from: slot * 10, count: 10) }
    }

    /// `YYYY-MM-DD HH:MM:SS+00` of `second` (0..<86 400, or beyond to roll into later days).
    @inline(__always)
    func writeTimestamp(day: Int, second: Int, to writer: inout CopyTextWriter) {
        let day = day + second / Self.secondsPerDay
        let second = second % Self.secondsPerDay
        writeDate(day, to: &writer)
        writer.byte(0x20)
        writer.zeroPadded(second / 3600, width: 2)
        writer.byte(0x3A)
        writer.zeroPadded(second / 60 % 60, width: 2)
        writer.byte(0x3A)
        writer.zeroPadded(second % 60, width: 2)
        writer.raw("+00")
    }

}

/// Relative daily traffic: weekdays heavier than weekends, about 30 % growth over the history,
/// and a few percent of day-to-day noise from the seed.
func dailyTrafficWeights(seed: UInt64, dayCount: Int) -> [Int] {
    let weekday = [100, 104, 106, 103, 96, 72, 66] // Monday … Sunday
    let key = seedKey(seed, salt: "daily_traffic")
    let last = dayCount - 1
    return (0..<dayCount).map { day in
        let growth = 1000 + 300 * day / last
        let noise = 950 + scaled(mix64(key, day), below: 101)
        return weekday[day % 7] * growth * noise / 1000
    }
}

/// How many of a table's rows fall on each day; rows are in day order.
struct DaySchedule: Sendable {
    /// `cumulative[d]` is the first row of day `d`; the last entry is the row count.
    let cumulative: [Int]

    /// Splits `total` rows over days in proportion to `weights`, exactly (integer arithmetic).
    init(total: Int, weights: [Int]) {
        cumulative = proportionalBoundaries(total: total, weights: weights)
    }

    var dayCount: Int { cumulative.count - 1 }

    /// The day that holds `row`.
    func day(ofRow row: Int) -> Int {
        var low = 0
        var high = dayCount - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if cumulative[middle] <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }

    func rows(onDay day: Int) -> Range<Int> {
        cumulative[day]..<cumulative[day + 1]
    }
}

/// Boundaries `b` with `b[0] = 0`, `b[n] = total` and `b[k+1] - b[k]` proportional to
/// `weights[k]` (rounded down cumulatively, so the parts sum exactly to `total`).
func proportionalBoundaries(total: Int, weights: [Int]) -> [Int] {
    let sum = weights.reduce(0, +)
    precondition(sum > 0, "weights must not all be zero")
    var boundaries = [0]
    boundaries.reserveCapacity(weights.count + 1)
    var prefix = 0
    for weight in weights {
        prefix += weight
        // total × prefix stays far below 2⁶³ for our sizes (10⁷ × 10⁹).
        boundaries.append(Int((Int64(total) * Int64(prefix)) / Int64(sum)))
    }
    return boundaries
}

/// Time of day with a diurnal shape (UTC): quiet nights, a late-morning plateau and an
/// evening bump.
struct DiurnalClock: Sendable {
    private static let hourWeights = [3, 2, 1, 1, 1, 2, 3, 5, 7, 8, 9, 10, 10, 9, 9, 8, 8, 8, 8, 9, 9, 8, 6, 4]
    private let slotHours: [UInt8]

    init() {
        var slots: [UInt8] = []
        for (hour, weight) in Self.hourWeights.enumerated() {
            slots.append(contentsOf: repeatElement(UInt8(hour), count: weight))
        }
        slotHours = slots
    }

    /// A second of the day, 0..<86 400.
    @inline(__always)
    func second(_ random: inout RowRandom) -> Int {
        let draw = random.below(slotHours.count * 3600)
        return Int(slotHours[draw / 3600]) * 3600 + draw % 3600
    }
}
