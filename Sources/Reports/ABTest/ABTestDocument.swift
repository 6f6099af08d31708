import Foundation
import Rendering
import Statistics

/// Turns a readout into the neutral document the renderers write (SPEC §4.3 columns).
public enum ABTestDocument {
    public static func make(_ readout: ABTestReadout, context: ReportContext) -> ReportDocument {
        let variantTable = variantsTable(readout)
        var sections: [ReportSection] = []
        var offset = 0
        for test in readout.tests {
            let rows = offset..<(offset + test.variants.count)
            sections.append(section(for: test, rows: rows, readout: readout))
            offset += test.variants.count
        }
        let overview = ReportSection(id: "summary", title: "Tests at a glance", tables: [testsTable(readout), variantTable])
        return ReportDocument(
            report: "ab-test", title: "A/B test readout",
            subtitle: "Cumulative results of \(readout.tests.count == 1 ? "the test" : "the running tests"), from each test’s first assignment to \(context.readoutEndLabel).",
            periodLabel: context.period.humanLabel,
            callouts: summaryCallouts(readout),
            sections: [overview] + sections,
            dataQuality: dataQuality(readout),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    // MARK: - Tables

    static func variantsTable(_ readout: ABTestReadout) -> ReportTable {
        let comparison = { (display: ColumnDisplay) -> ColumnDisplay in
            var display = display
            display.emptyText = "—"
            return display
        }
        var columns: [ReportColumn] = [
            ReportColumn("test_name", "Test", .text),
            ReportColumn("variant", "Variant", .text),
            ReportColumn("is_control", "Control", .boolean, display: .hiddenInHTML),
            ReportColumn("users", "Users", .integer),
            ReportColumn("conversions", "Conversions", .integer),
            ReportColumn("conversion_rate", "Conversion rate", .percent(places: 2),
                         display: ColumnDisplay(intervalLowColumn: "rate_ci_low", intervalHighColumn: "rate_ci_high")),
            ReportColumn("rate_ci_low", "Rate CI low", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn("rate_ci_high", "Rate CI high", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn("uplift_abs", "Uplift", .percent(places: 2),
                         display: comparison(ColumnDisplay(
                             showsSign: true, isPercentagePoints: true, intervalLowColumn: "uplift_abs_ci_low",
                             intervalHighColumn: "uplift_abs_ci_high", emphasis: .signWhen(column: "significant")))),
            ReportColumn("uplift_abs_ci_low", "Uplift CI low", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn("uplift_abs_ci_high", "Uplift CI high", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn("uplift_rel", "Relative uplift", .percent(places: 1),
                         display: comparison(ColumnDisplay(
                             showsSign: true, intervalLowColumn: "uplift_rel_ci_low", intervalHighColumn: "uplift_rel_ci_high",
                             emphasis: .signWhen(column: "significant")))),
            ReportColumn("uplift_rel_ci_low", "Relative uplift CI low", .percent(places: 1), display: .hiddenInHTML),
            ReportColumn("uplift_rel_ci_high", "Relative uplift CI high", .percent(places: 1), display: .hiddenInHTML),
            ReportColumn("p_value", "p-value", .pValue, display: ColumnDisplay(emptyText: "—")),
            ReportColumn("test_used", "Test used", .text, display: .hiddenInHTML),
            ReportColumn("p_value_adjusted", "Adjusted p", .pValue,
                         display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")),
            ReportColumn("significant", "Significant", .boolean,
                         display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")),
            ReportColumn("chance_to_beat_control", "Chance to beat control", .percent(places: 1),
                         display: ColumnDisplay(emptyText: "—")),
            ReportColumn("expected_loss", "Expected loss", .percent(places: 3),
                         display: ColumnDisplay(isPercentagePoints: true, emptyText: "—")),
            ReportColumn("users_needed", "Users needed", .integer, display: ColumnDisplay(emptyText: "—")),
        ]
        if readout.settings.isSequential {
            columns.append(ReportColumn("p_value_sequential", "Sequential p", .pValue, display: ColumnDisplay(emptyText: "—")))
        }
        var rows: [[ReportCell]] = []
        for test in readout.tests {
            for variant in test.variants {
                var row: [ReportCell] = [
                    .text(test.name), .text(variant.name), .boolean(variant.isControl), .integer(variant.users),
                    .integer(variant.conversions), .number(variant.rate), .number(variant.rateInterval?.lower),
                    .number(variant.rateInterval?.upper),
                ]
                // The statistic, or why the formulas leave it undefined.
                func statistic(_ value: Double?, _ column: String) -> ReportCell {
                    variant.undefinedReasons[column].map { .number(value, undefinedBecause: "Undefined, because \($0.explanation).") }
                        ?? .number(value)
                }
                if variant.isControl {
                    row += Array(repeating: .empty, count: 13)
                } else {
                    row += [
                        statistic(variant.upliftAbsolute, "uplift_abs"), .number(variant.upliftAbsoluteInterval?.lower),
                        .number(variant.upliftAbsoluteInterval?.upper), statistic(variant.upliftRelative, "uplift_rel"),
                        .number(variant.upliftRelativeInterval?.lower), .number(variant.upliftRelativeInterval?.upper),
                        .number(variant.pValue), variant.testUsed.map(ReportCell.text) ?? .empty,
                        .number(variant.pValueAdjusted), variant.isSignificant.map(ReportCell.boolean) ?? .empty,
                        .number(variant.chanceToBeatControl), .number(variant.expectedLoss),
                        variant.usersNeeded.map(ReportCell.integer)
                            ?? variant.undefinedReasons["users_needed"].map { .undefined("Undefined, because \($0.explanation).") } ?? .empty,
                    ]
                }
                if readout.settings.isSequential {
                    row.append(variant.isControl ? .empty : .number(variant.pValueSequential))
                }
                rows.append(row)
            }
        }
        return ReportTable(name: "ab-test", title: "Variants", columns: columns, rows: rows, isShownInHTML: false,
                           sheetTitle: "Variants")
    }

    static func testsTable(_ readout: ABTestReadout) -> ReportTable {
        let columns = [
            ReportColumn("test_name", "Test", .text), ReportColumn("variants", "Variants", .integer),
            ReportColumn("users", "Users", .integer), ReportColumn("multiple_exposures", "Multiple exposures", .integer),
            ReportColumn("excluded_rows", "Excluded rows", .integer), ReportColumn("srm_p_value", "SRM p-value", .pValue),
            ReportColumn("srm_flag", "SRM", .boolean, display: ColumnDisplay(emphasis: .highlightWhen(column: "srm_flag"))),
            ReportColumn("omnibus_p_value", "Omnibus p-value", .pValue, display: ColumnDisplay(emptyText: "—")),
            ReportColumn("verdict", "Verdict", .text),
        ]
        let rows: [[ReportCell]] = readout.tests.map { test in
            [.text(test.name), .integer(test.variants.count), .integer(test.users), .integer(test.multipleExposures),
             .integer(test.excludedRows), .number(test.srmPValue), .boolean(test.isSRMFlagged), .number(test.omnibusPValue),
             .text(test.verdict.text)]
        }
        return ReportTable(name: "ab-test-tests", title: "Tests at a glance", columns: columns, rows: rows, sheetTitle: "Tests")
    }

    static func dataQuality(_ readout: ABTestReadout) -> ReportTable {
        let sum = { (value: (ABTestReadout.TestResult) -> Int) in readout.tests.reduce(0) { $0 + value($1) } }
        let rows: [(String, Int)] = [
            ("rows read", sum(\.rowsRead)),
            ("rows excluded: null e-mail or variant", sum(\.excludedRows)),
            ("users excluded: seen in more than one variant", sum(\.multipleExposures)),
            ("conversions at or after the readout end (not counted)", sum(\.lateConversions)),
            ("rows excluded: created_at before the year 1 (BC or minus infinite)", sum(\.undatedRows)),
            ("rows in the period with no test name (belong to no test)", readout.rowsWithoutTest),
            ("tests left out: fewer than two variants with users", readout.testsWithoutComparison.count),
        ]
        return ReportTable(
            name: "ab-test-data-quality", title: "Data quality",
            columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
            rows: rows.map { [.text($0.0), .integer($0.1)] }, sheetTitle: "Data quality")
    }

    // MARK: - Sections

    static func section(for test: ABTestReadout.TestResult, rows: Range<Int>, readout: ABTestReadout) -> ReportSection {
        let conversions = test.variants.reduce(0) { $0 + $1.conversions }
        let exposureShare = test.users + test.multipleExposures > 0
            ? Double(test.multipleExposures) / Double(test.users + test.multipleExposures) : 0
        let facts = [
            Fact("Users", .integer(test.users), format: .integer),
            Fact("Conversions", .integer(conversions), format: .integer),
            Fact("Multiple exposures", .integer(test.multipleExposures), format: .integer,
                 note: "\(VerdictSentence.percent(exposureShare, places: 1)) of users, left out"),
            Fact("SRM p-value", .number(test.srmPValue), format: .pValue,
                 note: test.isSRMFlagged ? "split differs from plan" : "split as planned"),
            Fact("Excluded rows", .integer(test.excludedRows), format: .integer),
        ]
        var callouts = [VerdictSentence.callout(for: test, settings: readout.settings)]
        if test.isSRMFlagged { callouts.insert(VerdictSentence.sampleRatioBanner(test), at: 0) }
        if test.hasExposureWarning { callouts.append(VerdictSentence.exposureBanner(test)) }
        let level = VerdictSentence.percent(1 - readout.settings.alpha, places: 0)
        let charts = [
            ReportChart(id: "rate-\(rows.lowerBound)", title: "Conversion rate by variant", kind: .interval, table: "ab-test",
                        rows: rows, categoryColumn: "variant", valueColumns: ["conversion_rate"],
                        lowColumn: "rate_ci_low", highColumn: "rate_ci_high", referenceValue: test.control.rate,
                        valueAxisTitle: "Conversion rate (\(level) interval)",
                        referenceLabel: "\(test.control.name) \(VerdictSentence.percent(test.control.rate))"),
            ReportChart(id: "uplift-\(rows.lowerBound)", title: "Uplift vs control", kind: .interval, table: "ab-test",
                        rows: rows, categoryColumn: "variant", valueColumns: ["uplift_abs"],
                        lowColumn: "uplift_abs_ci_low", highColumn: "uplift_abs_ci_high", referenceValue: 0,
                        valueAxisTitle: "Difference in conversion rate (pp)", referenceLabel: "no change"),
        ]
        let days = max(1, Int((test.lastAssignment.timeIntervalSince(test.firstAssignment) / 86_400).rounded(.up)))
        return ReportSection(
            id: "test-\(rows.lowerBound)", title: test.name,
            paragraphs: ["Running \(days) day\(days == 1 ? "" : "s") since its first assignment; \(test.variants.count) variants, control '\(test.control.name)'."],
            callouts: callouts, facts: facts, charts: charts,
            excerpts: [ReportTableExcerpt(table: "ab-test", rows: rows, title: "Per variant", hiddenColumns: ["test_name"])],
            isUntrustworthy: test.isSRMFlagged)
    }

    /// One sentence over all tests: how many to ship, not to ship, keep running, untrustworthy.
    static func summaryCallouts(_ readout: ABTestReadout) -> [Callout] {
        var ship = 0, worse = 0, running = 0, none = 0, broken = 0
        for test in readout.tests {
            switch test.verdict {
            case .ship: ship += 1
            case .doNotShip: worse += 1
            case .keepRunning: running += 1
            case .noEffect: none += 1
            case .sampleRatioMismatch: broken += 1
            }
        }
        let parts = [
            (ship, "ready to ship"), (worse, "should not ship"), (running, "need\(running == 1 ? "s" : "") more users"),
            (none, "show\(none == 1 ? "s" : "") no effect"), (broken, "cannot be trusted (sample-ratio mismatch)"),
        ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        let count = readout.tests.count
        let sentence = parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " and " + parts.last! : parts.first ?? ""
        return [Callout(broken > 0 ? .warning : .neutral, title: "\(count) test\(count == 1 ? "" : "s") in this readout",
                        text: sentence.prefix(1).uppercased() + sentence.dropFirst() + ".")]
    }
}
