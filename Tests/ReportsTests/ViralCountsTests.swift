import Database
import Foundation
import Reports
import TestSupport
import Testing

/// Counting in PostgreSQL against hand-built `viral_metrics` rows whose answers are worked out here.
@Suite struct ViralCountsTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let week47 = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!

    /// What one key of a `reach_metrics` value should contribute.
    enum Expected: Equatable {
        case number(Double)
        case missing, null, string, boolean, nested
    }

    /// Every kind of malformed value, beside clean ones: the JSON (nil is SQL NULL) and what
    /// impressions, clicks and conversions should read as.
    static let reachCases: [(json: String?, impressions: Expected, clicks: Expected, conversions: Expected)] = [
        (#"{"impressions": 100, "clicks": 10, "conversions": 2}"#, .number(100), .number(10), .number(2)),
        (#"{"impressions": "12", "clicks": 5, "conversions": 1}"#, .string, .number(5), .number(1)),
        (#"{"impressions": null, "clicks": true, "conversions": {"n": 1}}"#, .null, .boolean, .nested),
        (#"{"impressions": [1, 2], "clicks": 3}"#, .nested, .number(3), .missing),
        (#"{"impressions": 7, "clicks": false, "conversions": "1"}"#, .number(7), .boolean, .string),
        // Keys are exact: case and spaces matter.
        (#"{"Impressions": 9, "clicks ": 1, "conversions": null}"#, .missing, .missing, .null),
        (#"{"impressions": {"organic": 3, "paid": 4}, "clicks": "", "conversions": 1}"#, .nested, .string, .number(1)),
        // Numbers count as given: fractional, negative, exponent, extra keys ignored.
        (#"{"impressions": 50.5, "clicks": -1, "conversions": 0, "note": "tab\tand \\ Café"}"#, .number(50.5), .number(-1), .number(0)),
        (#"{"impressions": 1e3, "clicks": 2.0, "conversions": 1}"#, .number(1000), .number(2), .number(1)),
        // Not an object: every key missing.
        ("[]", .missing, .missing, .missing),
        ("[100, 10, 2]", .missing, .missing, .missing),
        (#""n/a""#, .missing, .missing, .missing),
        ("42", .missing, .missing, .missing),
        ("true", .missing, .missing, .missing),
        ("null", .missing, .missing, .missing),
        ("{}", .missing, .missing, .missing),
        (nil, .missing, .missing, .missing),
    ]

    @Test func malformedReachValuesCountAsZeroAndAreCountedPerKeyAndKind() throws {
        let fixture = try ViralFixture("viral_json")
        for (index, reach) in Self.reachCases.enumerated() {
            try fixture.add(email: "u\(index)@example.com", reach: reach.json)
        }
        let readout = try ViralReport(period: Self.week47).readout(on: fixture.connection)
        let quality = readout.current.quality
        let total = readout.current.total

        func sum(_ key: KeyPath<(json: String?, impressions: Expected, clicks: Expected, conversions: Expected), Expected>) -> Double {
            Self.reachCases.reduce(0) { total, reach in
                if case .number(let value) = reach[keyPath: key] { return total + value }
                return total
            }
        }
        func count(
            _ key: KeyPath<(json: String?, impressions: Expected, clicks: Expected, conversions: Expected), Expected>,
            _ kind: Expected
        ) -> Int {
            Self.reachCases.filter { $0[keyPath: key] == kind }.count
        }
        #expect(total.actions == Self.reachCases.count)
        #expect(total.users == Self.reachCases.count)
        #expect(total.impressions == sum(\.impressions)) // 100 + 7 + 50.5 + 1000
        #expect(total.clicks == sum(\.clicks)) // 10 + 5 + 3 - 1 + 2
        #expect(total.conversions == sum(\.conversions)) // 2 + 1 + 1 + 0 + 1
        #expect(total.impressions == 1157.5 && total.clicks == 19 && total.conversions == 5)

        let keys: [(ViralDataQuality.KeyProblems, KeyPath<(json: String?, impressions: Expected, clicks: Expected, conversions: Expected), Expected>)] =
            [(quality.impressions, \.impressions), (quality.clicks, \.clicks), (quality.conversions, \.conversions)]
        for (problems, key) in keys {
            #expect(problems.missing == count(key, .missing))
            #expect(problems.null == count(key, .null))
            #expect(problems.string == count(key, .string))
            #expect(problems.boolean == count(key, .boolean))
            #expect(problems.nested == count(key, .nested))
            let numbers = Self.reachCases.filter { if case .number = $0[keyPath: key] { true } else { false } }.count
            #expect(problems.total == Self.reachCases.count - numbers)
        }
        #expect(quality.impressions == .init(missing: 9, null: 1, string: 1, boolean: 0, nested: 2))
        #expect(quality.reachNull == Self.reachCases.filter { $0.json == nil }.count)
        // Arrays, a string, a number, a boolean and JSON null are not objects.
        #expect(quality.reachNotObject == 6)
        // 50.5 and -1 are in one row.
        #expect(quality.unusualNumbers == 1)
        #expect(quality.rowsRead == Self.reachCases.count)
    }

    @Test func groupsUsersAndKFactorPerRowAndForTheWholePeriod() throws {
        let fixture = try ViralFixture("viral_groups")
        // a: two referrals (1 conversion each) and a share on linkedin; a review on no platform.
        try fixture.add(email: "a@example.com", reach: ViralFixture.reach(100, 10, 1))
        try fixture.add(email: "a@example.com", reach: ViralFixture.reach(100, 10, 1), hours: 30)
        try fixture.add(email: "a@example.com", action: "linkedin_share", reach: ViralFixture.reach(50, 4, 0))
        try fixture.add(email: "a@example.com", action: "review", platform: nil, reach: ViralFixture.reach(0, 0, 0))
        // b: one referral with 3 conversions; a row without e-mail is an action but no user.
        try fixture.add(email: "b@example.com", reach: ViralFixture.reach(200, 20, 3))
        try fixture.add(email: nil, reach: ViralFixture.reach(100, 10, 1))

        let readout = try ViralReport(period: Self.week47).readout(on: fixture.connection)
        let groups = readout.rankedGroups
        #expect(groups.map(\.platform) == ["linkedin", "linkedin", nil])
        #expect(groups.map(\.actionType) == ["referral", "linkedin_share", "review"])

        let referral = groups[0].tally
        #expect(referral.actions == 4 && referral.users == 2)
        #expect(referral.impressions == 500 && referral.clicks == 50 && referral.conversions == 6)
        #expect(referral.clickThroughRate == 50.0 / 500)
        #expect(referral.clickConversionRate == 6.0 / 50)
        #expect(referral.kFactor == 6.0 / 2)
        // Zero impressions and clicks: the ratios are undefined, not NaN.
        #expect(groups[2].tally.clickThroughRate == nil && groups[2].tally.clickConversionRate == nil)
        #expect(groups[2].tally.kFactor == 0)

        let total = readout.current.total
        #expect(total.actions == 6)
        // Users are distinct over the period: a and b, though the rows' users add up to 4.
        #expect(total.users == 2 && groups.reduce(0) { $0 + $1.tally.users } == 4)
        #expect(total.conversions == 6 && total.kFactor == 3)
        #expect(readout.current.quality.withoutEmail == 1 && readout.current.quality.withoutPlatform == 1)
        #expect(readout.topUsers == nil)
    }

    @Test func periodsAreHalfOpenAndThePreviousWeekStandsBeside() throws {
        let fixture = try ViralFixture("viral_bounds")
        let reach = ViralFixture.reach(10, 1, 1)
        try fixture.add(email: "first@example.com", reach: reach, hours: 0) // the period's first instant
        try fixture.add(email: "last@example.com", reach: reach, hours: 168 - 1.0 / 3600) // its last second
        try fixture.add(email: "next@example.com", reach: reach, hours: 168) // the next week
        try fixture.add(email: "before@example.com", platform: "twitter", reach: reach, hours: -1.0 / 3600)

        let readout = try ViralReport(period: Self.week47).readout(on: fixture.connection)
        #expect(readout.current.total.actions == 2)
        #expect(readout.previousPeriod.label == "2026-W46")
        #expect(readout.previous.total.actions == 1)
        #expect(readout.previous.groups.map(\.platform) == ["twitter"])
        // twitter was seen only in the previous week: it still appears in the comparison, at zero now.
        let comparisons = readout.comparisons
        #expect(comparisons.map(\.platform) == ["linkedin", "twitter"])
        #expect(comparisons[1].current == ViralTally() && comparisons[1].previous.actions == 1)

        // The trend: W40…W47; the next week's row is not read; empty weeks are zero with no K-factor.
        #expect(readout.trend.map(\.label) == (40...47).map { "2026-W\($0)" })
        #expect(readout.trend.map(\.tally.actions) == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(readout.trend[0].tally.kFactor == nil)
        #expect(readout.trend[7].tally.kFactor == 1)
    }

    @Test func periodsAndTrendWeeksFollowTheTimeZone() throws {
        let fixture = try ViralFixture("viral_zone")
        let zone = TimeZone(identifier: "America/Los_Angeles")!
        let period = ReportPeriod.week(year: 2026, week: 47, timeZone: zone)!
        // 05:00 UTC on Monday 16 Nov is Sunday 21:00 in Los Angeles: the week before.
        try fixture.add(email: "early@example.com", reach: ViralFixture.reach(10, 1, 1), hours: 5)
        try fixture.add(email: "late@example.com", reach: ViralFixture.reach(10, 1, 1), hours: 9)
        let readout = try ViralReport(period: period).readout(on: fixture.connection)
        #expect(readout.current.total.actions == 1)
        #expect(readout.previous.total.actions == 1)
        #expect(readout.trend.suffix(2).map(\.tally.actions) == [1, 1])
    }

    @Test func trendWeeksCrossTheISOYear() {
        // 2026 has 53 ISO weeks; the trend of 2027-W02 runs 2026-W48 … 2027-W02.
        let report = ViralReport(period: ReportPeriod.week(year: 2027, week: 2, timeZone: Self.utc)!)
        #expect(
            report.trendWeeks.map(\.label) == [
                "2026-W48", "2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53",
                "2027-W01", "2027-W02",
            ])
        // A month ends with the ISO week that holds its last day: November 2026 ends on Monday 30 Nov (W49).
        let month = ViralReport(period: ReportPeriod.month(year: 2026, month: 11, timeZone: Self.utc))
        #expect(month.trendWeeks.last?.label == "2026-W49")
        #expect(month.trendWeeks.count == 8)
        for (a, b) in zip(month.trendWeeks, month.trendWeeks.dropFirst()) { #expect(a.end == b.start) }
    }

    @Test func emailsAreReadOnlyWhenAskedFor() throws {
        let fixture = try ViralFixture("viral_emails")
        for _ in 0..<3 { try fixture.add(email: "busy@example.com", reach: ViralFixture.reach(10, 1, 1)) }
        try fixture.add(email: "quiet@example.com", reach: ViralFixture.reach(10, 2, 2))
        try fixture.add(email: "other@example.com", reach: ViralFixture.reach(10, 2, 5))
        try fixture.add(email: nil, reach: ViralFixture.reach(10, 2, 2))
        #expect(try ViralReport(period: Self.week47).readout(on: fixture.connection).topUsers == nil)
        #expect(!fixture.connection.statementsRun.contains { $0.name == "viral_top_users" })

        let shown = try ViralReport(period: Self.week47, showsEmails: true, topUserLimit: 2).readout(on: fixture.connection)
        // Most actions first; ties by conversions; the e-mail-less row is nobody.
        #expect(shown.topUsers?.map(\.email) == ["busy@example.com", "other@example.com"])
        #expect(shown.topUsers?.map(\.actions) == [3, 1])
        #expect(shown.topUsers?.map(\.conversions) == [3, 5])
    }

    @Test func aMonthAndItsPreviousMonthAreCountedOverTheirOwnDaysBesideTheTrendWeeks() throws {
        let fixture = try ViralFixture("viral_month")
        // November 2026 ends on Monday 30 Nov, so its trend is W42 (12 Oct) … W49 (30 Nov – 6 Dec);
        // October begins before the trend. Hours are offsets from Monday 16 Nov (W47).
        let reach = ViralFixture.reach(10, 2, 1)
        try fixture.add(email: "a@example.com", reach: reach, hours: -24 * 45) // 2 Oct: October, before the trend
        try fixture.add(email: "a@example.com", action: "review", reach: reach, hours: -24 * 30) // 17 Oct: October and W42
        try fixture.add(email: "b@example.com", reach: reach, hours: -24 * 30) // 17 Oct
        try fixture.add(email: "a@example.com", reach: reach, hours: -24 * 15 + 1) // 1 Nov 01:00: November and W44
        try fixture.add(email: "a@example.com", reach: ViralFixture.reach(20, 4, 3), hours: 24) // 17 Nov: W47
        try fixture.add(email: "c@example.com", reach: #"{"impressions": "5"}"#, hours: 24 * 14 + 1) // 30 Nov 01:00: November and W49
        try fixture.add(email: "d@example.com", reach: reach, hours: 24 * 15) // 1 Dec: W49, not November
        try fixture.add(email: "e@example.com", reach: reach, hours: -24 * 46) // 1 Oct 00:00: October's first instant
        try fixture.add(email: "f@example.com", reach: reach, hours: -24 * 46 - 1) // 30 Sep 23:00: neither month

        let period = ReportPeriod.month(year: 2026, month: 11, timeZone: Self.utc)
        let readout = try ViralReport(period: period).readout(on: fixture.connection)
        #expect(readout.previousPeriod.label == "2026-10")

        // November: a (twice), c; users distinct over the month, not added up from weeks.
        #expect(readout.current.total == ViralTally(actions: 3, users: 2, impressions: 30, clicks: 6, conversions: 4))
        #expect(readout.current.quality.rowsRead == 3)
        #expect(readout.current.quality.impressions.string == 1 && readout.current.quality.conversions.missing == 1)
        #expect(readout.current.groups.map(\.actionType) == ["referral"])
        // October: a (referral, review), b, e.
        #expect(readout.previous.total == ViralTally(actions: 4, users: 3, impressions: 40, clicks: 8, conversions: 4))
        #expect(readout.previous.quality.rowsRead == 4)
        #expect(readout.previous.groups.map(\.actionType) == ["referral", "review"])
        #expect(readout.previous.groups.map(\.tally.users) == [3, 1])

        #expect(readout.trend.map(\.label) == (42...49).map { "2026-W\($0)" })
        #expect(readout.trend.map(\.tally.actions) == [2, 0, 1, 0, 0, 1, 0, 2])
        #expect(readout.trend.map(\.tally.users) == [2, 0, 1, 0, 0, 1, 0, 2])
        #expect(readout.trend[5].tally.conversions == 3)
    }

    @Test func aRangeOfDaysThatIsATrendWeekReadsAsThatWeek() throws {
        let fixture = try ViralFixture("viral_days")
        try fixture.add(email: "a@example.com", reach: ViralFixture.reach(10, 2, 1), hours: 24)
        try fixture.add(email: "b@example.com", reach: ViralFixture.reach(10, 2, 1), hours: -24)
        try fixture.add(email: "b@example.com", reach: ViralFixture.reach(10, 2, 1), hours: -48)
        let utc = Self.utc
        let week = ReportPeriod(
            kind: .days, first: ReportPeriod.localDate(of: Self.week47.start, in: utc),
            last: ReportPeriod.localDate(of: Self.week47.end, in: utc).adding(days: -1), timeZone: utc)
        // Monday to Sunday: the same week as --week, but from the days; and a range of three days.
        let days = ReportPeriod(kind: .days, first: week.first.adding(days: -1), last: week.first.adding(days: 1), timeZone: utc)
        let weekly = try ViralReport(period: week).readout(on: fixture.connection)
        let byDays = try ViralReport(period: days).readout(on: fixture.connection)
        #expect(weekly.current.total == ViralTally(actions: 1, users: 1, impressions: 10, clicks: 2, conversions: 1))
        #expect(weekly.previous.total == ViralTally(actions: 2, users: 1, impressions: 20, clicks: 4, conversions: 2))
        #expect(weekly.trend.last?.tally == weekly.current.total)
        // 15 to 17 Nov: b's row on 15 Nov and a's; the three days before hold b's row of 14 Nov.
        #expect(byDays.current.total == ViralTally(actions: 2, users: 2, impressions: 20, clicks: 4, conversions: 2))
        #expect(byDays.previous.total == ViralTally(actions: 1, users: 1, impressions: 10, clicks: 2, conversions: 1))
    }

    @Test func theReportUsesTheCreatedAtIndex() throws {
        let fixture = try ViralFixture("viral_plan")
        // Enough rows over a long history that a sequential scan would not be chosen for one week.
        try fixture.connection.execute(
            named: "fixture_history",
            """
            INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
            SELECT 'u' || (g % 500) || '@example.com', 'referral', 'linkedin', '{"impressions": 1, "clicks": 1, "conversions": 0}',
                   timestamptz '2024-01-01 00:00+00' + g * interval '10 minutes'
            FROM generate_series(1, 150000) AS g
            """)
        try fixture.connection.execute(named: "fixture_analyze", "ANALYZE viral_metrics")
        let report = ViralReport(period: Self.week47)
        _ = try report.readout(on: fixture.connection)
        // The week and the week before are trend weeks: the tallies read the 8 weeks, the groups
        // and data quality the two periods.
        let weeks = report.trendWeeks.flatMap { [PostgresValue.timestamp($0.start), .timestamp($0.end)] }
        let periods = [Self.week47, Self.week47.previous].flatMap { [PostgresValue.timestamp($0.start), .timestamp($0.end)] }
        let reportStatements = fixture.connection.statementsRun.filter { ["viral_trend", "viral_breakdown", "viral_quality"].contains($0.name) }
        #expect(reportStatements.map(\.name) == ["viral_trend", "viral_breakdown", "viral_quality"])
        for (name, sql) in reportStatements {
            let parameters = name == "viral_trend" ? weeks : periods
            let plan = try fixture.connection.query(named: "explain_\(name)", "EXPLAIN " + sql, parameters: parameters)
                .map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            #expect(plan.contains("viral_metrics_created_at_idx"), "\(name):\n\(plan)")
            #expect(!plan.contains("Seq Scan"), "\(name):\n\(plan)")
        }
    }
}
