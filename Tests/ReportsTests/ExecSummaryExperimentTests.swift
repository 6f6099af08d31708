import Foundation
import Reports
import Testing

/// The executive summary's experiments row shows the variant its verdict names.
@Suite struct ExecSummaryExperimentTests {
    static func experiments(_ variants: [(String, Int, Int)]) throws -> [ExecSummaryReadout.Experiment] {
        let period = ReportPeriod.week(year: 2026, week: 47, timeZone: TimeZone(identifier: "UTC")!)!
        let nothing = ViralPeriodCounts(groups: [], total: ViralTally(), quality: ViralDataQuality())
        let readout = ExecSummaryReadout(
            period: period, asOf: period.end,
            partners: PartnerROIResults(period: period, previousPeriod: period.previous, lines: []),
            viral: ViralReadout(
                period: period, previousPeriod: period.previous, current: nothing, previous: nothing,
                trend: [], topUsers: nil),
            experiments: try ABTestReadout(counts: abTestCounts(variants), settings: ABTestSettings()),
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
}
