import Database
import Foundation
import Statistics

/// The effect over time of one test: per variant and local day, the users and conversions
/// cumulative from the test's first assignment to the end of that day, and each treatment's
/// uplift with its interval as §4.3 gives it (SPEC §4.3.1); and the novelty check.
public struct ABTestDailyResult: Sendable {
    public struct Point: Sendable, Equatable {
        public var day: CalendarDate
        public var variant: String
        public var isControl: Bool
        public var users: Int
        public var conversions: Int
        public var rate: Double?
        public var upliftAbsolute: Double?
        public var upliftAbsoluteInterval: ConfidenceInterval?
    }

    /// The first week's users against the later ones, for one treatment.
    public struct Novelty: Sendable, Equatable {
        public var variant: String
        /// The uplift among users first assigned in the test's first seven days, and its interval.
        public var firstWeekUplift: Double?
        public var firstWeekInterval: ConfidenceInterval?
        /// The uplift and its interval among users first assigned later.
        public var laterUplift: Double?
        public var laterInterval: ConfidenceInterval?
        public var firstWeekUsers: Int
        public var laterUsers: Int

        /// The first week's uplift lies outside the later users' interval: the effect may be a
        /// novelty (or a learning) effect that fades (or grows).
        public var isFlagged: Bool {
            // A zero-width interval (every later user at 0 % or 100 %) is no yardstick.
            guard let first = firstWeekUplift, let interval = laterInterval, interval.width > 0 else { return false }
            return !interval.contains(first)
        }
    }

    /// Control first, then the treatments as the readout orders them; each variant's days in order.
    public var points: [Point]
    public var days: [CalendarDate]
    public var novelty: [Novelty]

    /// The points of one variant, in day order.
    public func points(of variant: String) -> ArraySlice<Point> {
        guard let first = points.firstIndex(where: { $0.variant == variant }) else { return [] }
        let last = points[first...].firstIndex { $0.variant != variant } ?? points.endIndex
        return points[first..<last]
    }

    /// From the counts of one test, its variants in `order` (control first): days from the one
    /// holding its first assignment.
    static func analyse(_ counts: ABTestDailyCounts, test: String, order: [String], alpha: Double) -> ABTestDailyResult {
        let dayCount = counts.days.count
        func cumulative(_ increments: [ABTestDailyCounts.Increment], _ variant: String) -> [Int] {
            var perDay = Array(repeating: 0, count: dayCount + 1)
            for increment in increments where increment.test == test && increment.variant == variant {
                perDay[min(max(increment.dayIndex, 0), dayCount)] += increment.count
            }
            // Index 0 holds what came before the first day shown: it starts the sum.
            var running = perDay[0]
            return (1...max(1, dayCount)).map { index in
                running += index <= dayCount ? perDay[index] : 0
                return running
            }
        }
        let users = order.map { cumulative(counts.users, $0) }
        let conversions = order.map { cumulative(counts.conversions, $0) }
        // Days before the test's first user are not shown.
        let firstDay = (0..<dayCount).first { day in users.contains { $0[day] > 0 } } ?? 0
        var points: [Point] = []
        for (index, variant) in order.enumerated() {
            for day in firstDay..<dayCount {
                let arm = Proportion(successes: conversions[index][day], trials: users[index][day])
                var point = Point(
                    day: counts.days[day], variant: variant, isControl: index == 0, users: arm.trials, conversions: arm.successes,
                    rate: arm.trials > 0 ? arm.rate : nil)
                if index > 0 {
                    let control = Proportion(successes: conversions[0][day], trials: users[0][day])
                    if let uplift = absoluteUplift(control: control, treatment: arm, alpha: alpha).definedValue {
                        point.upliftAbsolute = uplift.estimate
                        point.upliftAbsoluteInterval = uplift.interval
                    }
                }
                points.append(point)
            }
        }
        return ABTestDailyResult(
            points: points, days: Array(counts.days[min(firstDay, dayCount)...]),
            novelty: novelty(counts, test: test, order: order, alpha: alpha))
    }

    /// Per treatment, the first-week cohort's uplift against the later cohort's interval; none
    /// before the test has users after its first week.
    static func novelty(_ counts: ABTestDailyCounts, test: String, order: [String], alpha: Double) -> [Novelty] {
        func cohort(_ variant: String, firstWeek: Bool) -> Proportion {
            let row = counts.cohorts.first { $0.test == test && $0.variant == variant && $0.isFirstWeek == firstWeek }
            return Proportion(successes: row?.conversions ?? 0, trials: row?.users ?? 0)
        }
        let controlFirst = cohort(order[0], firstWeek: true), controlLater = cohort(order[0], firstWeek: false)
        guard controlLater.trials > 0 else { return [] }
        return order.dropFirst().compactMap { variant in
            let first = cohort(variant, firstWeek: true), later = cohort(variant, firstWeek: false)
            guard later.trials > 0 else { return nil }
            let laterUplift = absoluteUplift(control: controlLater, treatment: later, alpha: alpha).definedValue
            let firstUplift = absoluteUplift(control: controlFirst, treatment: first, alpha: alpha).definedValue
            return Novelty(
                variant: variant, firstWeekUplift: firstUplift?.estimate, firstWeekInterval: firstUplift?.interval,
                laterUplift: laterUplift?.estimate, laterInterval: laterUplift?.interval,
                firstWeekUsers: first.trials + controlFirst.trials, laterUsers: later.trials + controlLater.trials)
        }
    }
}
