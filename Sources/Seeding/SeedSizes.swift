/// How many rows each table gets at a scale.
public struct SeedSizes: Sendable, Equatable {
    public var viralMetrics: Int
    public var abTestAssignments: Int
    public var abTests: Int
    public var conversionEvents: Int
    public var partners: Int
    /// Days of history, ending on the plan's last day: 7 × weeks.
    public var days: Int = SeedCalendar.baseDayCount

    /// The sizes of `scale` for 26 weeks, or for `weeks` with as many rows per day and as many
    /// tests at a time: the time-based tables grow with the history, the partners do not.
    public init(scale: SeedScale, weeks: Int) {
        self.init(scale: scale)
        guard weeks != SeedPlan.defaultWeeks else { return }
        func scaled(_ rows: Int) -> Int { Int((Int64(rows) * Int64(weeks)) / Int64(SeedPlan.defaultWeeks)) }
        viralMetrics = scaled(viralMetrics)
        abTestAssignments = scaled(abTestAssignments)
        conversionEvents = scaled(conversionEvents)
        abTests = ABTestSpec.schedule(baseCount: abTests, dayCount: 7 * weeks).count
        days = 7 * weeks
    }

    public init(scale: SeedScale) {
        switch scale {
        case .small:
            self = SeedSizes(
                viralMetrics: 100_000, abTestAssignments: 20_000, abTests: 6,
                conversionEvents: 10_000, partners: 20)
        case .medium:
            self = SeedSizes(
                viralMetrics: 1_000_000, abTestAssignments: 200_000, abTests: 12,
                conversionEvents: 100_000, partners: 60)
        case .large:
            self = SeedSizes(
                viralMetrics: 10_000_000, abTestAssignments: 2_000_000, abTests: 20,
                conversionEvents: 1_000_000, partners: 200)
        }
    }

    init(viralMetrics: Int, abTestAssignments: Int, abTests: Int, conversionEvents: Int, partners: Int) {
        self.viralMetrics = viralMetrics
        self.abTestAssignments = abTestAssignments
        self.abTests = abTests
        self.conversionEvents = conversionEvents
        self.partners = partners
    }
}
