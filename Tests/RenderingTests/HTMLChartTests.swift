import Foundation
import Testing

@testable import Rendering

@Suite("SVG charts")
struct HTMLChartTests {
    let table = ReportTable(
        name: "viral-trend", title: "Trend",
        columns: [
            ReportColumn("week", "Week", .text),
            ReportColumn("actions", "Actions", .integer),
            ReportColumn("conversions", "Conversions <&>", .integer),
            ReportColumn("change", "Change", .percent(places: 1)),
        ],
        rows: [
            [.text("2026-W44"), .integer(1_200), .integer(80), .number(0.12)],
            [.text("2026-W45"), .empty, .integer(95), .number(-0.08)],
            [.text("2026-W46"), .integer(1_350), .empty, .empty],
            [.text("A partner with a <very> long name & more words"), .integer(1_410), .integer(102), .number(0.05)],
        ])

    func svg(
        _ kind: ReportChart.Kind, values: [String], low: String? = nil, high: String? = nil,
        reference: Double? = nil
    ) throws -> String {
        let chart = ReportChart(
            id: "c", title: "Title \"quoted\" <b>", kind: kind, table: "viral-trend", categoryColumn: "week",
            valueColumns: values, lowColumn: low, highColumn: high, referenceValue: reference,
            valueAxisTitle: "Axis & title")
        return try SVGChartBuilder().svg(for: chart, table: table, id: "chart-c")
    }

    @Test("grouped bars with a legend, negative bars below zero, gaps for empty values")
    func bars() throws {
        let markup = try svg(.bar, values: ["actions", "conversions"])
        #expect(HTMLTestSupport.xmlError(markup) == nil)
        #expect(markup.contains("class=\"chart-legend\""))
        #expect(markup.contains("Conversions &lt;&amp;&gt;"))
        #expect(markup.contains("<title id=\"chart-c-title\">Title &quot;quoted&quot; &lt;b&gt;</title>"))
        #expect(markup.components(separatedBy: "<rect x=").count - 1 >= 6)
        #expect(markup.contains(">n/a</text>"))

        let signed = try svg(.bar, values: ["change"])
        #expect(HTMLTestSupport.xmlError(signed) == nil)
        #expect(!signed.contains("chart-legend"))
        #expect(signed.contains("\u{2212}8.0\u{00A0}%"))
    }

    @Test("lines break at empty values")
    func lines() throws {
        let markup = try svg(.line, values: ["actions"])
        #expect(HTMLTestSupport.xmlError(markup) == nil)
        let path = try #require(markup.components(separatedBy: " d=\"").dropFirst().first?.components(separatedBy: "\"").first)
        #expect(path.filter { $0 == "M" }.count == 2)
        #expect(markup.components(separatedBy: "<circle").count - 1 == 3)
    }

    @Test("a line's interval is a band, broken where a bound is missing, and read out in the description")
    func band() throws {
        // Bounds: conversions (low) and actions (high); week 2 lacks the high one, week 3 the low one.
        let markup = try svg(.line, values: ["actions"], low: "conversions", high: "actions", reference: 0)
        #expect(HTMLTestSupport.xmlError(markup) == nil)
        let band = try #require(markup.components(separatedBy: "class=\"chart-band\"").dropFirst().first?.components(separatedBy: "</g>").first)
        // Week 1 alone, then week 4 alone: two polygons of four corners each.
        let polygons = band.components(separatedBy: "<polygon").dropFirst()
        #expect(polygons.count == 2)
        for polygon in polygons {
            let points = try #require(polygon.components(separatedBy: "points=\"").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(points.split(separator: " ").count == 4, "\(points)")
        }
        #expect(markup.contains("(interval 80 to 1,200)"))
    }

    @Test("long category labels end in an ellipsis with the full name in a tooltip")
    func truncation() throws {
        let markup = try svg(.bar, values: ["actions"])
        #expect(markup.contains("<title>A partner with a &lt;very&gt; long name &amp; more words</title>"))
        #expect(markup.contains("…</text>"))
    }

    @Test("intervals draw a dot and whisker per category and the reference line")
    func intervals() throws {
        let markup = try svg(.interval, values: ["change"], low: "change", high: "change", reference: 0)
        #expect(HTMLTestSupport.xmlError(markup) == nil)
        #expect(markup.contains("class=\"chart-reference\""))
        #expect(markup.components(separatedBy: "class=\"chart-row\"").count - 1 == 3) // the empty row is left out
        #expect(markup.contains("Axis &amp; title"))
    }

    @Test("a chart naming a missing column is an error")
    func missingColumn() {
        #expect(throws: HTMLRenderingError.self) { try svg(.bar, values: ["nope"]) }
    }
}
