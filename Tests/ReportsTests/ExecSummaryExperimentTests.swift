import Foundation
import Reports
import Testing

/// The executive summary's experiments row shows the variant its verdict names.
@Suite struct ExecSummaryExperimentTests {
    static func experiments(
        _ variants: [(String, Int, Int)], guardrails: ABTestGuardrailCounts? = nil, revenue: ABTestRevenueCounts? = nil
    ) throws -> [ExecSummaryReadout.Experiment] {
        let period = ReportPeriod.week(year: 2026, week: 47, timeZone: TimeZone(identifier: "UTC")!)!
        let nothing = ViralPeriodCounts(groups: [], total: ViralTally(), quality: ViralDataQuality())
        let readout = ExecSummaryReadout(
            period: period, asOf: period.end,
            partners: PartnerROIResults(period: period, previousPeriod: period.previous, lines: []),
            viral: ViralReadout(
                period: period, previousPeriod: period.previous, current: nothing, previous: nothing,
                trend: [], topUsers: nil),
            experiments: try ABTestReadout(
                counts: abTestCounts(variants), settings: ABTestSettings(), revenue: revenue, guardrails: guardrails,
                guardrailEvents: guardrails == nil ? [] : ["refund"]),
            realTimeMetrics: [], topPartnerCount: 5)
        return readout.notableExperiments
    }

    @Test func theShippedVariantsNumbersAreShownNotTheLargestRelativeChange() throws {
        // A is significantly worse (−60 %), B significantly better (+40 %): the verdict ships B.
        let row = try #require(try Self.experiments([("control", 1000, 100), ("A", 1000, 40), ("B", 1000, 140)]).first)
        let b = try abTestResult([("control", 1000, 100), ("A", 1000, 40), ("B", 1000, 140)]).variants[2]
        #expect(row.verdict == "ship B" && row.isSignificant)
        #expect(row.upliftRelative == b.upliftRelative && row.pValue == b.pValueAdjusted)
    }

    @Test func aControlThatConvertedNobodyShowsNoRelativeUpliftButTheWinnersP() throws {
        let variants = [("control", 1000, 0), ("A", 1000, 30), ("B", 1000, 60)]
        let row = try #require(try Self.experiments(variants).first)
        let b = try abTestResult(variants).variants[2]
        #expect(row.verdict == "ship B")
        #expect(row.upliftRelative == nil)
        #expect(row.pValue == b.pValueAdjusted)
    }

    @Test func testsAtZeroInEveryArmAreNotNotable() throws {
        #expect(try Self.experiments([("control", 500, 0), ("B", 500, 0), ("C", 500, 0)]).isEmpty)
    }

    @Test func aWinnerThatBreaksAGuardrailIsNeverShownAsAWinner() throws {
        let variants = [("control", 1000, 100), ("B", 1000, 140)]
        let guardrails = ABTestGuardrailCounts(rows: [
            .init(test: "checkout", variant: "control", event: "refund", users: 1000, converted: 10),
            .init(test: "checkout", variant: "B", event: "refund", users: 1000, converted: 40),
        ])
        let row = try #require(try Self.experiments(variants, guardrails: guardrails).first)
        #expect(row.verdict == "do not ship: guardrail refund is worse")
        #expect(!row.isSignificant && row.upliftRelative == nil && row.pValue == nil)
        #expect(row.worseGuardrails == ["refund"] && row.health.contains("guardrail worse: refund"))
        // A guardrail that holds leaves the winner a winner, with its revenue change beside it.
        let holding = ABTestGuardrailCounts(rows: [
            .init(test: "checkout", variant: "control", event: "refund", users: 1000, converted: 10),
            .init(test: "checkout", variant: "B", event: "refund", users: 1000, converted: 9),
        ])
        let revenue = ABTestRevenueCounts(tests: [
            .init(
                name: "checkout",
                variants: [
                    .init(name: "control", users: 1000, revenue: 10_000, meanY: 10, varianceY: 400),
                    .init(name: "B", users: 1000, revenue: 12_000, meanY: 12, varianceY: 420),
                ])
        ])
        let winner = try #require(try Self.experiments(variants, guardrails: holding, revenue: revenue).first)
        #expect(winner.verdict == "ship B" && winner.isSignificant)
        #expect(abs(winner.revenuePerUserRelative! - 0.2) < 1e-12)
    }
}
