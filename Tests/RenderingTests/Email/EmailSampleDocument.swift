import Foundation

@testable import Rendering

/// An executive-summary-like document that uses every coloured piece of the e-mail template:
/// callouts of each tone, tile notes that rise, fall and stay, bars above and below zero,
/// signed and flagged cells, and a table with no rows.
enum EmailSampleDocument {
    static var document: ReportDocument {
        let minus = DisplayFormatter.minus
        let partners = ReportTable(
            name: "exec-summary-partners", title: "Top partners",
            columns: [
                ReportColumn("partner_name", "Partner", .text),
                ReportColumn("revenue", "Revenue", .money(currency: "USD")),
                ReportColumn("revenue_change", "vs previous", .percent(places: 1), display: ColumnDisplay(showsSign: true, emphasis: .sign)),
            ],
            rows: [
                [.text("Priya Müller"), .money(Decimal(string: "36123.24")!), .number(1.117)],
                [.text("O'Brien <Tech>"), .money(Decimal(string: "21032.31")!), .number(0)],
                [.text("Refunds & Co"), .money(Decimal(string: "-4200.5")!), .number(-0.093)],
            ])
        let experiments = ReportTable(
            name: "exec-summary-experiments", title: "Experiments",
            columns: [
                ReportColumn("test_name", "Test", .text),
                ReportColumn(
                    "uplift_relative", "Uplift", .percent(places: 1),
                    display: ColumnDisplay(showsSign: true, emphasis: .signWhen(column: "is_significant"), emptyText: "—")),
                ReportColumn("is_significant", "Significant", .boolean),
                ReportColumn("srm_flag", "SRM", .boolean, display: ColumnDisplay(isShownInHTML: false)),
                ReportColumn("health", "Health", .text, display: ColumnDisplay(emphasis: .highlightWhen(column: "srm_flag"))),
            ],
            rows: [
                [.text("checkout-button"), .number(0.052), .boolean(true), .boolean(false), .text("ok")],
                [.text("pricing-page"), .number(-0.031), .boolean(true), .boolean(false), .text("ok")],
                [.text("signup_form_length"), .empty, .boolean(false), .boolean(true), .text("sample-ratio mismatch")],
            ])
        let nothing = ReportTable(
            name: "exec-summary-real-time", title: "Real-time metrics",
            columns: [
                ReportColumn("metric_name", "Metric", .text), ReportColumn("metric_value", "Value", .decimal(places: 2)),
            ], rows: [])
        return ReportDocument(
            report: "exec-summary", title: "Executive summary", subtitle: "Everything at a glance",
            periodLabel: "2026-W47 · 16–22 Nov 2026",
            callouts: [
                Callout(.neutral, title: "Note", text: "Numbers are preliminary."),
                Callout(.positive, title: "Record week", text: "Revenue rose."),
                Callout(.warning, title: "3 stale metrics", text: "Not updated in 24 hours."),
                Callout(.danger, title: "signup_form_length", text: "Sample-ratio mismatch."),
            ],
            sections: [
                ReportSection(
                    id: "kpis", title: "Key figures", paragraphs: ["Each figure beside the previous period."],
                    facts: [
                        Fact("New customers", .integer(2_582), format: .integer, note: "+17.4 % vs 2026-W46"),
                        Fact("Shares", .integer(2_295), format: .integer, note: "\(minus)1.3 % vs 2026-W46"),
                        Fact("K-factor", .number(0.61), format: .decimal(places: 3), note: "no figure for 2026-W46"),
                        Fact("Blended ROI", .number(4.398), format: .percent(places: 1)),
                    ]),
                ReportSection(
                    id: "partners", title: "Top partners", tables: [partners],
                    charts: [
                        ReportChart(
                            id: "partner-revenue", title: "Revenue by partner", kind: .bar,
                            table: "exec-summary-partners", categoryColumn: "partner_name", valueColumns: ["revenue"])
                    ]),
                ReportSection(
                    id: "experiments", title: "Experiments",
                    callouts: [Callout(.danger, title: "signup_form_length", text: "No winner is named.")],
                    tables: [experiments]),
                ReportSection(id: "real-time", title: "Real-time metrics", tables: [nothing]),
            ],
            dataQuality: ReportTable(
                name: "exec-summary-data-quality", title: "Data quality",
                columns: [ReportColumn("check", "Check", .text)], rows: [], isShownInHTML: false),
            reproducibility: Reproducibility(
                toolVersion: "0.1.0", generatedAt: SampleDocument.generatedAt, dataAsOf: SampleDocument.dataAsOf,
                timeZone: "Europe/Berlin", period: "2026-W47", periodStart: ReportDate(year: 2026, month: 11, day: 16),
                periodEnd: ReportDate(year: 2026, month: 11, day: 22), options: [], statements: []), timeZone: TimeZone(identifier: "Europe/Berlin")!)
    }

    /// The e-mail HTML of `document` from the bundled templates.
    static func html(_ document: ReportDocument = document) throws -> String {
        let locator = TemplateLocator(environment: [TemplateLocator.environmentVariable: HTMLTestSupport.bundledTemplates.path])
        return try EmailRenderer(locator: locator).render(document, timeZone: TimeZone(identifier: "Europe/Berlin")!)
    }
}
