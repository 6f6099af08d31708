import Foundation
import TestSupport
import Testing

@testable import Rendering

@Suite("HTML report")
struct HTMLRendererTests {
    let html: String

    init() throws {
        html = try HTMLTestSupport.renderer().render(HTMLSampleDocument.document)
    }

    @Test("matches the golden file (RECORD_GOLDEN=1 re-records)")
    func golden() throws {
        let url = HTMLTestSupport.goldenDirectory.appendingPathComponent("ab-test.html")
        if let difference = try GoldenFile.difference(Data(html.utf8), from: url, named: "ab-test.html") {
            Issue.record("\(difference)")
        }
    }

    @Test("has no script, no javascript: URL and no external reference")
    func noScriptNoExternal() {
        let lower = html.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("javascript:"))
        #expect(!lower.contains("http://"))
        #expect(!lower.contains("https://"))
        #expect(!lower.contains("url("))
        #expect(!lower.contains("@import"))
        #expect(!lower.contains("<link"))
        #expect(!lower.contains("<img"))
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.contains("default-src 'none'"))
    }

    @Test("is a complete HTML5 page")
    func completePage() {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("<title>A/B test readout · 2026-W47 · 16–22 Nov 2026</title>"))
        #expect(html.contains("<style>"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test("escapes every shown table value")
    func tableValuesEscaped() {
        let formatter = DisplayFormatter(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let document = HTMLSampleDocument.document
        var checked = 0
        for table in [HTMLSampleDocument.variants, HTMLSampleDocument.tests, HTMLSampleDocument.dataQuality] {
            for row in table.rows {
                for (column, cell) in zip(table.columns, row) where column.display.isShownInHTML {
                    if table.name == "ab-test", column.key == "test_name" { continue } // hidden in excerpts
                    let text = formatter.text(cell, format: column.format, display: column.display)
                    #expect(html.contains(HTMLTestSupport.escaped(text)), "\(table.name).\(column.key): \(text)")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
        #expect(document.sections.count == 5)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Café, &quot;quoted&quot;\nnewline"))
        #expect(html.contains("=SUM(A1)"))
        #expect(html.contains("🚀 rocket"))
        #expect(html.contains(HTMLSampleDocument.longTest))
    }

    @Test("formats numbers for people")
    func peopleFormats() {
        #expect(html.contains("<td class=\"num\">48,210</td>"))
        #expect(html.contains("12.00\u{00A0}%<span class=\"ci\">11.71 – 12.29\u{00A0}%</span>"))
        #expect(html.contains("+1.14\u{00A0}pp"))
        #expect(html.contains("3.0e-250"))
        #expect(html.contains("9.8e-8"))
        #expect(html.contains("0.81"))
        // The control row's comparisons are a dash, not "n/a".
        #expect(html.contains("<td class=\"num empty\">—</td>"))
    }

    @Test("tints significant values, and none in a test with SRM")
    func tints() throws {
        let sections = html.components(separatedBy: "<section class=\"section")
        let homepage = try #require(sections.first { $0.contains("id=\"section-homepage-cta\"") })
        #expect(homepage.contains("class=\"num positive\""))
        #expect(homepage.contains("class=\"num highlight\""))
        let srm = try #require(sections.first { $0.contains("SRM — results untrustworthy") && $0.contains(" is-muted") })
        #expect(!srm.contains(" positive\""))
        #expect(!srm.contains(" highlight\""))
        let long = try #require(sections.first { $0.contains("Do not ship") })
        #expect(long.contains("class=\"num negative\""))
    }

    @Test("puts warnings before the verdict")
    func warningsFirst() throws {
        let srm = try #require(html.range(of: "SRM — results untrustworthy</p>"))
        let exposures = try #require(html.range(of: "Many users saw both variants"))
        let tiles = try #require(html.range(of: "<dl class=\"facts\">", range: srm.upperBound..<html.endIndex))
        #expect(srm.lowerBound < exposures.lowerBound)
        #expect(exposures.lowerBound < tiles.lowerBound)
        #expect(html.contains("role=\"alert\""))
    }

    @Test("draws accessible, well-formed SVG charts")
    func charts() {
        let svgs = HTMLTestSupport.svgElements(in: html)
        #expect(svgs.count == 8)
        for svg in svgs {
            #expect(HTMLTestSupport.xmlError(svg) == nil, "\(HTMLTestSupport.xmlError(svg) ?? "")")
            #expect(svg.contains("role=\"img\""))
            #expect(svg.contains("width=\"100%\""))
            #expect(svg.contains("viewBox=\"0 0 "))
            #expect(svg.contains("<title id="))
            #expect(svg.contains("<desc id="))
        }
        #expect(!svgs.joined().contains("<script"))
    }

    @Test("states the reproducibility record in the footer")
    func footer() {
        #expect(html.contains("<footer class=\"report-footer\">"))
        #expect(html.contains("2026-11-23 09:00:00 +01:00"))
        #expect(html.contains("2026-11-23 00:00:00 +01:00"))
        #expect(html.contains("Europe/Berlin"))
        #expect(html.contains("2026-W47 (16 Nov 2026 – 22 Nov 2026)"))
        #expect(html.contains("growth-report 0.4.0"))
        #expect(html.contains("<dt>alpha</dt><dd><code>0.05</code></dd>"))
        #expect(html.contains("5f1c0a6a9d3e4b27c8e0f91d2a7b6c3e4d5f60718293a4b5c6d7e8f90a1b2c3d"))
    }

    @Test("renders a report without its own template with the generic one")
    func genericTemplate() throws {
        var document = HTMLSampleDocument.document
        document.report = "partner-roi"
        let page = try HTMLTestSupport.renderer().render(document)
        #expect(page.contains("report-partner-roi"))
        #expect(!page.contains("How to read this readout"))
        #expect(page.contains("Tests at a glance"))
    }

    @Test("shows prose columns whole and an empty table's own message")
    func proseAndEmptyMessage() throws {
        var document = HTMLSampleDocument.document
        let finding = String(repeating: "a finding the reader needs whole, ", count: 4) + "end"
        let clamped = String(repeating: "a long label clamped to three lines, ", count: 3) + "end"
        let findings = ReportTable(
            name: "findings", title: "Findings",
            columns: [ReportColumn("detail", "Finding", .text, display: .fullText), ReportColumn("label", "Label", .text)],
            rows: [[.text(finding), .text(clamped)]])
        let none = ReportTable(
            name: "none", title: "Nothing", columns: [ReportColumn("name", "Name", .text)], rows: [],
            emptyMessage: "None: every index has been scanned.")
        document.sections[0].tables += [findings, none]
        let page = try HTMLTestSupport.renderer().render(document)
        #expect(page.contains("<td class=\"text prose\">\(HTMLTestSupport.escaped(finding))</td>"))
        #expect(page.contains("<span class=\"clamp\">\(HTMLTestSupport.escaped(clamped))</span>"))
        #expect(page.contains("<p class=\"empty-table\">None: every index has been scanned.</p>"))
        #expect(!page.contains("<td class=\"text prose\" title="))
    }

    @Test("writes a row's cells from Swift exactly as the cells[] template section would")
    func rowMarkupMatchesTheCellsTemplate() throws {
        // The bundled table.mustache writes {{{html}}}; a copy that writes the cells one by one
        // from their documented keys must give the same page, byte for byte.
        let bundled = try String(contentsOf: HTMLTestSupport.bundledTemplates.appendingPathComponent("table.mustache"), encoding: .utf8)
        let cells =
            #"{{#cells}}<td class="{{class}}"{{#isLong}} title="{{text}}"{{/isLong}}{{#note}} title="{{reason}}"{{/note}}>"#
            + #"{{#isLong}}<span class="clamp">{{text}}</span>{{/isLong}}{{^isLong}}{{text}}{{/isLong}}"#
            + #"{{#note}}<sup class="note-mark">{{mark}}</sup>{{/note}}{{#detail}}<span class="ci">{{.}}</span>{{/detail}}</td>{{/cells}}"#
        #expect(bundled.contains("<tr>{{{html}}}</tr>"))
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write(bundled.replacingOccurrences(of: "{{{html}}}", with: cells), to: folder, as: "table.mustache")
        var document = HTMLSampleDocument.document
        let awkward = ReportTable(
            name: "awkward", title: "Awkward text",
            columns: [ReportColumn("a", "A", .text), ReportColumn("b", "B", .text, display: .fullText), ReportColumn("n", "N", .decimal(places: 1))],
            rows: [
                [.text(#"<b>&"quoted" 'single'</b>"#), .text(String(repeating: "<&>\"' ", count: 12)), .undefined("no <rows> & \"nothing\" to divide by")],
                [.text(String(repeating: "é<ü>&🚀 ", count: 10)), .text(""), .number(1.5)],
            ])
        document.sections[0].tables.append(awkward)
        let fromSwift = try HTMLTestSupport.renderer().render(document)
        let fromTemplate = try HTMLTestSupport.renderer(override: folder).render(document)
        #expect(fromSwift == fromTemplate)
        #expect(fromSwift.contains("&lt;b&gt;&amp;&quot;quoted&quot; &#39;single&#39;&lt;/b&gt;"))
    }

    @Test("says which chart column is missing")
    func invalidChart() throws {
        var document = HTMLSampleDocument.document
        document.sections[1].charts[0].valueColumns = ["no_such_column"]
        #expect {
            try HTMLTestSupport.renderer().render(document)
        } throws: { error in
            error is DocumentError && "\(error)".contains("no_such_column")
        }
    }
}
