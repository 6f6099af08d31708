import Database
import Foundation
import Reports
import Testing

/// The effect over time from hand-built rows: cumulative users and conversions by local day,
/// the uplift per day, and the novelty check (SPEC §4.3.1).
@Suite struct ABTestDailyTests {
    func report(_ period: ReportPeriod = ABTestCountsTests.period) -> ABTestReport {
        ABTestReport(period: period, counting: .init(), settings: .init(), isLive: false, asOf: ABTestFixture.periodEnd)
    }

    /// Control: 10 users on Tue 17 Nov (2 convert that day), 10 on Thu 19 Nov (5 convert on Fri
    /// 20 Nov). B: 10 on Tue (6 convert on Thu), 10 on Thu (1 converts that day).
    func fixture(_ label: String) throws -> ABTestFixture {
        let fixture = try ABTestFixture(label)
        try fixture.add(test: "d", variant: "control", users: 10, converting: 2, prefix: "c1-", assignedAt: 24, convertedAfter: 2)
        try fixture.add(test: "d", variant: "control", users: 10, converting: 5, prefix: "c2-", assignedAt: 72, convertedAfter: 30)
        try fixture.add(test: "d", variant: "B", users: 10, converting: 6, prefix: "b1-", assignedAt: 24, convertedAfter: 50)
        try fixture.add(test: "d", variant: "B", users: 10, converting: 1, prefix: "b2-", assignedAt: 72, convertedAfter: 2)
        return fixture
    }

    @Test func cumulativeByDayEndsAtTheReadoutsCounts() throws {
        let fixture = try fixture("ab_daily")
        let test = try report().readout(on: fixture.connection).tests[0]
        let daily = try #require(test.daily)
        #expect(daily.days.map(\.description) == ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"])
        let control = daily.points(of: "control"), b = daily.points(of: "B")
        #expect(control.map(\.users) == [10, 10, 20, 20, 20, 20])
        #expect(control.map(\.conversions) == [2, 2, 2, 7, 7, 7])
        #expect(b.map(\.users) == [10, 10, 20, 20, 20, 20])
        #expect(b.map(\.conversions) == [0, 0, 7, 7, 7, 7])
        // The last day is the readout.
        #expect(control.last!.users == test.control.users && control.last!.conversions == test.control.conversions)
        #expect(b.last!.conversions == test.variants[1].conversions)
        #expect(b.last!.upliftAbsolute == test.variants[1].upliftAbsolute)
        #expect(b.last!.upliftAbsoluteInterval == test.variants[1].upliftAbsoluteInterval)
        #expect(control.allSatisfy { $0.upliftAbsolute == nil })
        // Day 1: 0/10 against 2/10.
        #expect(abs(b.first!.upliftAbsolute! + 0.2) < 1e-12)
        #expect(daily.novelty.isEmpty, "no user came after the first week")
    }

    @Test func daysAreLocalDaysOfTheReportsTimeZone() throws {
        let fixture = try fixture("ab_daily_zone")
        // Auckland is 13 hours ahead in November: Tue 00:00 UTC is Tue 13:00 there, and the
        // control's Thursday converters (Fri 06:00 UTC) convert on Friday 19:00.
        let zone = TimeZone(identifier: "Pacific/Auckland")!
        let period = ReportPeriod.week(year: 2026, week: 47, timeZone: zone)!
        let daily = try #require(try report(period).readout(on: fixture.connection).tests[0].daily)
        let b = daily.points(of: "B")
        // B's first users convert Thu 02:00 UTC = Thu 15:00 local.
        #expect(zip(daily.days.map(\.description), b.map(\.conversions)).first { $0.1 > 0 }?.0 == "2026-11-19")
        #expect(daily.days.first?.description == "2026-11-17")
        #expect(daily.days.last! <= CalendarDate(year: 2026, month: 11, day: 22)!)
    }

    @Test func aFirstWeekThatReactedDifferentlyIsFlagged() throws {
        let fixture = try ABTestFixture("ab_daily_novelty")
        // First week (from 6 Nov): B converts 30 % against 10 %; users from 17 Nov: 10 % each.
        try fixture.add(test: "n", variant: "control", users: 200, converting: 20, prefix: "c1-", assignedAt: -240)
        try fixture.add(test: "n", variant: "B", users: 200, converting: 60, prefix: "b1-", assignedAt: -240)
        try fixture.add(test: "n", variant: "control", users: 400, converting: 40, prefix: "c2-", assignedAt: 24)
        try fixture.add(test: "n", variant: "B", users: 400, converting: 40, prefix: "b2-", assignedAt: 24)
        let test = try report().readout(on: fixture.connection).tests[0]
        let novelty = try #require(test.daily?.novelty.first)
        #expect(novelty.variant == "B" && novelty.firstWeekUsers == 400 && novelty.laterUsers == 800)
        #expect(abs(novelty.firstWeekUplift! - 0.2) < 1e-12)
        #expect(novelty.laterUplift == 0)
        #expect(novelty.isFlagged)
        #expect(test.daily!.days.first!.description == "2026-11-06")
    }
}
