import Database
import Foundation
import Rendering
import TestSupport
import Testing

@testable import Reports

/// Every report rendered from a fixed model, without a database, in every format — HTML, each
/// CSV, the workbook as openpyxl reads it back, the manifest, and the executive summary's
/// e-mail (HTML and plain text) — and compared byte for byte with
/// `Tests/ReportsTests/Golden/<report>/`: a change to any document builder or renderer shows
/// up as a diff there. `RECORD_GOLDEN=1` re-records after a deliberate change.
@Suite struct ReportGoldenDocumentTests {
    static let golden = TestDatabase.packageRoot.appendingPathComponent("Tests/ReportsTests/Golden")

    static var configuration: RunConfiguration {
        RunConfiguration(
            period: GoldenModels.period, asOf: GoldenModels.asOf, generatedAt: GoldenModels.asOf,
            currency: .usDollar, output: FileManager.default.temporaryDirectory,
            connection: ConnectionSettings())
    }

    /// The document the pipeline makes: the report's own builder, its recorded options, and
    /// its statements as the record lists them.
    static func document<R: Report>(_ report: R, _ model: R.Model) throws -> ReportDocument {
        let statements = report.statements.map { RanStatement(name: $0.name, sql: $0.sql) }
        let document = report.document(
            model,
            context: configuration.context(
                for: report, statements: statements,
                toolVersion: "1.0.0-golden"))
        try document.validate()
        return document
    }

    static func document(of kind: ReportKind) throws -> ReportDocument {
        switch kind {
        case .partnerROI: try document(GoldenModels.partnerROIReport, GoldenModels.partnerROI)
        case .viral: try document(GoldenModels.viralReport, GoldenModels.viral)
        case .attribution: try document(GoldenModels.attributionReport, GoldenModels.attribution)
        case .abTest: try document(GoldenModels.abTestReport, GoldenModels.abTest)
        case .execSummary: try document(GoldenModels.execSummaryReport, GoldenModels.execSummary)
        case .doctor: try document(GoldenModels.doctorReport, GoldenModels.doctor)
        case .check: try document(GoldenModels.checkReport, GoldenModels.check)
        }
    }

    @Test(arguments: ReportKind.allCases)
    func everyFormatMatchesItsGoldenFiles(_ kind: ReportKind) throws {
        let report = kind.name
        let document = try Self.document(of: kind)
        #expect(document.report == report)
        let folder = try CommandRunner.temporaryDirectory("golden-\(report)")
        defer { try? FileManager.default.removeItem(at: folder) }

        let configuration = Self.configuration
        let run = try OutputRun(outputDirectory: folder, period: configuration.period.label)
        try run.add(fileNamed: "\(report).html", report: report, bytes: Data(HTMLRenderer().render(document).utf8))
        let csvFiles = try run.addCSV(for: document, options: CSVOptions(timeZone: configuration.timeZone))
        try run.addXLSX(for: document, options: XLSXOptions(timeZone: configuration.timeZone))
        let written = try run.commit(
            toolVersion: "1.0.0-golden", generatedAt: configuration.generatedAt,
            options: [.init("command", "growth-report \(report) --week 2026-W47")])
        let periodFolder = folder.appendingPathComponent(configuration.period.label)
        #expect(
            written.map(\.lastPathComponent).sorted()
                == (["\(report).html", "\(report).xlsx", "manifest.json"] + csvFiles).sorted())

        var files: [(name: String, bytes: Data)] = try (["\(report).html", "manifest.json"] + csvFiles).map { name in
            (name, try Data(contentsOf: periodFolder.appendingPathComponent(name)))
        }
        files.append(("\(report).xlsx.json", try GoldenFile.xlsxReadBack(periodFolder.appendingPathComponent("\(report).xlsx"))))
        if report == ReportKind.execSummary.name {
            files.append(("\(report).email.html", Data(try EmailRenderer().render(document, timeZone: configuration.timeZone).utf8)))
            files.append(("\(report).email.txt", Data(PlainTextRenderer(timeZone: configuration.timeZone).render(document).utf8)))
        }
        for file in files {
            let name = "\(report)/\(file.name)"
            if let difference = try GoldenFile.difference(file.bytes, from: Self.golden.appendingPathComponent(name), named: name) {
                Issue.record("\(difference)")
            }
        }
        // No golden file is left over from an earlier shape of the report.
        let recorded = try FileManager.default.contentsOfDirectory(atPath: Self.golden.appendingPathComponent(report).path)
        #expect(Set(recorded) == Set(files.map(\.name)))
    }
}
