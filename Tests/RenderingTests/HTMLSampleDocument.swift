import Foundation

@testable import Rendering

/// The A/B-test readout the HTML tests render, shaped as the readout builder makes it (a
/// section per test showing its rows of the `ab-test` table, display hints on the columns):
/// per-variant rows with intervals, uplifts, p-values (one as tiny as 3e-250), booleans and empty comparison cells on the control
/// rows; per-test rows; a data-quality table; interval charts; and names that try to break
/// every output (`=SUM(A1)`, `<script>alert(1)</script>`, quotes and a newline, emoji, a
/// 500-character test name). Its generation time is fixed so rendered output is stable.
enum HTMLSampleDocument {
    static let scriptTest = "<script>alert(1)</script>"
    static let quotedTest = "Café, \"quoted\"\nnewline"
    static let longTest: String = {
        let words = "checkout_redesign_with_a_name_that_someone_kept_typing_"
        return String(String(repeating: words, count: 10).prefix(500))
    }()
    static let formulaVariant = "=SUM(A1)"
    static let emojiVariant = "🚀 rocket"
    static let longVariant = "one_page_checkout_with_an_extremely_long_variant_name"

    /// `ab-test` columns, in SPEC §4.3 order.
    static let variantColumns: [ReportColumn] = {
        let comparison = { (display: ColumnDisplay) -> ColumnDisplay in
            var display = display
            display.emptyText = "—"
            return display
        }
        return [
            ReportColumn("test_name", "Test", .text),
            ReportColumn("variant", "Variant", .text),
            ReportColumn("is_control", "Control", .boolean, display: .hiddenInHTML),
            ReportColumn("users", "Users", .integer),
            ReportColumn("conversions", "Conversions", .integer),
            ReportColumn(
                "conversion_rate", "Conversion rate", .percent(places: 2),
                display: ColumnDisplay(intervalLowColumn: "rate_ci_low", intervalHighColumn: "rate_ci_high")),
            ReportColumn("rate_ci_low", "Rate CI low", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn("rate_ci_high", "Rate CI high", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn(
                "uplift_abs", "Uplift", .percent(places: 2),
                display: comparison(
                    ColumnDisplay(
                        showsSign: true, isPercentagePoints: true, intervalLowColumn: "uplift_abs_ci_low",
                        intervalHighColumn: "uplift_abs_ci_high", emphasis: .signWhen(column: "significant")))),
            ReportColumn("uplift_abs_ci_low", "Uplift CI low", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn("uplift_abs_ci_high", "Uplift CI high", .percent(places: 2), display: .hiddenInHTML),
            ReportColumn(
                "uplift_rel", "Relative uplift", .percent(places: 1),
                display: comparison(
                    ColumnDisplay(
                        showsSign: true, intervalLowColumn: "uplift_rel_ci_low", intervalHighColumn: "uplift_rel_ci_high",
                        emphasis: .signWhen(column: "significant")))),
            ReportColumn("uplift_rel_ci_low", "Relative uplift CI low", .percent(places: 1), display: .hiddenInHTML),
            ReportColumn("uplift_rel_ci_high", "Relative uplift CI high", .percent(places: 1), display: .hiddenInHTML),
            ReportColumn("p_value", "p-value", .pValue, display: ColumnDisplay(emptyText: "—")),
            ReportColumn("test_used", "Test used", .text, display: .hiddenInHTML),
            ReportColumn(
                "p_value_adjusted", "Adjusted p", .pValue,
                display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")),
            ReportColumn(
                "significant", "Significant", .boolean,
                display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"))),
            ReportColumn(
                "chance_to_beat_control", "Chance to beat control", .percent(places: 1),
                display: ColumnDisplay(emptyText: "—")),
            ReportColumn(
                "expected_loss", "Expected loss", .percent(places: 3),
                display: ColumnDisplay(isPercentagePoints: true, emptyText: "—")),
            ReportColumn("users_needed", "Users needed", .integer, display: ColumnDisplay(emptyText: "—")),
        ]
    }()

    static func controlRow(_ test: String, users: Int, conversions: Int, low: Double, high: Double) -> [ReportCell] {
        [
            .text(test), .text("control"), .boolean(true), .integer(users), .integer(conversions),
            .number(Double(conversions) / Double(users)), .number(low), .number(high),
        ]
            + Array(repeating: ReportCell.empty, count: 13)
    }

    static func treatmentRow(
        _ test: String, _ variant: String, users: Int, conversions: Int, rate: (Double, Double),
        abs: (Double, Double, Double), rel: (Double, Double, Double)?, p: Double, testUsed: String,
        adjusted: Double, significant: Bool, chance: Double, loss: Double, needed: Int?
    ) -> [ReportCell] {
        [
            .text(test), .text(variant), .boolean(false), .integer(users), .integer(conversions),
            .number(Double(conversions) / Double(users)), .number(rate.0), .number(rate.1),
            .number(abs.0), .number(abs.1), .number(abs.2),
            rel.map { .number($0.0) } ?? .empty, rel.map { .number($0.1) } ?? .empty, rel.map { .number($0.2) } ?? .empty,
            .number(p), .text(testUsed), .number(adjusted), .boolean(significant), .number(chance), .number(loss),
            needed.map { .integer($0) } ?? .empty,
        ]
    }

    static let variantRows: [[ReportCell]] = [
        // 0..<3 homepage_cta: B wins.
        controlRow("homepage_cta", users: 48_210, conversions: 5_785, low: 0.11712537, high: 0.12292689),
        treatmentRow(
            "homepage_cta", "B", users: 48_003, conversions: 6_307, rate: (0.12839503, 0.13443921),
            abs: (0.01139177, 0.00720285, 0.01558069), rel: (0.0949347, 0.05839915, 0.13147025),
            p: 9.832994e-08, testUsed: "z-test", adjusted: 1.966599e-07, significant: true,
            chance: 0.99999995, loss: 1.85e-11, needed: 13_292),
        treatmentRow(
            "homepage_cta", formulaVariant, users: 48_377, conversions: 5_830, rate: (0.11764083, 0.12344306),
            abs: (0.00051596, -0.00358652, 0.00461844), rel: (0.00429983, -0.02996228, 0.03856194),
            p: 0.80529493, testUsed: "z-test", adjusted: 0.80529493, significant: false,
            chance: 0.59735287, loss: 0.0006023, needed: 6_238_189),
        // 3..<5 the script test: sample ratio mismatch.
        controlRow(scriptTest, users: 20_512, conversions: 1_497, low: 0.06950151, high: 0.07662174),
        treatmentRow(
            scriptTest, "treatment", users: 18_874, conversions: 1_421, rate: (0.07161027, 0.0791401),
            abs: (0.00230709, -0.00287368, 0.00748786), rel: (0.03161188, -0.04044341, 0.10366717),
            p: 0.38248977, testUsed: "z-test", adjusted: 0.38248977, significant: false,
            chance: 0.80861578, loss: 0.00027896, needed: 202_432),
        // 5..<7 the quoted test: keep running.
        controlRow(quotedTest, users: 3_120, conversions: 262, low: 0.07474659, high: 0.09422532),
        treatmentRow(
            quotedTest, emojiVariant, users: 3_087, conversions: 281, rate: (0.0813817, 0.10168866),
            abs: (0.00705253, -0.00700709, 0.02111214), rel: (0.0839843, -0.0903219, 0.2582905),
            p: 0.32547794, testUsed: "z-test", adjusted: 0.32547794, significant: false,
            chance: 0.837233, loss: 0.00061708, needed: 25_199),
        // 7..<9 the long test: significantly worse, with a p-value far below what a double shows plainly.
        controlRow(longTest, users: 1_000_000, conversions: 120_000, low: 0.11936455, high: 0.12063837),
        treatmentRow(
            longTest, longVariant, users: 1_000_000, conversions: 105_500, rate: (0.10489942, 0.10610361),
            abs: (-0.0145, -0.01537646, -0.01362354), rel: (-0.12083333, -0.12768526, -0.1139814),
            p: 3e-250, testUsed: "z-test", adjusted: 3e-250, significant: true,
            chance: 0, loss: 0.0145, needed: 7_468),
    ]

    static let variants = ReportTable(
        name: "ab-test", title: "Variants", columns: variantColumns, rows: variantRows,
        isShownInHTML: false)

    static let tests = ReportTable(
        name: "ab-test-tests", title: "Tests at a glance",
        columns: [
            ReportColumn("test_name", "Test", .text),
            ReportColumn("variants", "Variants", .integer),
            ReportColumn("users", "Users", .integer),
            ReportColumn("multiple_exposures", "Multiple exposures", .integer),
            ReportColumn("excluded_rows", "Excluded rows", .integer),
            ReportColumn("srm_p_value", "SRM p-value", .pValue),
            ReportColumn("srm_flag", "SRM", .boolean, display: ColumnDisplay(emphasis: .highlightWhen(column: "srm_flag"))),
            ReportColumn("omnibus_p_value", "Omnibus p-value", .pValue, display: ColumnDisplay(emptyText: "—")),
            ReportColumn("verdict", "Verdict", .text),
        ],
        rows: [
            [
                .text("homepage_cta"), .integer(3), .integer(144_590), .integer(212), .integer(4), .number(0.2431),
                .boolean(false), .number(3.4e-7), .text("ship B"),
            ],
            [
                .text(scriptTest), .integer(2), .integer(39_386), .integer(1_388), .integer(0), .number(1.9e-18),
                .boolean(true), .empty, .text("SRM — results untrustworthy"),
            ],
            [
                .text(quotedTest), .integer(2), .integer(6_207), .integer(9), .integer(17), .number(0.7012),
                .boolean(false), .empty, .text("keep running: about 21,995 more users per variant"),
            ],
            [
                .text(longTest), .integer(2), .integer(2_000_000), .integer(0), .integer(0), .number(1),
                .boolean(false), .empty, .text("do not ship: \(longVariant) is worse"),
            ],
        ])

    static let dataQuality = ReportTable(
        name: "ab-test-data-quality", title: "Data quality",
        columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
        rows: [
            [.text("rows read"), .integer(2_192_431)],
            [.text("excluded: null user_email"), .integer(12)],
            [.text("excluded: null variant"), .integer(9)],
            [.text("rows with no test_name"), .integer(41)],
            [.text("multiple exposures (users)"), .integer(1_609)],
            [.text("conversions after the period end"), .integer(0)],
        ])

    static func conversionChart(_ id: String, rows: Range<Int>, controlRate: Double, label: String) -> ReportChart {
        ReportChart(
            id: "\(id)-rate", title: "Conversion rate by variant", kind: .interval, table: "ab-test", rows: rows,
            categoryColumn: "variant", valueColumns: ["conversion_rate"], lowColumn: "rate_ci_low",
            highColumn: "rate_ci_high", referenceValue: controlRate, valueAxisTitle: "Conversion rate (95 % interval)",
            referenceLabel: label)
    }

    static func upliftChart(_ id: String, rows: Range<Int>) -> ReportChart {
        ReportChart(
            id: "\(id)-uplift", title: "Uplift vs control", kind: .interval, table: "ab-test", rows: rows,
            categoryColumn: "variant", valueColumns: ["uplift_abs"], lowColumn: "uplift_abs_ci_low",
            highColumn: "uplift_abs_ci_high", referenceValue: 0, valueAxisTitle: "Difference in conversion rate (pp)",
            referenceLabel: "no change")
    }

    static func facts(users: Int, variants: Int, exposures: Int, exposureShare: String, srm: Double, excluded: Int) -> [Fact] {
        [
            Fact("Users", .integer(users), format: .integer),
            Fact("Variants", .integer(variants), format: .integer),
            Fact("Multiple exposures", .integer(exposures), format: .integer, note: "\(exposureShare) of users, left out"),
            Fact("SRM p-value", .number(srm), format: .pValue, note: srm < 0.001 ? "split differs from plan" : "split as planned"),
            Fact("Excluded rows", .integer(excluded), format: .integer),
        ]
    }

    static let document = ReportDocument(
        report: "ab-test",
        title: "A/B test readout",
        subtitle: "Cumulative results of the running tests, from each test’s first assignment to the end of 22 Nov 2026.",
        periodLabel: "2026-W47 · 16–22 Nov 2026",
        callouts: [Callout(.neutral, title: "4 tests running", text: "1 is ready to ship, 1 should not ship, 1 needs more users and 1 cannot be trusted yet.")],
        sections: [
            ReportSection(id: "summary", title: "Tests at a glance", tables: [tests, variants]),
            ReportSection(
                id: "homepage_cta", title: "homepage_cta",
                paragraphs: ["Three variants since 2 Nov 2026; control is “control”."],
                callouts: [
                    Callout(
                        .positive, title: "Ship B",
                        text:
                            "B converts better than control: 13.1 % of users against 12.0 %, about 9 % more. A difference this large is very unlikely to be chance."
                    )
                ],
                facts: facts(users: 144_590, variants: 3, exposures: 212, exposureShare: "0.1 %", srm: 0.2431, excluded: 4),
                charts: [
                    conversionChart("homepage_cta", rows: 0..<3, controlRate: 0.11999585, label: "control 12.0 %"),
                    upliftChart("homepage_cta", rows: 0..<3),
                ],
                excerpts: [ReportTableExcerpt(table: "ab-test", rows: 0..<3, title: "Per variant", hiddenColumns: ["test_name"])]),
            ReportSection(
                id: scriptTest, title: scriptTest,
                paragraphs: ["Two variants since 9 Nov 2026."],
                callouts: [
                    Callout(
                        .danger, title: "SRM — results untrustworthy",
                        text: "Users were not split between the variants as planned (p = 1.9e-18). Find the cause before reading any result of this test."),
                    Callout(
                        .warning, title: "Many users saw both variants",
                        text: "1,388 users (3.4 %) were exposed to more than one variant and are left out of every count."),
                ],
                facts: facts(users: 39_386, variants: 2, exposures: 1_388, exposureShare: "3.4 %", srm: 1.9e-18, excluded: 0),
                charts: [
                    conversionChart(scriptTest, rows: 3..<5, controlRate: 0.07298167, label: "control 7.30 %"),
                    upliftChart(scriptTest, rows: 3..<5),
                ],
                excerpts: [ReportTableExcerpt(table: "ab-test", rows: 3..<5, title: "Per variant", hiddenColumns: ["test_name"])],
                isUntrustworthy: true),
            ReportSection(
                id: quotedTest, title: quotedTest,
                callouts: [
                    Callout(
                        .neutral, title: "Keep running: about 21,995 more users per variant",
                        text:
                            "No difference can be told from chance yet. \(emojiVariant) needs about 25,199 users per variant to show whether its 0.7-point lead is real."
                    )
                ],
                facts: facts(users: 6_207, variants: 2, exposures: 9, exposureShare: "0.1 %", srm: 0.7012, excluded: 17),
                charts: [
                    conversionChart(quotedTest, rows: 5..<7, controlRate: 0.08397436, label: "control 8.40 %"),
                    upliftChart(quotedTest, rows: 5..<7),
                ],
                excerpts: [ReportTableExcerpt(table: "ab-test", rows: 5..<7, title: "Per variant", hiddenColumns: ["test_name"])]),
            ReportSection(
                id: longTest, title: longTest,
                callouts: [
                    Callout(
                        .danger, title: "Do not ship: \(longVariant) is worse",
                        text: "It converts 10.6 % of users against 12.0 % for control, about 12 % fewer.")
                ],
                facts: facts(users: 2_000_000, variants: 2, exposures: 0, exposureShare: "0 %", srm: 1, excluded: 0),
                charts: [
                    conversionChart(longTest, rows: 7..<9, controlRate: 0.12, label: "control 12.0 %"),
                    upliftChart(longTest, rows: 7..<9),
                ],
                excerpts: [ReportTableExcerpt(table: "ab-test", rows: 7..<9, title: "Per variant", hiddenColumns: ["test_name"])]),
        ],
        dataQuality: dataQuality,
        reproducibility: Reproducibility(
            toolVersion: "0.4.0",
            generatedAt: Date(timeIntervalSince1970: 1_795_420_800), // 2026-11-23 08:00:00 UTC
            dataAsOf: Date(timeIntervalSince1970: 1_795_388_400), // 2026-11-22 23:00:00 UTC
            timeZone: "Europe/Berlin",
            period: "2026-W47",
            periodStart: ReportDate(year: 2026, month: 11, day: 16),
            periodEnd: ReportDate(year: 2026, month: 11, day: 22),
            options: [
                .init("alpha", "0.05"), .init("correction", "holm"), .init("conversion-window", "none"),
                .init("event", "(any)"), .init("database-url", "postgresql://report:*****@db.internal/growth"),
            ],
            statements: [
                .init("ab_test_variant_counts", "5f1c0a6a9d3e4b27c8e0f91d2a7b6c3e4d5f60718293a4b5c6d7e8f90a1b2c3d"),
                .init("ab_test_data_quality", "0b7e2d4c6f8a1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b"),
            ]), timeZone: TimeZone(identifier: "Europe/Berlin")!)
}
