import Foundation
import Testing

@testable import Rendering

/// A table kept out of CSV (a comparison that only people read) still reaches HTML and XLSX.
@Suite struct CSVSelectionTests {
    @Test func tablesNotWrittenAsCSVAreLeftOutOfCSVOnly() throws {
        var document = SampleDocument.document
        document.sections[0].tables.append(
            ReportTable(
                name: "people-only", title: "Beside the previous period",
                columns: [ReportColumn("name", "Name", .text), ReportColumn("change", "Change", .percent(places: 1))],
                rows: [[.text("a"), .number(0.25)]], sheetTitle: "People only", isWrittenAsCSV: false))
        let output = try TabularGolden.temporaryDirectory("csvselection")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try OutputRun(outputDirectory: output, period: "2026-W47")
        let names = try run.addCSV(for: document)
        #expect(!names.contains("people-only.csv"))
        #expect(names.count == document.tables.count - 1)
        let summary = try run.addXLSX(for: document)
        #expect(summary.sheetNames.contains("People only"))
        run.discard()
    }
}
