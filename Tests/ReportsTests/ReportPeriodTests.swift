import Database
import Foundation
import Reports
import Testing

/// ISO weeks, months, previous periods and midnights in time zones (SPEC §3).
@Suite struct ReportPeriodTests {
    static let utc = TimeZone(identifier: "UTC")!

    func resolve(
        week: String? = nil, month: String? = nil, from: String? = nil, to: String? = nil,
        zone: String = "UTC", asOf: String = "2026-11-25T10:00:00Z"
    ) throws -> ReportPeriod {
        let clock = ISO8601DateFormatter().date(from: asOf)!
        return try PeriodSelection(week: week, month: month, from: from, to: to, timeZone: zone, asOf: clock).resolve()
    }

    @Test func isoWeeksAcrossYearBoundaries() throws {
        let w53 = try resolve(week: "2026-W53")
        #expect(w53.first.description == "2026-12-28" && w53.last.description == "2027-01-03")
        #expect(throws: PeriodError.self) { try resolve(week: "2025-W53") }
        #expect(try resolve(week: "2027-W01").previous.label == "2026-W53")
        let w1 = try resolve(week: "2026-W01")
        #expect(w1.first.description == "2025-12-29")
        #expect(ReportPeriod.isoWeek(of: CalendarDate("2021-01-03")!) == (2020, 53))
    }

    @Test func monthsAndDayRangesAndTheirPreviousPeriods() throws {
        let january = try resolve(month: "2026-01")
        #expect(january.previous.label == "2025-12")
        #expect(try resolve(month: "2024-02").last.description == "2024-02-29")
        let days = try resolve(from: "2026-11-16", to: "2026-11-22")
        #expect(days.label == "2026-11-16_2026-11-22")
        #expect(days.previous.first.description == "2026-11-09" && days.previous.last.description == "2026-11-15")
    }

    @Test func defaultIsTheLastCompleteWeekBeforeTheClock() throws {
        #expect(try resolve().label == "2026-W47") // Wednesday 25 Nov
        #expect(try resolve(asOf: "2026-11-22T23:00:00Z").label == "2026-W46") // Sunday: its week is not over
        #expect(try resolve(asOf: "2026-11-23T00:00:01Z").label == "2026-W47") // Monday
        // Still Sunday in Los Angeles.
        #expect(try resolve(zone: "America/Los_Angeles", asOf: "2026-11-23T05:00:00Z").label == "2026-W46")
    }

    @Test func boundariesAreMidnightInTheZone() throws {
        let berlin = try resolve(week: "2026-W47", zone: "Europe/Berlin")
        #expect(berlin.start == ISO8601DateFormatter().date(from: "2026-11-15T23:00:00Z"))
        #expect(berlin.end == ISO8601DateFormatter().date(from: "2026-11-22T23:00:00Z"))
        // São Paulo skipped midnight on 4 Nov 2018 (clocks went from 00:00 to 01:00): the day starts at 01:00.
        let saoPaulo = try resolve(from: "2018-11-04", to: "2018-11-04", zone: "America/Sao_Paulo")
        #expect(saoPaulo.start == ISO8601DateFormatter().date(from: "2018-11-04T03:00:00Z"))
        // A week across the autumn change is 7 days and one hour long.
        let autumn = try resolve(week: "2026-W43", zone: "Europe/Berlin") // clocks go back on Sunday 25 Oct
        #expect(autumn.end.timeIntervalSince(autumn.start) == 7 * 86_400 + 3600)
    }

    @Test(arguments: [
        (["week": "2026-47"], "--week"), (["month": "2026-13"], "--month"), (["from": "2026-11-16"], "--to"),
        (["from": "2026-11-22", "to": "2026-11-16"], "after"), (["week": "2026-W47", "month": "2026-11"], "one of"),
        (["zone": "Mars/Olympus"], "--timezone"),
    ])
    func badPeriodsAreOneLineErrors(_ options: [String: String], _ fragment: String) throws {
        #expect {
            try resolve(
                week: options["week"], month: options["month"], from: options["from"], to: options["to"],
                zone: options["zone"] ?? "UTC")
        } throws: { "\($0)".contains(fragment) && !"\($0)".contains("\n") }
    }
}
