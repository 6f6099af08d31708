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
            sections.append(section(for: test, rows: rows, readout: readout, allVariants: variantTable))
            offset += test.variants.count
        }
        let overview = ReportSection(
            id: "all-tests", title: "All tests",
            paragraphs: ["\(readout.tests.count) test\(readout.tests.count == 1 ? "" : "s") in this readout, each counted from its first assignment to \(context.readoutEndLabel)."],
            tables: [testsTable(readout), variantTable.hiddenInHTML()])
        return ReportDocument(
            report: "ab-test", title: "A/B test readout",
            subtitle: readout.tests.count == 1 ? readout.tests[0].name : nil,
            periodLabel: context.period.humanLabel,
            callouts: summaryCallouts(readout),
            sections: sections + [overview],
            dataQuality: dataQuality(readout),
            reproducibility: context.reproducibility)
    }

    // MARK: - Tables

    static func variantsTable(_ readout: ABTestReadout) -> ReportTable {
        var columns: [ReportColumn] = [
            ReportColumn("test_name", "Test", .text), ReportColumn("variant", "Variant", .text),
            ReportColumn("is_control", "Control", .boolean), ReportColumn("users", "Users", .integer),
            ReportColumn("conversions", "Conversions", .integer),
            ReportColumn("conversion_rate", "Conversion rate", .percent(places: 2)),
            ReportColumn("rate_ci_low", "Rate CI low", .percent(places: 2)),
            ReportColumn("rate_ci_high", "Rate CI high", .percent(places: 2)),
            ReportColumn("uplift_abs", "Uplift (points)", .percent(places: 2)),
            ReportColumn("uplift_abs_ci_low", "Uplift CI low", .percent(places: 2)),
            ReportColumn("uplift_abs_ci_high", "Uplift CI high", .percent(places: 2)),
            ReportColumn("uplift_rel", "Relative uplift", .percent(places: 1)),
            ReportColumn("uplift_rel_ci_low", "Relative CI low", .percent(places: 1)),
            ReportColumn("uplift_rel_ci_high", "Relative CI high", .percent(places: 1)),
            ReportColumn("p_value", "p-value", .pValue), ReportColumn("test_used", "Test used", .text),
            ReportColumn("p_value_adjusted", "Adjusted p-value", .pValue),
            ReportColumn("significant", "Significant", .boolean),
            ReportColumn("chance_to_beat_control", "Chance to beat control", .percent(places: 1)),
            ReportColumn("expected_loss", "Expected loss", .percent(places: 3)),
            ReportColumn("users_needed", "Users needed", .integer),
        ]
        if readout.settings.isSequential {
            columns.append(ReportColumn("p_value_sequential", "Sequential p-value", .pValue))
        }
        var rows: [[ReportCell]] = []
        for test in readout.tests {
            for variant in test.variants {
                var row: [ReportCell] = [
                    .text(test.name), .text(variant.name), .boolean(variant.isControl), .integer(variant.users),
                    .integer(variant.conversions), .number(variant.rate), .number(variant.rateInterval?.lower),
                    .number(variant.rateInterval?.upper),
                ]
                if variant.isControl {
                    row += Array(repeating: .empty, count: 13)
                } else {
                    row += [
                        .number(variant.upliftAbsolute), .number(variant.upliftAbsoluteInterval?.lower),
                        .number(variant.upliftAbsoluteInterval?.upper), .number(variant.upliftRelative),
                        .number(variant.upliftRelativeInterval?.lower), .number(variant.upliftRelativeInterval?.upper),
                        .number(variant.pValue), variant.testUsed.map(ReportCell.text) ?? .empty,
                        .number(variant.pValueAdjusted), variant.isSignificant.map(ReportCell.boolean) ?? .empty,
                        .number(variant.chanceToBeatControl), .number(variant.expectedLoss),
                        variant.usersNeeded.map(ReportCell.integer) ?? .empty,
                    ]
                }
                if readout.settings.isSequential {
                    row.append(variant.isControl ? .empty : .number(variant.pValueSequential))
                }
                rows.append(row)
            }
        }
        return ReportTable(name: "ab-test", title: "Variants", columns: columns, rows: rows, sheetTitle: "Variants")
    }

    static func testsTable(_ readout: ABTestReadout) -> ReportTable {
        let columns = [
            ReportColumn("test_name", "Test", .text), ReportColumn("variants", "Variants", .integer),
            ReportColumn("users", "Users", .integer), ReportColumn("multiple_exposures", "Multiple exposures", .integer),
            ReportColumn("excluded_rows", "Excluded rows", .integer), ReportColumn("srm_p_value", "SRM p-value", .pValue),
            ReportColumn("srm_flag", "SRM", .boolean), ReportColumn("omnibus_p_value", "Omnibus p-value", .pValue),
            ReportColumn("verdict", "Verdict", .text),
        ]
        let rows: [[ReportCell]] = readout.tests.map { test in
            [.text(test.name), .integer(test.variants.count), .integer(test.users), .integer(test.multipleExposures),
             .integer(test.excludedRows), .number(test.srmPValue), .boolean(test.isSRMFlagged), .number(test.omnibusPValue),
             .text(test.verdict.text)]
        }
        return ReportTable(name: "ab-test-tests", title: "Tests", columns: columns, rows: rows, sheetTitle: "Tests")
    }

    static func dataQuality(_ readout: ABTestReadout) -> ReportTable {
        let sum = { (value: (ABTestReadout.TestResult) -> Int) in readout.tests.reduce(0) { $0 + value($1) } }
        let rows: [(String, Int)] = [
            ("rows read", sum(\.rowsRead)),
            ("rows excluded: null e-mail or variant", sum(\.excludedRows)),
            ("users excluded: seen in more than one variant", sum(\.multipleExposures)),
            ("conversions at or after the readout end (not counted)", sum(\.lateConversions)),
            ("rows in the period with no test name (belong to no test)", readout.rowsWithoutTest),
        ]
        return ReportTable(
            name: "ab-test-data-quality", title: "Data quality",
            columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
            rows: rows.map { [.text($0.0), .integer($0.1)] }, sheetTitle: "Data quality")
    }

    // MARK: - Sections

    static func section(for test: ABTestReadout.TestResult, rows: Range<Int>, readout: ABTestReadout,
                        allVariants: ReportTable) -> ReportSection {
        let excerpt = ReportTable(
            name: "ab-test:\(test.name)", title: "Variants of \(test.name)", columns: allVariants.columns.filter { $0.key != "test_name" },
            rows: allVariants.rows[rows].map { Array($0.dropFirst()) }, isExported: false)
        let conversions = test.variants.reduce(0) { $0 + $1.conversions }
        let facts = [
            Fact("Users", .integer(test.users), format: .integer),
            Fact("Conversions", .integer(conversions), format: .integer),
            Fact("Variants", .integer(test.variants.count), format: .integer),
            Fact("Sample-ratio p-value", .number(test.srmPValue), format: .pValue,
                 note: test.isSRMFlagged ? "mismatch" : "split as planned"),
        ]
        var callouts = [VerdictSentence.callout(for: test, settings: readout.settings)]
        if test.isSRMFlagged { callouts.insert(VerdictSentence.sampleRatioBanner(test), at: 0) }
        if test.hasExposureWarning { callouts.append(VerdictSentence.exposureBanner(test)) }
        var charts = [
            ReportChart(id: "rate-\(rows.lowerBound)", title: "Conversion rate per variant", kind: .interval, table: "ab-test",
                        rows: rows, categoryColumn: "variant", valueColumns: ["conversion_rate"],
                        lowColumn: "rate_ci_low", highColumn: "rate_ci_high",
                        referenceValue: test.control.rate, valueAxisTitle: "Conversion rate"),
        ]
        if rows.count > 1 {
            charts.append(ReportChart(
                id: "uplift-\(rows.lowerBound)", title: "Uplift against control", kind: .interval, table: "ab-test",
                rows: (rows.lowerBound + 1)..<rows.upperBound, categoryColumn: "variant", valueColumns: ["uplift_rel"],
                lowColumn: "uplift_rel_ci_low", highColumn: "uplift_rel_ci_high", referenceValue: 0,
                valueAxisTitle: "Relative uplift"))
        }
        let days = max(1, Int((test.lastAssignment.timeIntervalSince(test.firstAssignment) / 86_400).rounded(.up)))
        return ReportSection(
            id: "test-\(rows.lowerBound)", title: test.name,
            paragraphs: ["Running \(days) day\(days == 1 ? "" : "s") since its first assignment; \(test.variants.count) variants, control '\(test.control.name)'."],
            callouts: callouts, facts: facts, tables: [excerpt], charts: charts)
    }

    static func summaryCallouts(_ readout: ABTestReadout) -> [Callout] {
        let flagged = readout.tests.filter(\.isSRMFlagged).map(\.name)
        guard !flagged.isEmpty else { return [] }
        return [Callout(.danger, title: "Sample-ratio mismatch",
                        text: "\(flagged.joined(separator: ", ")) \(flagged.count == 1 ? "has" : "have") a broken split between variants: \(flagged.count == 1 ? "its" : "their") results cannot be trusted.")]
    }
}

extension ReportTable {
    func hiddenInHTML() -> ReportTable {
        var copy = self
        copy.isShownInHTML = false
        return copy
    }
}
