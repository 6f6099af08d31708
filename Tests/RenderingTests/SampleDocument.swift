import Foundation

@testable import Rendering

/// A fixed A/B-test-like document that every renderer's tests share: two tables (per variant
/// and per test) with rates, intervals, p-values (one as tiny as 3e-250), booleans, money,
/// dates and timestamps, empty comparison cells on the control row, a data-quality table,
/// an interval chart and a bar chart, and variant names chosen to break things.
enum SampleDocument {
    static let longName = String(repeating: "Long variant name ", count: 28).prefix(500).description
    static let nastyVariants = [
        "=SUM(A1)", "-5", "@cmd", "<script>alert(1)</script>", "Café, \"quoted\"\nnewline",
        "🚀 Rocket 👩‍👩‍👧 variant", longName,
    ]

    static let generatedAt = Date(timeIntervalSince1970: 1_795_420_800) // 2026-11-23T08:00:00Z
    static let dataAsOf = Date(timeIntervalSince1970: 1_795_420_740) // 2026-11-23T07:59:00Z

    static let variantColumns: [ReportColumn] = [
        ReportColumn("test_name", "Test", .text),
        ReportColumn("variant", "Variant", .text),
        ReportColumn("is_control", "Control", .boolean),
        ReportColumn("users", "Users", .integer),
        ReportColumn("conversions", "Conversions", .integer),
        ReportColumn("conversion_rate", "Conversion rate", .percent(places: 2)),
        ReportColumn("rate_ci_low", "Rate CI low", .percent(places: 2)),
        ReportColumn("rate_ci_high", "Rate CI high", .percent(places: 2)),
        ReportColumn("uplift_abs", "Uplift (abs)", .percent(places: 2)),
        ReportColumn("uplift_rel", "Uplift (rel)", .percent(places: 1)),
        ReportColumn("p_value", "p-value", .pValue),
        ReportColumn("test_used", "Test used", .text),
        ReportColumn("significant", "Significant", .boolean),
        ReportColumn("chance_to_beat_control", "Chance to beat control", .decimal(places: 3)),
        ReportColumn("revenue", "Revenue", .money(currency: "USD")),
        ReportColumn("users_needed", "Users needed", .integer),
    ]

    static func variantRow(
        _ name: String, users: Int, conversions: Int, pValue: Double, revenue: String,
        significant: Bool, controlRate: Double
    ) -> [ReportCell] {
        let rate = Double(conversions) / Double(users)
        let margin = 1.96 * (rate * (1 - rate) / Double(users)).squareRoot()
        return [
            .text("checkout-button"), .text(name), .boolean(false), .integer(users), .integer(conversions),
            .number(rate), .number(rate - margin), .number(rate + margin),
            .number(rate - controlRate), .number(rate / controlRate - 1), .number(pValue),
            .text(users < 1000 ? "fisher" : "z-test"), .boolean(significant),
            .number(0.5 + (rate - controlRate) * 10), .money(Decimal(string: revenue)!), .integer(users * 2),
        ]
    }

    static var variantsTable: ReportTable {
        let controlRate = 0.125
        var rows: [[ReportCell]] = [
            [
                .text("checkout-button"), .text("control"), .boolean(true), .integer(8_000), .integer(1_000),
                .number(controlRate), .number(0.117_752_918_452_637_2), .number(0.132_616_064_389_103_9),
                .empty, .empty, .empty, .empty, .empty, .empty, .money(Decimal(string: "1234.5")!), .empty,
            ]
        ]
        rows.append(
            variantRow(
                "B", users: 8_040, conversions: 1_206, pValue: 3e-250, revenue: "98765.4321",
                significant: true, controlRate: controlRate))
        for (index, name) in nastyVariants.enumerated() {
            rows.append(
                variantRow(
                    name, users: 900 + index * 1_000, conversions: 100 + index * 130,
                    pValue: [0.04, 0.5, 1.0, 0.0001, 0.2, 0.73, 0.000_05][index],
                    revenue: ["-5", "0.005", "0", "1e3", "12.345", "7", "-0.10"][index],
                    significant: index % 2 == 0, controlRate: controlRate))
        }
        return ReportTable(
            name: "ab-test", title: "Variants", columns: variantColumns, rows: rows,
            sheetTitle: "Variant's: checkout [A/B]")
    }

    static var testsTable: ReportTable {
        ReportTable(
            name: "ab-test-tests", title: "Tests",
            columns: [
                ReportColumn("test_name", "Test", .text),
                ReportColumn("variants", "Variants", .integer),
                ReportColumn("users", "Users", .integer),
                ReportColumn("multiple_exposures", "Multiple exposures", .integer),
                ReportColumn("excluded_rows", "Excluded rows", .integer),
                ReportColumn("srm_p_value", "SRM p-value", .pValue),
                ReportColumn("srm_flag", "SRM", .boolean),
                ReportColumn("omnibus_p_value", "Omnibus p-value", .pValue),
                ReportColumn("verdict", "Verdict", .text),
                ReportColumn("started_on", "Started", .date),
                ReportColumn("last_assignment_at", "Last assignment", .timestamp),
                ReportColumn("spend", "Spend", .money(currency: "EUR")),
            ],
            rows: [
                [
                    .text("checkout-button"), .integer(9), .integer(52_040), .integer(17), .integer(3),
                    .number(0.412_345_678_9), .boolean(false), .number(1.5e-12), .text("ship B"),
                    .date(ReportDate(year: 2026, month: 10, day: 1)),
                    .timestamp(Date(timeIntervalSince1970: 1_795_341_600.25)), .money(Decimal(string: "1234567.891")!),
                ],
                [
                    .text("pricing-page"), .integer(2), .integer(0), .integer(0), .integer(0),
                    .empty, .boolean(false), .empty, .text("no effect detected"),
                    .date(ReportDate(year: 2026, month: 11, day: 16)), .empty, .empty,
                ],
            ])
    }

    static var dataQualityTable: ReportTable {
        ReportTable(
            name: "ab-test-data-quality", title: "Data quality",
            columns: [
                ReportColumn("check", "Check", .text),
                ReportColumn("rows", "Rows", .integer),
            ],
            rows: [
                [.text("rows read"), .integer(52_060)],
                [.text("null e-mail or variant"), .integer(3)],
                [.text("-multiple exposures"), .integer(17)],
            ], isShownInHTML: true)
    }

    static var document: ReportDocument {
        let variants = variantsTable
        return ReportDocument(
            report: "ab-test",
            title: "A/B test readout",
            subtitle: "checkout-button, pricing-page",
            periodLabel: "2026-W47 · 16–22 Nov 2026",
            callouts: [Callout(.positive, title: "Ship B", text: "B beats control by 2.5 points.")],
            sections: [
                ReportSection(
                    id: "checkout-button", title: "checkout-button",
                    paragraphs: ["Cumulative from 2026-10-01 to the period end."],
                    facts: [Fact("Users", .integer(52_040), format: .integer)],
                    tables: [variants],
                    charts: [
                        ReportChart(
                            id: "conversion-rate", title: "Conversion rate by variant", kind: .interval,
                            table: "ab-test", rows: 0..<variants.rows.count, categoryColumn: "variant",
                            valueColumns: ["conversion_rate"], lowColumn: "rate_ci_low", highColumn: "rate_ci_high",
                            referenceValue: 0.125, valueAxisTitle: "Conversion rate"),
                        ReportChart(
                            id: "users", title: "Users by variant", kind: .bar, table: "ab-test",
                            categoryColumn: "variant", valueColumns: ["users", "conversions"]),
                    ]),
                ReportSection(id: "tests", title: "All tests", tables: [testsTable]),
            ],
            dataQuality: dataQualityTable,
            reproducibility: Reproducibility(
                toolVersion: "0.1.0", generatedAt: generatedAt, dataAsOf: dataAsOf, timeZone: "Europe/Berlin",
                period: "2026-W47", periodStart: ReportDate(year: 2026, month: 11, day: 16),
                periodEnd: ReportDate(year: 2026, month: 11, day: 22),
                options: [
                    .init("alpha", "0.05"), .init("correction", "holm"),
                    .init("database-url", "postgresql://app:****@db.internal/growth"),
                ],
                statements: [
                    .init("ab_test_variants", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
                    .init("ab_test_tests", "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"),
                ]), timeZone: TimeZone(identifier: "Europe/Berlin")!)
    }
}
