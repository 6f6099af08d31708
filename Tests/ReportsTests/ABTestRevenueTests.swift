import Database
import Foundation
import Reports
import Statistics
import TestSupport
import Testing

/// Revenue per user, its cap and CUPED, and guardrails, counted in PostgreSQL from hand-built
/// rows whose answers are worked out here (SPEC §4.3.1).
@Suite struct ABTestRevenueTests {
    static let period = ABTestCountsTests.period

    func report(_ counting: ABTestCountingOptions = .init(), settings: ABTestSettings = .init()) -> ABTestReport {
        ABTestReport(period: Self.period, counting: counting, settings: settings, isLive: false, asOf: ABTestFixture.periodEnd)
    }

    /// One `conversion_events` row, `hours` after the period's start.
    func event(_ fixture: ABTestFixture, _ email: String, _ revenue: String, at hours: Double, type: String = "purchase") throws {
        try fixture.connection.execute(
            named: "fixture_event",
            "INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at) VALUES ($1, $2, $3::numeric, $4)",
            parameters: [
                .text(email), .text(type), .text(revenue), .timestamp(ABTestFixture.periodStart.addingTimeInterval(hours * 3600)),
            ])
    }

    /// Four users a side, assigned 24 h into the week. Control: c1 buys 10.00 and 5.50 after
    /// assignment (15.50); c2 bought 20.00 before it (pre-period) and 7.25 after; c3, c4
    /// nothing. Treatment b: b1 30.00, b2 12.00, b3 a refund row of 9.99, b4 100.00 after the
    /// readout's end. x1 is in both variants with revenue, left out.
    func revenueFixture(_ label: String) throws -> ABTestFixture {
        let fixture = try ABTestFixture(label)
        try fixture.add(test: "rev", variant: "control", users: 4, converting: 0, prefix: "c")
        try fixture.add(test: "rev", variant: "b", users: 4, converting: 0, prefix: "b")
        try fixture.connection.execute(
            named: "fixture_twice",
            """
            INSERT INTO ab_test_assignments (user_email, test_name, variant, created_at)
            VALUES ('x1@example.com', 'rev', 'control', $1), ('x1@example.com', 'rev', 'b', $1)
            """, parameters: [.timestamp(ABTestFixture.periodStart.addingTimeInterval(24 * 3600))])
        try event(fixture, "c1@example.com", "10.00", at: 30)
        try event(fixture, "c1@example.com", "5.50", at: 40)
        try event(fixture, "c2@example.com", "20.00", at: 20)
        try event(fixture, "c2@example.com", "7.25", at: 50)
        try event(fixture, "b1@example.com", "30.00", at: 30)
        try event(fixture, "b2@example.com", "12.00", at: 30)
        try event(fixture, "b3@example.com", "9.99", at: 30, type: "refund")
        try event(fixture, "b4@example.com", "100.00", at: 7 * 24 + 1)
        try event(fixture, "x1@example.com", "500.00", at: 30)
        return fixture
    }

    @Test func revenuePerUserCountsZerosAndExcludesRevenueBeforeAssignmentOrAfterTheEnd() throws {
        let fixture = try revenueFixture("ab_revenue")
        let counting = ABTestCountingOptions(revenue: ABTestRevenueOptions(event: "purchase", cuped: false))
        let readout = try report(counting).readout(on: fixture.connection)
        let revenue = try #require(readout.tests[0].revenue)
        #expect(revenue.variants.map(\.name) == ["control", "b"])
        #expect(revenue.variants.map(\.users) == [4, 4])
        #expect(revenue.variants.map(\.revenue) == [Decimal(string: "22.75")!, Decimal(string: "42.00")!])
        // Control [15.5, 7.25, 0, 0]: mean 5.6875, variance 54.473958…; b [30, 12, 0, 0]: 10.5, 201.
        #expect(isClose(revenue.control.mean!, 5.6875))
        #expect(isClose(revenue.control.standardDeviation!, 54.473958333333336.squareRoot()))
        let b = revenue.variants[1]
        #expect(isClose(b.mean!, 10.5))
        #expect(isClose(b.standardDeviation!, 201.0.squareRoot()))
        #expect(isClose(b.upliftAbsolute!, 4.8125))
        #expect(isClose(b.upliftRelative!, 10.5 / 5.6875 - 1))
        // scipy.stats.ttest_ind([30, 12, 0, 0], [15.5, 7.25, 0, 0], equal_var=False).pvalue
        #expect(isClose(b.pValue!, 0.5760032969037475))
        #expect(b.pValueAdjusted == b.pValue)
        #expect(b.isSignificant == false)
        #expect(revenue.adjustment == .off)
    }

    @Test func theCapIsThePooledPercentileOfNonZeroValues() throws {
        let fixture = try revenueFixture("ab_revenue_cap")
        let counting = ABTestCountingOptions(revenue: ABTestRevenueOptions(event: "purchase", cap: 0.5, cuped: false))
        let revenue = try #require(try report(counting).readout(on: fixture.connection).tests[0].revenue)
        // Non-zero values pooled: 7.25, 12, 15.5, 30; percentile_disc(0.5) = 12.
        #expect(revenue.cap == Decimal(12))
        #expect(revenue.variants.map(\.revenue) == [Decimal(string: "19.25")!, Decimal(24)])
        #expect(isClose(revenue.control.mean!, 4.8125))
        #expect(isClose(revenue.variants[1].mean!, 6))
        // scipy ttest_ind([12, 12, 0, 0], [12, 7.25, 0, 0], equal_var=False)
        #expect(isClose(revenue.variants[1].pValue!, 0.8028525398150727))
    }

    @Test func anyEventAndTheConversionWindow() throws {
        let fixture = try revenueFixture("ab_revenue_window")
        let any = try #require(
            try report(.init(revenue: .init(cuped: false))).readout(on: fixture.connection).tests[0].revenue)
        // The refund row counts with every event type.
        #expect(any.variants[1].revenue == Decimal(string: "51.99")!)
        // A 10-hour window after the first assignment (24 h): c1's 5.50 at 40 h and c2's 7.25 at 50 h fall out.
        let windowed = try #require(
            try report(.init(conversionWindowSeconds: 10 * 3600, revenue: .init(event: "purchase", cuped: false)))
                .readout(on: fixture.connection).tests[0].revenue)
        #expect(windowed.variants.map(\.revenue) == [Decimal(10), Decimal(42)])
    }

    @Test func cupedAdjustsWithPrePeriodRevenueAndDividesByTheUnadjustedControlMean() throws {
        let fixture = try revenueFixture("ab_revenue_cuped")
        let revenue = try #require(
            try report(.init(revenue: .init(event: "purchase", cuped: true))).readout(on: fixture.connection).tests[0].revenue)
        // X = [0, 20, 0, 0 | 0, 0, 0, 0]; numpy: θ = cov(x, y)/var(x) = −0.048214285714…,
        // adjusted means 5.808035714… and 10.379464285…, variance reduction 0.0010010752…
        #expect(isClose(try #require(revenue.theta), -0.04821428571428571))
        #expect(isClose(try #require(revenue.varianceReduction), 0.001001075228949766))
        let b = revenue.variants[1]
        #expect(isClose(b.upliftAbsolute!, 10.379464285714285 - 5.8080357142857135))
        #expect(isClose(b.upliftRelative!, (10.379464285714285 - 5.8080357142857135) / 5.6875))
        // Revenue per user stays the raw mean.
        #expect(isClose(revenue.control.mean!, 5.6875))
        #expect(revenue.control.usersWithPrePeriodRevenue == 1)
        #expect(revenue.variants[1].prePeriodPValue != nil)
    }

    @Test func aHarmfulGuardrailBlocksAWinner() throws {
        let fixture = try ABTestFixture("ab_guardrail")
        try fixture.add(test: "g", variant: "control", users: 400, converting: 40, prefix: "c")
        try fixture.add(test: "g", variant: "b", users: 400, converting: 80, prefix: "b")
        for index in 1...4 { try event(fixture, "c\(index)@example.com", "0", at: 30, type: "refund") }
        for index in 1...30 { try event(fixture, "b\(index)@example.com", "0", at: 30, type: "refund") }
        // A refund before the assignment does not count.
        try event(fixture, "c100@example.com", "0", at: 2, type: "refund")
        let plain = try report().readout(on: fixture.connection).tests[0]
        #expect(plain.verdict == .ship(variant: "b"))
        let guarded = try report(.init(guardrails: ["refund", "unsubscribe", "refund"])).readout(on: fixture.connection)
        let test = guarded.tests[0]
        #expect(guarded.guardrailEvents == ["refund", "unsubscribe"])
        #expect(test.guardrails.map(\.event) == ["refund", "refund", "unsubscribe", "unsubscribe"])
        let refund = test.guardrails[1]
        #expect(test.guardrails[0].converted == 4)
        #expect(refund.converted == 30 && refund.users == 400)
        #expect(isClose(refund.rate!, 0.075))
        // statsmodels proportions_ztest([30, 4], [400, 400], alternative="larger")
        #expect(isClose(refund.pValueHarm!, ZTestReference.refundLarger, relative: 1e-9))
        #expect(refund.isHarmful == true)
        #expect(test.guardrails[3].pValueHarm == 1 && test.guardrails[3].isHarmful == false)
        #expect(test.verdict == .guardrailWorse(event: "refund"))
        #expect(test.verdict.text == "do not ship: guardrail refund is worse")
    }

    @Test func cupedIsOnByDefaultOnlyWhenRevenueIsTheMetric() throws {
        let fixture = try revenueFixture("ab_revenue_cuped_default")
        let conversion = try #require(try report(.init(revenue: .init(event: "purchase"))).readout(on: fixture.connection).tests[0].revenue)
        #expect(conversion.adjustment == .off)
        let revenue = try #require(
            try report(.init(revenue: .init(event: "purchase")), settings: ABTestSettings(metric: .revenue))
                .readout(on: fixture.connection).tests[0].revenue)
        #expect(revenue.theta != nil)
    }

    @Test func revenueAsTheMetricDecidesTheVerdict() throws {
        let fixture = try ABTestFixture("ab_revenue_metric")
        try fixture.add(test: "m", variant: "control", users: 300, converting: 30, prefix: "c")
        try fixture.add(test: "m", variant: "b", users: 300, converting: 30, prefix: "b")
        for index in 1...150 {
            try event(fixture, "c\(index)@example.com", "10.00", at: 30)
            try event(fixture, "b\(index)@example.com", "20.00", at: 30)
        }
        let settings = ABTestSettings(metric: .revenue)
        let test = try report(settings: settings).readout(on: fixture.connection).tests[0]
        #expect(test.variants[1].isSignificant == false)
        #expect(test.revenue?.variants[1].isSignificant == true)
        #expect(test.verdict == .ship(variant: "b"))
    }
}

/// Reference values from statsmodels for the hand-built guardrail.
enum ZTestReference {
    /// proportions_ztest([30, 4], [400, 400], alternative="larger")[1]
    static let refundLarger = 2.596354395214821e-06
}

func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1e-300)
}
