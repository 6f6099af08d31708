import Foundation
import Rendering
import Reports
import Statistics
import TestSupport
import Testing

/// Counts held in memory, one test, the control first: `(name, users, conversions)`.
func abTestCounts(_ variants: [(String, Int, Int)], test: String = "checkout") -> ABTestCounts {
    let start = ABTestFixture.periodStart
    return ABTestCounts(tests: [
        ABTestCounts.Test(
            name: test, variants: variants.map { ABTestCounts.Variant(name: $0.0, users: $0.1, conversions: $0.2) },
            rowsRead: variants.reduce(0) { $0 + $1.1 }, firstAssignment: start,
            lastAssignment: start.addingTimeInterval(6 * 86_400))
    ])
}

/// The readout of one test from in-memory counts (no database).
func abTestResult(_ variants: [(String, Int, Int)], settings: ABTestSettings = ABTestSettings()) throws -> ABTestReadout.TestResult {
    try #require(try ABTestReadout(counts: abTestCounts(variants), settings: settings).tests.first)
}

/// The context of a readout of 2026-W47 (UTC).
func abTestContext() -> ReportContext {
    let period = ReportPeriod.week(year: 2026, week: 47, timeZone: TimeZone(identifier: "UTC")!)!
    return ReportContext(
        period: period, asOf: period.end, readoutEnd: period.end,
        reproducibility: ReportContext.reproducibility(
            period: period, asOf: period.end, generatedAt: period.end, toolVersion: "test",
            options: [], statements: []))
}

/// Degenerate arms in the readout: the numbers the formulas give, in the correction family.
@Suite struct ABTestReadoutTests {
    @Test func bothArmsAtZeroAreComparedByFisherWithPOne() throws {
        let test = try abTestResult([("control", 500, 0), ("B", 500, 0)])
        let b = test.variants[1]
        #expect(b.pValue == 1 && b.testUsed == "fisher")
        #expect(b.pValueAdjusted == 1 && b.isSignificant == false)
        #expect(b.upliftAbsolute == 0 && b.upliftAbsoluteInterval == ConfidenceInterval(lower: 0, upper: 0))
        #expect(b.upliftRelative == nil && b.upliftRelativeInterval == nil) // p_c = 0: no baseline
        #expect(b.chanceToBeatControl == 0.5)
        #expect(b.expectedLoss != nil)
        #expect(b.usersNeeded == nil)
        #expect(test.verdict == .noEffect)
    }

    @Test func bothArmsAtFullConversionHaveAZeroRelativeUplift() throws {
        let b = try abTestResult([("control", 500, 500), ("B", 500, 500)]).variants[1]
        #expect(b.pValue == 1 && b.testUsed == "fisher" && b.isSignificant == false)
        #expect(b.upliftAbsolute == 0 && b.upliftAbsoluteInterval == ConfidenceInterval(lower: 0, upper: 0))
        #expect(b.upliftRelative == 0 && b.upliftRelativeInterval == ConfidenceInterval(lower: 0, upper: 0))
        #expect(b.chanceToBeatControl == 0.5 && b.usersNeeded == nil)
    }

    @Test func aTreatmentThatConvertedNobodyLosesAllOfTheControlsRate() throws {
        let readout = try ABTestReadout(counts: abTestCounts([("control", 1000, 37), ("B", 1000, 0)]), settings: ABTestSettings())
        let test = readout.tests[0]
        let b = test.variants[1]
        #expect(b.upliftRelative == -1 && b.upliftRelativeInterval == ConfidenceInterval(lower: -1, upper: -1))
        #expect(b.upliftAbsolute == -0.037)
        #expect(b.testUsed == "z-test" && b.isSignificant == true)
        #expect(test.verdict == .doNotShip(worse: "B"))
        // The verdict states the −100 % without a range of one point.
        let callout = try #require(ABTestDocument.make(readout, context: abTestContext()).sections[1].callouts.first)
        #expect(callout.title == "Do not ship B")
        #expect(callout.text.contains("(\u{2212}100.0\u{00A0}% relative)"))
    }

    @Test func aVariantAtZeroWithAZeroControlStaysInHolmsFamily() throws {
        // Holm over three comparisons: the degenerate one (p = 1) counts in m = 3.
        let test = try abTestResult([("control", 500, 0), ("A", 500, 0), ("B", 500, 9), ("C", 500, 12)])
        let raw = test.treatments.map { $0.pValue }
        #expect(raw.allSatisfy { $0 != nil })
        let expected = try #require(adjustedPValues(raw.map { $0! }, correction: .holm).definedValue)
        #expect(test.treatments.map(\.pValueAdjusted) == expected)
        // C: the smallest raw p times 3, not times 2.
        #expect(test.variants[3].pValueAdjusted == min(1, 3 * test.variants[3].pValue!))
    }

    @Test func theSequentialPValueAtZeroVarianceIsItsLimit() throws {
        let settings = ABTestSettings(isSequential: true)
        let equal = try abTestResult([("control", 500, 0), ("B", 500, 0)], settings: settings).variants[1]
        #expect(equal.pValueSequential == 1 && equal.pValueAdjusted == 1 && equal.isSignificant == false)
        let apart = try abTestResult([("control", 500, 0), ("B", 500, 500)], settings: settings).variants[1]
        #expect(apart.pValueSequential == 0 && apart.isSignificant == true)
    }

    @Test func anEmptyArmIsNoComparison() throws {
        // Every user of B saw another variant too: B has no users left and nothing to compare.
        let test = try abTestResult([("control", 500, 20), ("B", 0, 0), ("C", 500, 40)])
        let b = test.variants[1], c = test.variants[2]
        #expect(b.pValue == nil && b.pValueAdjusted == nil && b.upliftAbsolute == nil && b.chanceToBeatControl == nil)
        // C alone is the family.
        #expect(c.pValueAdjusted == c.pValue)
    }

    @Test func theDocumentShowsPointIntervalsAndNoNaN() throws {
        let readout = try ABTestReadout(
            counts: abTestCounts([("control", 500, 0), ("B", 500, 0), ("C", 500, 12)]), settings: ABTestSettings())
        let document = ABTestDocument.make(readout, context: abTestContext())
        let table = try #require(document.table(named: "ab-test"))
        let csv = String(decoding: CSVWriter().encode(table), as: UTF8.self)
        let b = try #require(csv.split(separator: "\r\n").first { $0.hasPrefix("checkout,B,") })
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let header = table.columns.map(\.key)
        let cell = { (key: String) in b[header.firstIndex(of: key)!] }
        // uplift_abs 0 in [0, 0]; uplift_rel empty (p_c = 0); p = 1 by Fisher; not significant; even chance.
        #expect(["uplift_abs", "uplift_abs_ci_low", "uplift_abs_ci_high"].map(cell) == ["0", "0", "0"])
        #expect(["uplift_rel", "uplift_rel_ci_low", "uplift_rel_ci_high"].map(cell) == ["", "", ""])
        #expect(["p_value", "test_used", "p_value_adjusted", "significant"].map(cell) == ["1", "fisher", "1", "false"])
        #expect(cell("chance_to_beat_control") == "0.5")
        #expect(cell("users_needed") == "") // the rates are equal

        let templates = TestDatabase.packageRoot.appendingPathComponent("Templates")
        let html = try HTMLRenderer(templates: HTMLTemplates(bundledDirectory: templates)).render(document)
        #expect(html.range(of: #"\b(nan|inf|infinity)\b"#, options: [.regularExpression, .caseInsensitive]) == nil)
        // B's uplift and its point interval, in the table and on the chart.
        #expect(html.contains("0.00 – 0.00\u{00A0}pp"))
        #expect(html.contains("B: 0.00\u{00A0}pp, interval 0.00\u{00A0}pp to 0.00\u{00A0}pp"))
    }
}
