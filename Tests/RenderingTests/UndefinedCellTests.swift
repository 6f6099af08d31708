import Foundation
import Rendering
import Testing

/// A value the formulas leave undefined carries its reason to every output: a numbered
/// footnote under the HTML table (and the cell's tooltip), a note on the blank XLSX cell, an
/// empty CSV field — the same reason once per table however many cells give it.
@Suite struct UndefinedCellTests {
    static let noBaseline = "Undefined, because the control converted nobody, so a relative change has no baseline."
    static let noCost = "No cost row in the period, so ROI and CAC are undefined."

    static var document: ReportDocument {
        var document = SampleDocument.document
        let table = ReportTable(
            name: "uplifts", title: "Uplifts",
            columns: [
                ReportColumn("variant", "Variant", .text),
                ReportColumn("uplift_rel", "Relative uplift", .percent(places: 1)),
                ReportColumn("roi", "ROI", .percent(places: 1)),
            ],
            rows: [
                [.text("B"), .undefined(noBaseline), .number(0.25)],
                [.text("C"), .undefined(noBaseline), .undefined(noCost)],
                [.text("D"), .number(-0.5), .empty],
            ])
        document.sections.append(ReportSection(id: "uplifts", title: "Uplifts", tables: [table]))
        return document
    }

    @Test func htmlNumbersEachReasonOnceUnderTheTable() throws {
        let html = try HTMLTestSupport.renderer().render(Self.document)
        let start = try #require(html.range(of: "id=\"table-uplifts\""))
        let block = String(html[start.lowerBound...].prefix(4000))
        #expect(block.components(separatedBy: "<sup class=\"note-mark\">1</sup>").count - 1 == 2, "\(block)")
        #expect(block.components(separatedBy: "<sup class=\"note-mark\">2</sup>").count - 1 == 1)
        #expect(
            block.contains(
                "<ol class=\"table-notes\"><li value=\"1\">\(HTMLTestSupport.escaped(Self.noBaseline))</li><li value=\"2\">\(HTMLTestSupport.escaped(Self.noCost))</li></ol>"
            ),
            "\(block)")
        #expect(block.contains("title=\"\(HTMLTestSupport.escaped(Self.noCost))\""))
        #expect(HTMLTestSupport.xmlError(html) == nil)
    }

    @Test func csvWritesAnEmptyField() {
        let writer = CSVWriter()
        var bytes: [UInt8] = []
        writer.write(Self.document.table(named: "uplifts")!) { bytes += $0 }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == "variant,uplift_rel,roi\r\nB,,0.25\r\nC,,\r\nD,-0.5,\r\n", "\(text.debugDescription)")
    }

    @Test func xlsxLeavesTheCellBlankWithTheReasonAsItsNote() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("undefined.xlsx")
        _ = try XLSXWriter().write(Self.document, to: url)
        let workbook = try XLSXReadBack.read(url)
        let sheet = try #require(workbook.sheets.first { $0.name.lowercased() == "uplifts" }, "\(workbook.sheets.map(\.name))")
        #expect(sheet["B2"] == nil && sheet["B3"] == nil && sheet["C3"] == nil)
        #expect(sheet["C2"]?.value.number == 0.25)
        #expect(sheet.comments["B2"]?.hasPrefix(Self.noBaseline) == true, "\(sheet.comments)")
        #expect(sheet.comments["C3"]?.hasPrefix(Self.noCost) == true)
        #expect(sheet.comments["D4"] == nil && sheet.comments.count == 3)
    }
}
