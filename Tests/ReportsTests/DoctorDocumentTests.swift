import Database
import Foundation
import Rendering
import TestSupport
import Testing

@testable import Reports

/// The doctor's document from a real readout (a dropped index, hypopg when installed), rendered
/// to HTML, CSV and XLSX.
@Suite struct DoctorDocumentTests {
    /// Where the rendered page is left for a look (`chromium --headless --screenshot …`).
    static let outputFolder = TestDatabase.packageRoot.appendingPathComponent(".build/doctor-document")

    static func droppedIndexReadout() throws -> DoctorReadout {
        let fixture = try DoctorFixture("doctor_document")
        try fixture.connection.execute(Statement("drop_index", "DROP INDEX viral_metrics_created_at_idx"))
        try fixture.connection.execute(Statement("unused", "CREATE INDEX viral_metrics_action_idx ON viral_metrics (action_type)"))
        if try fixture.hypopgIsAvailable() {
            try fixture.connection.execute(Statement("create_hypopg", "CREATE EXTENSION hypopg"))
        }
        return try fixture.readout()
    }

    @Test func theDocumentHasItsSectionsTablesAndCallouts() throws {
        let readout = try Self.droppedIndexReadout()
        let document = DoctorDocument.make(
            readout,
            context: DoctorFixture.context(
                readout, options: DoctorReport(period: DoctorFixture.period).recordedOptions))
        #expect(document.report == "doctor" && DoctorDocument.report == "doctor")
        #expect(document.title == "Database doctor")
        #expect(document.sections.map(\.id) == ["checks", "statements", "indexes", "slow-statements", "tables"])
        let danger = document.callouts.filter { $0.tone == .danger }
        #expect(danger.map(\.title) == ["Index viral_metrics_created_at_idx"])
        #expect(danger.first?.text.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS viral_metrics_created_at_idx") == true)
        #expect(document.callouts.contains { $0.tone == .warning && $0.title == "Statement viral/viral_tallies" })

        let statements = try #require(document.table(named: "doctor-statements"))
        #expect(
            statements.columns.map(\.key) == [
                "report", "statement", "status", "verdict", "total_cost", "estimated_rows",
                "indexes_used", "seq_scans", "partitions",
            ])
        #expect(statements.rows.count == readout.statements.count)
        let tallies = try #require(statements.rows.first { $0[1] == .text("viral_tallies") })
        #expect(tallies[2] == .text("warning"))
        #expect(tallies[7] == .text("viral_metrics"))
        let tables = try #require(document.table(named: "doctor-tables"))
        let size = try #require(tables.columnIndex("total_size")), bytes = try #require(tables.columnIndex("total_bytes"))
        #expect(!tables.columns[bytes].display.isShownInHTML)
        if case .text(let text) = tables.rows[3][size] { #expect(text.hasSuffix("MB") || text.hasSuffix("kB")) } else { Issue.record("size") }
        let indexes = try #require(document.table(named: "doctor-indexes"))
        #expect(indexes.rows.count == Schema.indexes.count)
        #expect(document.table(named: "doctor-unused-indexes")?.rows.contains { $0[0] == .text("viral_metrics_action_idx") } == true)
        #expect(document.tables.allSatisfy { ($0.sheetTitle ?? $0.name).count <= 31 })
    }

    @Test func theDocumentRendersAsHTMLCSVAndXLSX() throws {
        let readout = try Self.droppedIndexReadout()
        let document = DoctorDocument.make(
            readout,
            context: DoctorFixture.context(
                readout, options: DoctorReport(period: DoctorFixture.period).recordedOptions))
        try FileManager.default.createDirectory(at: Self.outputFolder, withIntermediateDirectories: true)

        let templates = TestDatabase.packageRoot.appendingPathComponent("Templates")
        let html = try HTMLRenderer(templates: HTMLTemplates(bundledDirectory: templates)).render(document)
        try html.write(to: Self.outputFolder.appendingPathComponent("doctor.html"), atomically: true, encoding: .utf8)
        #expect(html.contains("Database doctor"))
        #expect(html.contains("viral_metrics_created_at_idx"))
        #expect(html.contains("Plans of the report statements"))
        #expect(html.range(of: #"\b(nan|inf|infinity)\b"#, options: [.regularExpression, .caseInsensitive]) == nil)
        // Bytes for people in the page, as numbers in the files.
        #expect(html.contains(" MB") || html.contains(" kB"))

        for table in document.tables where table.isWrittenAsCSV {
            let csv = String(decoding: CSVWriter().encode(table), as: UTF8.self)
            let header = csv.split(separator: "\r\n").first.map(String.init)
            #expect(header == table.columns.map(\.key).joined(separator: ","), "\(table.name)")
        }
        let tablesCSV = String(decoding: CSVWriter().encode(try #require(document.table(named: "doctor-tables"))), as: UTF8.self)
        #expect(tablesCSV.contains("\r\nviral_metrics,ok,,"))

        let workbook = Self.outputFolder.appendingPathComponent("doctor.xlsx")
        try XLSXWriter().write(document, to: workbook)
        // Read back by a real reader (openpyxl).
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["python3", TestDatabase.packageRoot.appendingPathComponent("scripts/read-xlsx.py").path, workbook.path]
        let output = Pipe()
        reader.standardOutput = output
        try reader.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sheets = (json["sheets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(["Checks", "Statements", "Expected indexes", "Tables"]).isSubset(of: Set(sheets)), "\(sheets)")
    }
}
