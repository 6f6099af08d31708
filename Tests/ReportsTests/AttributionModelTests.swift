import Database
import Foundation
import Reports
import TestSupport
import Testing

/// The five models against hand-built paths whose credits are worked out here (SPEC §4.4).
@Suite struct AttributionModelTests {
    typealias F = AttributionFixture
    let noon = F.noon, day = F.day

    @Test func oneTouchTakesEverythingUnderEveryModel() throws {
        let fixture = try F("attr_one")
        try fixture.touch("one@example.com", "linkedin", at: noon - day)
        try fixture.convert("one@example.com", revenue: "100.00")
        let result = try fixture.readout().current
        #expect(result.conversions == 1)
        #expect(result.revenue == money("100.00"))
        for model in AttributionModel.allCases {
            #expect(result.conversions(model) == ["linkedin": 1], "\(model)")
            #expect(result.revenue(model) == ["linkedin": money("100.00")], "\(model)")
        }
    }

    @Test func twoTouchesSplitByModel() throws {
        let fixture = try F("attr_two")
        try fixture.touch("two@example.com", "A", at: noon - 2 * day)
        try fixture.touch("two@example.com", "B", at: noon - day)
        try fixture.convert("two@example.com", revenue: "10.00")
        let result = try fixture.readout().current
        #expect(result.conversions(.firstTouch) == ["A": 1])
        #expect(result.conversions(.lastTouch) == ["B": 1])
        #expect(result.revenue(.lastTouch) == ["B": money("10.00")])
        #expect(result.conversions(.linear) == ["A": 0.5, "B": 0.5])
        #expect(result.conversions(.positionBased) == ["A": 0.5, "B": 0.5])
        #expect(result.revenue(.positionBased) == ["A": money("5.00"), "B": money("5.00")])
        // Ages 2d and 1d, half-life 7d: A weighs 2^(-2/7) / (2^(-2/7) + 2^(-1/7)) = 1 / (1 + 2^(1/7)).
        let a = 1 / (1 + pow(2, 1.0 / 7))
        #expect(isClose(result.conversions(.timeDecay), ["A": a, "B": 1 - a]))
        // 10.00 × 0.475265 = 4.75265 and 5.24735: floors 4.75 + 5.24, the missing cent to B’s larger remainder.
        #expect(abs(a * 10 - 4.75265) < 1e-5)
        #expect(result.revenue(.timeDecay) == ["A": money("4.75"), "B": money("5.25")])
    }

    @Test func threeTouchesGivePositionBased40_20_40AndLinearThirds() throws {
        let fixture = try F("attr_three")
        for (offset, channel) in ["A", "B", "C"].enumerated() {
            try fixture.touch("three@example.com", channel, at: noon - Double(3 - offset) * day)
        }
        try fixture.convert("three@example.com", revenue: "10.00")
        let result = try fixture.readout().current
        #expect(result.conversions(.firstTouch) == ["A": 1])
        #expect(result.conversions(.lastTouch) == ["C": 1])
        #expect(isClose(result.conversions(.linear), ["A": 1.0 / 3, "B": 1.0 / 3, "C": 1.0 / 3]))
        // Three equal remainders of 1/3 cent and one missing cent: the tie goes to the first name.
        #expect(result.revenue(.linear) == ["A": money("3.34"), "B": money("3.33"), "C": money("3.33")])
        #expect(isClose(result.conversions(.positionBased), ["A": 0.4, "B": 0.2, "C": 0.4]))
        #expect(result.revenue(.positionBased) == ["A": money("4.00"), "B": money("2.00"), "C": money("4.00")])
    }

    @Test func fiveTouchesShareTheMiddleAndDecayByHalfLives() throws {
        let fixture = try F("attr_five")
        for (offset, channel) in ["A", "B", "C", "D", "E"].enumerated() {
            try fixture.touch("five@example.com", channel, at: noon - Double(5 - offset) * day)
        }
        try fixture.convert("five@example.com", revenue: "31.00")
        let result = try fixture.readout(AttributionOptions(halfLifeSeconds: day)).current
        let middle = 0.2 / 3
        let position: [String: Double] = ["A": 0.4, "B": middle, "C": middle, "D": middle, "E": 0.4]
        #expect(isClose(result.conversions(.positionBased), position))
        // 31 × 0.2 / 3 = 2.0666…: floors 12.40 + 3 × 2.06 + 12.40 = 30.98; two cents to B and C (tied, by name).
        let positionRevenue: [String: Decimal] = [
            "A": money("12.40"), "B": money("2.07"), "C": money("2.07"),
            "D": money("2.06"), "E": money("12.40"),
        ]
        #expect(result.revenue(.positionBased) == positionRevenue)
        #expect(isClose(result.conversions(.linear), ["A": 0.2, "B": 0.2, "C": 0.2, "D": 0.2, "E": 0.2]))
        let linearRevenue: [String: Decimal] = ["A": money("6.20"), "B": money("6.20"), "C": money("6.20"), "D": money("6.20"), "E": money("6.20")]
        #expect(result.revenue(.linear) == linearRevenue)
        // Half-life 1d, one day apart: weights 1, 2, 4, 8, 16 over 31.
        let decay: [String: Double] = ["A": 1.0 / 31, "B": 2.0 / 31, "C": 4.0 / 31, "D": 8.0 / 31, "E": 16.0 / 31]
        #expect(isClose(result.conversions(.timeDecay), decay))
        let decayRevenue: [String: Decimal] = ["A": money("1.00"), "B": money("2.00"), "C": money("4.00"), "D": money("8.00"), "E": money("16.00")]
        #expect(result.revenue(.timeDecay) == decayRevenue)
    }

    @Test func aConversionWithNoTouchIsDirect() throws {
        let fixture = try F("attr_direct")
        try fixture.convert("nobody@example.com", revenue: "5.00")
        try fixture.touch("somebody@example.com", "email", at: noon - day)
        try fixture.convert("somebody@example.com", revenue: "7.50")
        let readout = try fixture.readout()
        for model in AttributionModel.allCases {
            #expect(readout.current.conversions(model) == [AttributionChannel.direct: 1, "email": 1], "\(model)")
            #expect(readout.current.revenue(model) == [AttributionChannel.direct: money("5.00"), "email": money("7.50")], "\(model)")
        }
        #expect(readout.current.credits.directConversions == 1)
    }

    @Test func lookbackIncludesBothEndsAndIgnoresLaterTouches() throws {
        let fixture = try F("attr_edges")
        let user = "edge@example.com"
        try fixture.touch(user, "too_old", at: noon - 30 * day - 0.000_001)
        try fixture.touch(user, "edge_old", at: noon - 30 * day)
        try fixture.touch(user, "edge_now", at: noon)
        try fixture.touch(user, "after", at: noon + 0.000_001)
        try fixture.convert(user, revenue: "20.00")
        let result = try fixture.readout().current
        #expect(result.conversions(.firstTouch) == ["edge_old": 1])
        #expect(result.conversions(.lastTouch) == ["edge_now": 1])
        #expect(result.conversions(.linear) == ["edge_old": 0.5, "edge_now": 0.5])
        #expect(result.revenue(.linear) == ["edge_old": money("10.00"), "edge_now": money("10.00")])
        // 30 days at a 7-day half-life: 2^(-30/7) against 1.
        let old = pow(2, -30.0 / 7) / (1 + pow(2, -30.0 / 7))
        #expect(isClose(result.conversions(.timeDecay), ["edge_old": old, "edge_now": 1 - old]))
        #expect(result.credits.touches == 2)
        // A 12-hour lookback leaves only the touch at the conversion's instant.
        let short = try fixture.readout(AttributionOptions(lookbackSeconds: 12 * 3_600)).current
        for model in AttributionModel.allCases {
            #expect(short.conversions(model) == ["edge_now": 1], "\(model)")
        }
    }

    @Test func sameTimestampTouchesAreOrderedByPlatformThenId() throws {
        let fixture = try F("attr_ties")
        let user = "tie@example.com", at = noon - day
        try fixture.touch(user, "zeta", at: at, id: "00000000-0000-0000-0000-000000000001")
        try fixture.touch(user, nil, at: at, id: "00000000-0000-0000-0000-000000000000")
        try fixture.touch(user, "alpha", at: at, id: "00000000-0000-0000-0000-000000000003")
        try fixture.touch(user, "alpha", at: at, id: "00000000-0000-0000-0000-000000000002")
        try fixture.convert(user, revenue: "10.00")
        let result = try fixture.readout().current
        // Order: alpha (…02), alpha (…03), zeta, then the null platform (nulls sort last) as unknown.
        #expect(result.conversions(.firstTouch) == ["alpha": 1])
        #expect(result.conversions(.lastTouch) == [AttributionChannel.unknown: 1])
        #expect(isClose(result.conversions(.positionBased), ["alpha": 0.5, "zeta": 0.1, "unknown": 0.4]))
        #expect(result.revenue(.positionBased) == ["alpha": money("5.00"), "zeta": money("1.00"), "unknown": money("4.00")])
        // Equal ages: time decay is linear.
        #expect(isClose(result.conversions(.timeDecay), ["alpha": 0.5, "zeta": 0.25, "unknown": 0.25]))
        #expect(result.credits.tiedTouches == 4)
        #expect(result.credits.nullPlatformTouches == 1)
    }

    @Test func periodEventEmailAndPreviousPeriodFilters() throws {
        let fixture = try F("attr_filters")
        try fixture.touch("prev@example.com", "prev_channel", at: noon - 8 * day)
        try fixture.convert("prev@example.com", at: noon - 7 * day, revenue: "3.00")
        try fixture.convert("late@example.com", at: F.period.end, revenue: "99.00")
        try fixture.convert("early@example.com", at: F.period.start, revenue: "1.00")
        try fixture.convert("signup@example.com", revenue: "50.00", event: "signup")
        try fixture.touch("Case@example.com", "email", at: noon - day)
        try fixture.convert("case@example.com", revenue: "2.00")
        let all = try fixture.readout()
        #expect(all.current.conversions == 3)
        #expect(all.current.revenue == money("53.00"))
        #expect(all.previous.conversions(.lastTouch) == ["prev_channel": 1])
        #expect(all.previous.revenue(.linear) == ["prev_channel": money("3.00")])
        // E-mails are compared exactly: Case@ is not case@.
        #expect(all.current.conversions(.firstTouch) == [AttributionChannel.direct: 3])
        let purchases = try fixture.readout(AttributionOptions(event: "purchase"))
        #expect(purchases.current.conversions == 2)
        #expect(purchases.current.revenue == money("3.00"))
        #expect(purchases.counts.inPeriod == 3)
        #expect(purchases.counts.otherEventType == 1)
    }

    @Test func anEmptyPeriodYieldsNoCredit() throws {
        let fixture = try F("attr_empty")
        let readout = try fixture.readout()
        #expect(readout.current.conversions == 0)
        #expect(readout.current.revenue == 0)
        #expect(readout.current.channels.isEmpty)
    }
}
