import Foundation
import Rendering
import Statistics

/// Turns a readout into the neutral document the renderers write (SPEC §4.3 columns).
public enum ABTestDocument {
    public static func make(_ readout: ABTestReadout, context: ReportContext) -> ReportDocument {
        let variantTable = variantsTable(readout)
        var sections: [ReportSection] = []
        var offset = 0, revenueOffset = 0, guardrailOffset = 0, dailyOffset = 0, cupedOffset = 0
        for test in readout.tests {
            let rows = offset..<(offset + test.variants.count)
            let revenueRows = revenueOffset..<(revenueOffset + (test.revenue?.variants.count ?? 0))
            let guardrailRows = guardrailOffset..<(guardrailOffset + test.guardrails.count)
            let cupedRows = test.revenue?.theta == nil ? nil : cupedOffset..<(cupedOffset + revenueRows.count)
            sections.append(
                section(
                    for: test, rows: rows, revenueRows: revenueRows, guardrailRows: guardrailRows, cupedRows: cupedRows,
                    dailyOffset: dailyOffset, readout: readout, currency: context.currency))
            cupedOffset = cupedRows?.upperBound ?? cupedOffset
            dailyOffset += test.daily?.points.count ?? 0
            offset = rows.upperBound
            revenueOffset = revenueRows.upperBound
            guardrailOffset = guardrailRows.upperBound
        }
        let secondary = [
            ABTestRevenueDocument.revenueTable(readout, currency: context.currency), ABTestRevenueDocument.cupedTable(readout),
            ABTestRevenueDocument.guardrailTable(readout), ABTestDailyDocument.dailyTable(readout), ABTestDailyDocument.noveltyTable(readout),
        ].compactMap { $0 }
        let overview = ReportSection(
            id: "summary", title: "Tests at a glance", tables: [testsTable(readout), variantTable] + secondary)
        var reproducibility = context.reproducibility
        for test in readout.tests {
            if let cap = test.revenue?.cap { reproducibility.options.append(.init("cap_value[\(test.name)]", "\(cap)")) }
        }
        return ReportDocument(
            report: "ab-test", title: "A/B test readout",
            subtitle:
                "Cumulative results of \(readout.tests.count == 1 ? "the test" : "the running tests"), from each test’s first assignment to \(context.readoutEndLabel).",
            periodLabel: context.period.humanLabel,
            callouts: summaryCallouts(readout),
            sections: [overview] + sections,
            dataQuality: dataQuality(readout),
            reproducibility: reproducibility, timeZone: context.period.timeZone)
    }

    // MARK: - Tables

    /// One variant of one test: a row of the variants table.
    struct VariantRow {
        var test: ABTestReadout.TestResult
        var variant: ABTestReadout.VariantResult
    }

    static func variantsTable(_ readout: ABTestReadout) -> ReportTable {
        let comparison = { (display: ColumnDisplay) -> ColumnDisplay in
            var display = display
            display.emptyText = "—"
            return display
        }
        // The statistic, or why the formulas leave it undefined.
        func statistic(_ value: Double?, _ column: String, of variant: ABTestReadout.VariantResult) -> ReportCell {
            .statistic(value, undefinedBecause: variant.undefinedReasons[column])
        }
        // A control is what the others are compared with: its comparison cells are empty.
        var comparisons: [TableColumn<VariantRow>] = [
            TableColumn(
                "uplift_abs", "Uplift", .percent(places: 2),
                display: comparison(
                    ColumnDisplay(
                        showsSign: true, isPercentagePoints: true, intervalLowColumn: "uplift_abs_ci_low",
                        intervalHighColumn: "uplift_abs_ci_high", emphasis: .signWhen(column: "significant")))
            ) {
                statistic($0.variant.upliftAbsolute, "uplift_abs", of: $0.variant)
            },
            TableColumn("uplift_abs_ci_low", "Uplift CI low", .percent(places: 2), display: .hiddenInHTML) {
                .number($0.variant.upliftAbsoluteInterval?.lower)
            },
            TableColumn("uplift_abs_ci_high", "Uplift CI high", .percent(places: 2), display: .hiddenInHTML) {
                .number($0.variant.upliftAbsoluteInterval?.upper)
            },
            TableColumn(
                "uplift_rel", "Relative uplift", .percent(places: 1),
                display: comparison(
                    ColumnDisplay(
                        showsSign: true, intervalLowColumn: "uplift_rel_ci_low", intervalHighColumn: "uplift_rel_ci_high",
                        emphasis: .signWhen(column: "significant")))
            ) {
                statistic($0.variant.upliftRelative, "uplift_rel", of: $0.variant)
            },
            TableColumn("uplift_rel_ci_low", "Relative uplift CI low", .percent(places: 1), display: .hiddenInHTML) {
                .number($0.variant.upliftRelativeInterval?.lower)
            },
            TableColumn("uplift_rel_ci_high", "Relative uplift CI high", .percent(places: 1), display: .hiddenInHTML) {
                .number($0.variant.upliftRelativeInterval?.upper)
            },
            TableColumn("p_value", "p-value", .pValue, display: ColumnDisplay(emptyText: "—")) { .number($0.variant.pValue) },
            TableColumn("test_used", "Test used", .text, display: .hiddenInHTML) {
                $0.variant.testUsed.map(ReportCell.text) ?? .empty
            },
            TableColumn(
                "p_value_adjusted", "Adjusted p", .pValue,
                display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")
            ) {
                .number($0.variant.pValueAdjusted)
            },
            TableColumn(
                "significant", "Significant", .boolean,
                display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")
            ) {
                $0.variant.isSignificant.map(ReportCell.boolean) ?? .empty
            },
            TableColumn(
                "chance_to_beat_control", "Chance to beat control", .percent(places: 1),
                display: ColumnDisplay(emptyText: "—")
            ) { .number($0.variant.chanceToBeatControl) },
            TableColumn(
                "expected_loss", "Expected loss", .percent(places: 3),
                display: ColumnDisplay(isPercentagePoints: true, emptyText: "—")
            ) { .number($0.variant.expectedLoss) },
            TableColumn("users_needed", "Users needed", .integer, display: ColumnDisplay(emptyText: "—")) { row in
                row.variant.usersNeeded.map(ReportCell.integer)
                    ?? .statistic(nil, undefinedBecause: row.variant.undefinedReasons["users_needed"])
            },
        ]
        if readout.settings.isSequential {
            comparisons += [
                TableColumn("p_value_sequential", "Sequential p", .pValue, display: ColumnDisplay(emptyText: "—")) {
                    .number($0.variant.pValueSequential)
                },
                TableColumn("sequential_tau", "Sequential τ", .decimal(places: 4), display: .hiddenInHTML) {
                    .number($0.variant.sequentialTau)
                },
            ]
        }
        let columns: [TableColumn<VariantRow>] =
            [
                TableColumn("test_name", "Test", .text) { .text($0.test.name) },
                TableColumn("variant", "Variant", .text) { .text($0.variant.name) },
                TableColumn("is_control", "Control", .boolean, display: .hiddenInHTML) { .boolean($0.variant.isControl) },
                TableColumn("users", "Users", .integer) { .integer($0.variant.users) },
                TableColumn("conversions", "Conversions", .integer) { .integer($0.variant.conversions) },
                TableColumn(
                    "conversion_rate", "Conversion rate", .percent(places: 2),
                    display: ColumnDisplay(intervalLowColumn: "rate_ci_low", intervalHighColumn: "rate_ci_high")
                ) {
                    .number($0.variant.rate)
                },
                TableColumn("rate_ci_low", "Rate CI low", .percent(places: 2), display: .hiddenInHTML) { .number($0.variant.rateInterval?.lower) },
                TableColumn("rate_ci_high", "Rate CI high", .percent(places: 2), display: .hiddenInHTML) { .number($0.variant.rateInterval?.upper) },
            ] + comparisons.map { $0.empty(where: \.variant.isControl) }
        let rows = readout.tests.flatMap { test in test.variants.map { VariantRow(test: test, variant: $0) } }
        return ReportTable(
            name: "ab-test", title: "Variants", rows: rows, columns: columns, isShownInHTML: false,
            sheetTitle: "Variants")
    }

    static func testsTable(_ readout: ABTestReadout) -> ReportTable {
        ReportTable(
            name: "ab-test-tests", title: "Tests at a glance", rows: readout.tests,
            columns: [
                TableColumn("test_name", "Test", .text) { .text($0.name) },
                TableColumn("variants", "Variants", .integer) { .integer($0.variants.count) },
                TableColumn("users", "Users", .integer) { .integer($0.users) },
                TableColumn("multiple_exposures", "Multiple exposures", .integer) { .integer($0.multipleExposures) },
                TableColumn("excluded_rows", "Excluded rows", .integer) { .integer($0.excludedRows) },
                TableColumn("srm_p_value", "SRM p-value", .pValue) { .number($0.srmPValue) },
                TableColumn("srm_flag", "SRM", .boolean, display: ColumnDisplay(emphasis: .highlightWhen(column: "srm_flag"))) {
                    .boolean($0.isSRMFlagged)
                },
                TableColumn("omnibus_p_value", "Omnibus p-value", .pValue, display: ColumnDisplay(emptyText: "—")) { .number($0.omnibusPValue) },
                TableColumn("verdict", "Verdict", .text) { .text($0.verdict.text) },
            ]
                + (readout.settings.isSequential
                    ? [
                        TableColumn("srm_p_value_sequential", "Sequential SRM p", .pValue, display: ColumnDisplay(emptyText: "—")) {
                            .number($0.srmPValueSequential)
                        }
                    ] : []),
            sheetTitle: "Tests")
    }

    static func dataQuality(_ readout: ABTestReadout) -> ReportTable {
        let sum = { (value: (ABTestReadout.TestResult) -> Int) in readout.tests.reduce(0) { $0 + value($1) } }
        let rows: [(String, Int)] =
            [
                ("rows read", sum(\.rowsRead)),
                ("rows excluded: null e-mail or variant", sum(\.excludedRows)),
                ("users excluded: seen in more than one variant", sum(\.multipleExposures)),
                ("conversions at or after the readout end (not counted)", sum(\.lateConversions)),
                ("rows excluded: created_at before the year 1 (BC or minus infinite)", sum(\.undatedRows)),
                ("rows in the period with no test name (belong to no test)", readout.rowsWithoutTest),
                ("tests left out: fewer than two variants with users", readout.testsWithoutComparison.count),
            ] + (readout.revenueOmission.map { [("tests whose revenue per user is left out: \($0)", readout.tests.count)] } ?? [])
            + undefinedCounts(readout)
        return .dataQuality(name: "ab-test-data-quality", checks: rows)
    }

    /// Per statistic and reason, the variants whose value the formulas leave undefined (the
    /// cells that carry the reason as a note), in column order; none when every value is defined.
    static func undefinedCounts(_ readout: ABTestReadout) -> [(String, Int)] {
        let titles = [("uplift_abs", "uplift"), ("uplift_rel", "relative uplift"), ("users_needed", "users needed")]
        var counts: [(String, Int)] = []
        for (column, title) in titles {
            let reasons = readout.tests.flatMap(\.variants).compactMap { $0.undefinedReasons[column] }
            for reason in UndefinedReason.allCases where reasons.contains(reason) {
                counts.append(("variants without \(title): undefined, because \(reason.explanation)", reasons.filter { $0 == reason }.count))
            }
        }
        return counts
    }

    // MARK: - Sections

    static func section(
        for test: ABTestReadout.TestResult, rows: Range<Int>, revenueRows: Range<Int>, guardrailRows: Range<Int>, cupedRows: Range<Int>?,
        dailyOffset: Int, readout: ABTestReadout, currency: Currency
    ) -> ReportSection {
        let conversions = test.variants.reduce(0) { $0 + $1.conversions }
        let exposureShare =
            test.users + test.multipleExposures > 0
            ? Double(test.multipleExposures) / Double(test.users + test.multipleExposures) : 0
        let facts = [
            Fact("Users", .integer(test.users), format: .integer),
            Fact("Conversions", .integer(conversions), format: .integer),
            Fact(
                "Multiple exposures", .integer(test.multipleExposures), format: .integer,
                note: "\(VerdictSentence.percent(exposureShare, places: 1)) of users, left out"),
            Fact(
                test.srmPValueSequential == nil ? "SRM p-value" : "SRM p-value (always valid)", .number(test.srmDecisionPValue),
                format: .pValue,
                note: test.isSRMFlagged ? "split differs from plan" : "split as planned"),
            Fact("Excluded rows", .integer(test.excludedRows), format: .integer),
        ]
        let revenue = ABTestRevenueDocument.revenuePart(
            test, rows: revenueRows, cupedRows: cupedRows, settings: readout.settings, currency: currency)
        let guardrails = ABTestRevenueDocument.guardrailPart(test, rows: guardrailRows)
        var callouts = [VerdictSentence.callout(for: test, settings: readout.settings)] + guardrails.callouts
        if test.isSRMFlagged { callouts.insert(VerdictSentence.sampleRatioBanner(test), at: 0) }
        if test.hasExposureWarning { callouts.append(VerdictSentence.exposureBanner(test)) }
        callouts += revenue.callouts
        let daily = ABTestDailyDocument.part(test, offset: dailyOffset, settings: readout.settings)
        callouts += daily.callouts
        let level = VerdictSentence.percent(1 - readout.settings.alpha, places: 0)
        let charts = [
            ReportChart(
                id: "rate-\(rows.lowerBound)", title: "Conversion rate by variant", kind: .interval, table: "ab-test",
                rows: rows, categoryColumn: "variant", valueColumns: ["conversion_rate"],
                lowColumn: "rate_ci_low", highColumn: "rate_ci_high", referenceValue: test.control.rate,
                valueAxisTitle: "Conversion rate (\(level) interval)",
                referenceLabel: "\(test.control.name) \(VerdictSentence.percent(test.control.rate))"),
            ReportChart(
                id: "uplift-\(rows.lowerBound)", title: "Uplift vs control", kind: .interval, table: "ab-test",
                rows: rows, categoryColumn: "variant", valueColumns: ["uplift_abs"],
                lowColumn: "uplift_abs_ci_low", highColumn: "uplift_abs_ci_high", referenceValue: 0,
                valueAxisTitle: "Difference in conversion rate (pp)", referenceLabel: "no change"),
        ]
        let days = max(1, Int((test.lastAssignment.timeIntervalSince(test.firstAssignment) / 86_400).rounded(.up)))
        return ReportSection(
            id: "test-\(rows.lowerBound)", title: test.name,
            paragraphs: [
                "Running \(days) day\(days == 1 ? "" : "s") since its first assignment; \(test.variants.count) variants, control '\(test.control.name)'."
            ] + revenue.paragraphs,
            callouts: callouts, facts: facts, charts: charts + daily.charts + revenue.charts,
            excerpts: [ReportTableExcerpt(table: "ab-test", rows: rows, title: "Conversion per variant", hiddenColumns: ["test_name"])]
                + revenue.excerpts + guardrails.excerpts,
            isUntrustworthy: test.isSRMFlagged)
    }

    /// One sentence over all tests: how many to ship, not to ship, keep running, untrustworthy.
    static func summaryCallouts(_ readout: ABTestReadout) -> [Callout] {
        var ship = 0, worse = 0, running = 0, none = 0, broken = 0
        for test in readout.tests {
            switch test.verdict {
            case .ship: ship += 1
            case .doNotShip, .guardrailWorse: worse += 1
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
        var callouts = [
            Callout(
                broken > 0 ? .warning : .neutral, title: "\(count) test\(count == 1 ? "" : "s") in this readout",
                text: sentence.prefix(1).uppercased() + sentence.dropFirst() + ".")
        ]
        if let omission = readout.revenueOmission {
            callouts.append(
                Callout(
                    .warning, title: "Revenue per user is left out",
                    text: "Revenue per user is left out because \(omission); grant SELECT on it to see revenue beside conversion."))
        }
        return callouts
    }
}
