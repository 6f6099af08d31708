import Foundation
import Testing

@testable import Rendering

/// Random text cells, formula payloads among them, come back from openpyxl as text cells with
/// the same text, never as formulas; numbers, negative ones included, come back as numbers.
@Suite("XLSX formula properties")
struct XLSXFormulaPropertyTests {
    static func document(_ tables: [ReportTable]) -> ReportDocument {
        ReportDocument(
            report: "random", title: "Random", periodLabel: "2026-W47",
            sections: [ReportSection(id: "random", title: "Random", tables: tables)],
            dataQuality: ReportTable(
                name: "random-data-quality", title: "Data quality",
                columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
                rows: [[.text("rows read"), .integer(1)]]),
            reproducibility: Reproducibility(
                toolVersion: "0", generatedAt: Date(timeIntervalSince1970: 0),
                dataAsOf: Date(timeIntervalSince1970: 0), timeZone: "UTC", period: "2026-W47",
                periodStart: ReportDate(year: 2026, month: 11, day: 16),
                periodEnd: ReportDate(year: 2026, month: 11, day: 22), options: [], statements: []), timeZone: TimeZone(identifier: "UTC")!)
    }

    /// How the text reads back: NUL, U+FFFE and U+FFFF, which XML cannot hold, as U+FFFD.
    static func readBack(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { [0, 0xFFFE, 0xFFFF].contains($0.value) ? "\u{FFFD}" : $0 }))
    }

    /// The text Excel shows for a shared string: each `_xHHHH_` (ECMA-376 ST_Xstring) decoded,
    /// left to right. openpyxl 3.1 decodes none of them but drops every `x005F_`, so cells
    /// that hold `_x` are compared through `XLSXWriter.storable` instead.
    static func asExcelShows(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "_", index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_",
                let value = UInt32(String(String.UnicodeScalarView(scalars[index + 2...index + 5])), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                result.append(scalar)
                index += 7
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    @Test func textThatLooksLikeAnEscapeIsStoredSoExcelShowsItAsWritten() {
        var random = RandomText(seed: 0x5F)
        for _ in 0..<20_000 {
            let text = random.string()
            #expect(Self.asExcelShows(XLSXWriter.storable(text)) == Self.readBack(text), "\(text.debugDescription)")
        }
        #expect(XLSXWriter.storable("_x0041_ and _x005F_") == "_x005F_x0041_ and _x005F_x005F_")
        #expect(Self.asExcelShows("_x0041_") == "A")
    }

    @Test func textCellsAreTextAndNumbersAreNumbers() throws {
        var random = RandomText(seed: 1_048_576)
        let payloads = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1+1", "\u{FF1D}1+1"]
        var rows: [[ReportCell]] = []
        var expected: [(text: String, number: Double)] = []
        for index in 0..<800 {
            var text = random.string(pieces: 1...10)
            if index.isMultiple(of: 2) { text = payloads[index / 2 % payloads.count] + text }
            let number = Double(random.int(-1_000_000...1_000_000)) / 100
            rows.append([.text(text), .number(number), .integer(-index)])
            expected.append((text, number))
        }
        let table = ReportTable(
            name: "random", title: "Random",
            columns: [
                ReportColumn("text", "Text", .text), ReportColumn("change", "Change", .percent(places: 1)),
                ReportColumn("net", "Net", .integer),
            ], rows: rows)
        let folder = try TabularGolden.temporaryDirectory("xlsx-formula")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("random.xlsx")
        _ = try XLSXWriter().write(Self.document([table]), to: url)

        let workbook = try XLSXReadBack.read(url)
        let sheet = try #require(workbook.sheets.first)
        #expect(!sheet.cells.contains { $0.type == "f" }, "no cell is a formula")
        for (index, row) in expected.enumerated() {
            let line = index + 2
            let text = try #require(sheet["A\(line)"], "A\(line)")
            #expect(text.type == "s", "A\(line): \(row.text.debugDescription) is text")
            if !row.text.contains("_x") {
                let shown = text.value.string.map(Self.asExcelShows)
                #expect(shown == Self.readBack(row.text), "A\(line): \(row.text.debugDescription) read back as \(shown.debugDescription)")
            }
            let number = try #require(sheet["B\(line)"], "B\(line)")
            #expect(number.type == "n" && number.value.number == row.number, "B\(line)")
            if index > 0 {
                let integer = try #require(sheet["C\(line)"], "C\(line)")
                #expect(integer.type == "n" && integer.value.number == Double(-index), "C\(line)")
            }
        }
    }
}
