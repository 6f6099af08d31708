import Database
import Foundation
import Reports
import TestSupport
import Testing

/// Counting in PostgreSQL against hand-built rows whose answers are known.
@Suite struct ABTestCountsTests {
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: TimeZone(identifier: "UTC")!)!

    func report(
        _ counting: ABTestCountingOptions = .init(), settings: ABTestSettings = .init(), live: Bool = false,
        asOf: Date = ABTestFixture.periodEnd
    ) -> ABTestReport {
        ABTestReport(period: Self.period, counting: counting, settings: settings, isLive: live, asOf: asOf)
    }

    @Test func periodBoundsAreTheISOWeekInUTC() {
        #expect(Self.period.start == ABTestFixture.periodStart)
        #expect(Self.period.end == ABTestFixture.periodEnd)
        #expect(Self.period.label == "2026-W47")
    }

    @Test func twoVariantsCountedExactly() throws {
        let fixture = try ABTestFixture("ab_two")
        try fixture.add(test: "checkout", variant: "control", users: 1000, converting: 100, prefix: "c")
        try fixture.add(test: "checkout", variant: "green", users: 1000, converting: 130, prefix: "g")
        let readout = try report().readout(on: fixture.connection)
        #expect(readout.tests.count == 1)
        let test = readout.tests[0]
        #expect(test.variants.map(\.name) == ["control", "green"])
        #expect(test.variants.map(\.users) == [1000, 1000])
        #expect(test.variants.map(\.conversions) == [100, 130])
        #expect(test.variants[1].testUsed == "z-test")
        #expect(test.omnibusPValue == nil)
        #expect(!test.isSRMFlagged)
        // 10 % vs 13 %: z = 2.1027, p = 0.0354885 (statsmodels proportions_ztest) < 0.05 with one comparison.
        #expect(abs(test.variants[1].pValue! - 0.035488450466) < 1e-9)
        #expect(test.verdict == .ship(variant: "green"))
    }

    @Test func threeVariantsGetAnOmnibusTestAndHolm() throws {
        let fixture = try ABTestFixture("ab_three")
        try fixture.add(test: "pricing", variant: "control", users: 500, converting: 50, prefix: "c")
        try fixture.add(test: "pricing", variant: "b", users: 500, converting: 55, prefix: "b")
        try fixture.add(test: "pricing", variant: "a", users: 500, converting: 45, prefix: "a")
        let test = try report().readout(on: fixture.connection).tests[0]
        #expect(test.variants.map(\.name) == ["control", "a", "b"])
        #expect(test.omnibusPValue != nil)
        let raw = test.treatments.map { $0.pValue! }
        let adjusted = test.treatments.map { $0.pValueAdjusted! }
        #expect(adjusted[0] >= raw[0] && adjusted[1] >= raw[1])
        #expect(test.verdict != .ship(variant: "b"))
    }

    @Test func smallCountsUseFisher() throws {
        let fixture = try ABTestFixture("ab_fisher")
        try fixture.add(test: "tiny", variant: "control", users: 18, converting: 0, prefix: "c")
        try fixture.add(test: "tiny", variant: "b", users: 20, converting: 5, prefix: "b")
        let variant = try report().readout(on: fixture.connection).tests[0].variants[1]
        #expect(variant.testUsed == "fisher")
        #expect(variant.upliftRelative == nil) // p_c = 0
    }

    @Test func sampleRatioMismatchIsFlaggedAndNeverAWinner() throws {
        let fixture = try ABTestFixture("ab_srm")
        try fixture.add(test: "split", variant: "control", users: 6000, converting: 600, prefix: "c")
        try fixture.add(test: "split", variant: "b", users: 4000, converting: 800, prefix: "b")
        let test = try report().readout(on: fixture.connection).tests[0]
        #expect(test.isSRMFlagged)
        #expect(test.variants[1].isSignificant == true)
        #expect(test.verdict == .sampleRatioMismatch)
    }

    @Test func multipleExposuresNullsAndLateConversionsAreExcludedAndCounted() throws {
        let fixture = try ABTestFixture("ab_dirty")
        try fixture.add(test: "t", variant: "control", users: 100, converting: 10, prefix: "c")
        try fixture.add(test: "t", variant: "b", users: 100, converting: 10, prefix: "b")
        // Users c1…c5 also saw b: five multiple exposures, out of every count.
        try fixture.add(test: "t", variant: "b", users: 5, converting: 5, prefix: "c")
        // Repeated rows of the same user in the same variant are one user.
        try fixture.add(test: "t", variant: "b", users: 20, converting: 0, prefix: "b", assignedAt: 30)
        // Null e-mails and a null variant: excluded rows.
        try fixture.add(test: "t", variant: "control", users: 7, converting: 3, prefix: "x", email: false)
        try fixture.add(test: "t", variant: nil, users: 2, converting: 0, prefix: "nv")
        // Converted after the period: a user, not a conversion.
        try fixture.add(test: "t", variant: "b", users: 4, converting: 4, prefix: "late", assignedAt: 150, convertedAfter: 48)
        // Assigned after the period: not counted at all.
        try fixture.add(test: "t", variant: "control", users: 9, converting: 9, prefix: "after", assignedAt: 200)
        // No test name: data quality only.
        try fixture.add(test: nil, variant: "control", users: 3, converting: 0, prefix: "nt")
        let readout = try report().readout(on: fixture.connection)
        let test = readout.tests[0]
        #expect(test.multipleExposures == 5)
        #expect(test.variants.map(\.users) == [95, 104])
        #expect(test.variants.map(\.conversions) == [5, 10])
        #expect(test.excludedRows == 9)
        #expect(test.lateConversions == 4)
        #expect(readout.rowsWithoutTest == 3)
        #expect(!test.hasExposureWarning == false) // 5 / 204 > 1 %
    }

    @Test func eventAndConversionWindowNarrowWhatCounts() throws {
        let fixture = try ABTestFixture("ab_window")
        try fixture.add(test: "w", variant: "control", users: 50, converting: 20, prefix: "c", convertedAfter: 2, event: "signup")
        try fixture.add(test: "w", variant: "b", users: 50, converting: 10, prefix: "b", convertedAfter: 2)
        try fixture.add(test: "w", variant: "b", users: 10, converting: 10, prefix: "slow", assignedAt: -48, convertedAfter: 8 * 24)
        let any = try report().readout(on: fixture.connection).tests[0]
        #expect(any.variants.map(\.conversions) == [20, 20])
        let purchases = try report(.init(event: "purchase")).readout(on: fixture.connection).tests[0]
        #expect(purchases.variants.map(\.conversions) == [0, 20])
        let windowed = try report(.init(conversionWindowSeconds: 7 * 86_400)).readout(on: fixture.connection).tests[0]
        #expect(windowed.variants.map(\.conversions) == [20, 10])
    }

    @Test func endedTestsAreLeftOutUnlessNamed() throws {
        let fixture = try ABTestFixture("ab_scope")
        try fixture.add(test: "old", variant: "control", users: 10, converting: 1, prefix: "oc", assignedAt: -24 * 20)
        try fixture.add(test: "old", variant: "b", users: 10, converting: 2, prefix: "ob", assignedAt: -24 * 20)
        try fixture.add(test: "running", variant: "control", users: 10, converting: 1, prefix: "rc", assignedAt: -24 * 20)
        try fixture.add(test: "running", variant: "b", users: 10, converting: 1, prefix: "rb", assignedAt: 10)
        let readout = try report().readout(on: fixture.connection)
        #expect(readout.tests.map(\.name) == ["running"])
        #expect(readout.tests[0].variants.map(\.users) == [10, 10]) // cumulative from its first assignment
        let named = try report(.init(test: "old")).readout(on: fixture.connection)
        #expect(named.tests.map(\.name) == ["old"])
        #expect {
            try report(.init(test: "nope")).readout(on: fixture.connection)
        } throws: { error in
            error as? ABTestError == .unknownTest("nope", existing: ["old", "running"])
        }
    }

    @Test func liveReadoutEndsAtTheAsOfTime() throws {
        let fixture = try ABTestFixture("ab_live")
        try fixture.add(test: "l", variant: "control", users: 10, converting: 0, prefix: "c", assignedAt: 10)
        try fixture.add(test: "l", variant: "b", users: 10, converting: 0, prefix: "b", assignedAt: 10)
        try fixture.add(test: "l", variant: "b", users: 5, converting: 0, prefix: "later", assignedAt: 100)
        let asOf = ABTestFixture.periodStart.addingTimeInterval(50 * 3600)
        let live = try report(live: true, asOf: asOf).readout(on: fixture.connection)
        #expect(live.tests[0].variants.map(\.users) == [10, 10])
    }

    @Test func clearErrorsForControlAndVariants() throws {
        let fixture = try ABTestFixture("ab_errors")
        try fixture.add(test: "nocontrol", variant: "a", users: 10, converting: 1, prefix: "a")
        try fixture.add(test: "nocontrol", variant: "b", users: 10, converting: 1, prefix: "b")
        #expect { try report().readout(on: fixture.connection) } throws: { "\($0)".contains("--control") }
        let named = try report(settings: ABTestSettings(control: "a")).readout(on: fixture.connection)
        #expect(named.tests[0].control.name == "a")
        try fixture.add(test: "single", variant: "control", users: 10, converting: 1, prefix: "s")
        #expect {
            try report(.init(test: "single")).readout(on: fixture.connection)
        } throws: { "\($0)".contains("only one variant") }
        #expect {
            try report(.init(test: "nocontrol"), settings: ABTestSettings(control: "a", weights: .named(["a": 50, "x": 50])))
                .readout(on: fixture.connection)
        } throws: { "\($0)".contains("--weights") }
    }

    @Test func noAssignmentsInThePeriodIsAnError() throws {
        let fixture = try ABTestFixture("ab_empty")
        #expect { try report().readout(on: fixture.connection) } throws: { ($0 as? ABTestError) == .noAssignments(period: Self.period.humanLabel) }
    }
}
