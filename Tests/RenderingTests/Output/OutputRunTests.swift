import Digest
import Foundation
import Testing

@testable import Rendering

@Suite struct OutputRunTests {
    struct Boom: Error {}

    let options: [Reproducibility.Setting] = [.init("format", "csv,xlsx"), .init("database-url", "postgresql://app:****@db/growth")]

    static func contents(_ url: URL) -> Data? { FileManager.default.contents(atPath: url.path) }

    static func stagingFolders(in output: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix(".staging-") }
    }

    static func manifest(in folder: URL) throws -> OutputManifest {
        try OutputManifest.decode(try #require(contents(folder.appendingPathComponent("manifest.json"))))
    }

    @Test func tablesNotWrittenAsCSVAddNoFile() throws {
        let output = try TabularGolden.temporaryDirectory("output-nocsv")
        defer { try? FileManager.default.removeItem(at: output) }
        var document = SampleDocument.document
        let pivot = ReportTable(
            name: "ab-test-pivot", title: "Pivot", columns: [ReportColumn("k", "K", .text)],
            rows: [[.text("v")]], isWrittenAsCSV: false)
        document.sections[0].tables.append(pivot)
        let run = try OutputRun(outputDirectory: output.appendingPathComponent("Output"), period: "2026-W47")
        #expect(try run.addCSV(for: document) == ["ab-test.csv", "ab-test-tests.csv", "ab-test-data-quality.csv"])
        run.discard()
    }

    @Test func filesLandWithTheirHashesInTheManifest() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        let document = SampleDocument.document
        let run = try OutputRun(outputDirectory: output.appendingPathComponent("Output"), period: "2026-W47")
        let csvNames = try run.addCSV(for: document)
        let summary = try run.addXLSX(for: document)
        #expect(csvNames == ["ab-test.csv", "ab-test-tests.csv", "ab-test-data-quality.csv"])
        #expect(summary.chartCount == 2)
        let paths = try run.commit(toolVersion: "0.1.0", generatedAt: SampleDocument.generatedAt, options: options)

        let folder = output.appendingPathComponent("Output/2026-W47")
        #expect(paths.map(\.lastPathComponent) == csvNames + ["ab-test.xlsx", "manifest.json"])
        #expect(paths.allSatisfy { $0.deletingLastPathComponent().standardizedFileURL.path == folder.standardizedFileURL.path })
        #expect(try Self.stagingFolders(in: output.appendingPathComponent("Output")).isEmpty)

        let manifest = try Self.manifest(in: folder)
        #expect(manifest.period == "2026-W47")
        #expect(manifest.toolVersion == "0.1.0")
        #expect(manifest.generatedAt == "2026-11-23T08:00:00Z")
        #expect(manifest.options == options.map { OutputManifest.Setting(name: $0.name, value: $0.value) })
        #expect(manifest.files.map(\.path) == ["ab-test-data-quality.csv", "ab-test-tests.csv", "ab-test.csv", "ab-test.xlsx"])
        for file in manifest.files {
            let data = try #require(Self.contents(folder.appendingPathComponent(file.path)))
            #expect(file.sha256 == SHA256.hex(of: data), "\(file.path)")
            #expect(file.bytes == data.count)
            #expect(file.report == "ab-test")
        }
        #expect(Self.contents(folder.appendingPathComponent("ab-test.csv")) == CSVWriter().encode(document.table(named: "ab-test")!))
        let report = try #require(manifest.reports.first)
        #expect(manifest.reports.count == 1)
        #expect(report.title == "A/B test readout")
        #expect(report.statements.map(\.name) == ["ab_test_variants", "ab_test_tests"])
        #expect(report.statements.first?.sha256 == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        #expect(report.dataAsOf == "2026-11-23T07:59:00Z" && report.timeZone == "Europe/Berlin")
        #expect(report.periodStart == "2026-11-16" && report.periodEnd == "2026-11-22")
        // snake_case keys on disk.
        let text = String(decoding: try #require(Self.contents(folder.appendingPathComponent("manifest.json"))), as: UTF8.self)
        #expect(text.contains("\"tool_version\"") && text.contains("\"sha256\"") && text.contains("\"data_as_of\""))
    }

    @Test func aWriteThatThrowsLeavesThePreviousFilesAndNoStaging() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        let first = try OutputRun(outputDirectory: output, period: "2026-W47")
        try first.add(fileNamed: "a.csv", report: "a", bytes: Data("old a\r\n".utf8))
        try first.add(fileNamed: "b.csv", report: "b", bytes: Data("old b\r\n".utf8))
        try first.commit(toolVersion: "1", generatedAt: Date(timeIntervalSince1970: 0), options: [])
        let folder = output.appendingPathComponent("2026-W47")
        let manifestBefore = Self.contents(folder.appendingPathComponent("manifest.json"))

        let second = try OutputRun(outputDirectory: output, period: "2026-W47")
        try second.add(fileNamed: "a.csv", report: "a", bytes: Data("new a\r\n".utf8))
        #expect(throws: Boom.self) {
            try second.write(fileNamed: "b.csv", report: "b") { url in
                try Data("half of b".utf8).write(to: url)
                throw Boom()
            }
        }
        #expect(Self.contents(folder.appendingPathComponent("a.csv")) == Data("old a\r\n".utf8))
        #expect(Self.contents(folder.appendingPathComponent("b.csv")) == Data("old b\r\n".utf8))
        #expect(Self.contents(folder.appendingPathComponent("manifest.json")) == manifestBefore)
        #expect(try Self.stagingFolders(in: output).isEmpty)
        // The failed run is over.
        #expect(throws: OutputError.self) { try second.commit(toolVersion: "1", generatedAt: Date(), options: []) }
    }

    @Test func aRenameThatFailsHalfWayPutsTheOldFilesBack() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        let folder = output.appendingPathComponent("2026-W47")
        let first = try OutputRun(outputDirectory: output, period: "2026-W47")
        try first.add(fileNamed: "a.csv", report: "a", bytes: Data("old a\r\n".utf8))
        try first.commit(toolVersion: "1", generatedAt: Date(timeIntervalSince1970: 0), options: [])
        let manifestBefore = Self.contents(folder.appendingPathComponent("manifest.json"))
        // A non-empty folder where b.csv should go makes its rename fail after a.csv was replaced.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("b.csv/inside"), withIntermediateDirectories: true)

        let second = try OutputRun(outputDirectory: output, period: "2026-W47")
        try second.add(fileNamed: "a.csv", report: "a", bytes: Data("new a\r\n".utf8))
        try second.add(fileNamed: "b.csv", report: "b", bytes: Data("new b\r\n".utf8))
        do {
            try second.commit(toolVersion: "1", generatedAt: Date(), options: [])
            Issue.record("the commit succeeded")
        } catch let error as OutputError {
            #expect(error.code == .cannotWrite)
            #expect(error.path.hasSuffix("2026-W47/b.csv"))
            #expect(error.isOutputUnwritable)
        }
        #expect(Self.contents(folder.appendingPathComponent("a.csv")) == Data("old a\r\n".utf8))
        #expect(Self.contents(folder.appendingPathComponent("manifest.json")) == manifestBefore)
        #expect(try Self.stagingFolders(in: output).isEmpty)
    }

    @Test func anUnwritableOutputFolderIsAClearError() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        // Tests run as root, so permissions would not stop us: a regular file in the way does.
        let blocker = output.appendingPathComponent("blocker")
        try Data("not a folder".utf8).write(to: blocker)
        let target = blocker.appendingPathComponent("Output")
        do {
            _ = try OutputRun(outputDirectory: target, period: "2026-W47")
            Issue.record("a run under a regular file started")
        } catch let error as OutputError {
            #expect(error.code == .cannotCreateDirectory)
            #expect(error.isOutputUnwritable)
            #expect(error.path == blocker.path || error.path == target.path)
            #expect(error.description.contains(blocker.path))
            #expect(error.reason == String(cString: strerror(ENOTDIR)))
        }
        do {
            _ = try OutputRun(outputDirectory: blocker, period: "2026-W47")
            Issue.record("a run into a regular file started")
        } catch let error as OutputError {
            #expect(error.code == .cannotCreateDirectory && error.path == blocker.path)
        }
    }

    @Test func aPartialRunKeepsTheManifestEntriesOfOtherReports() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        let folder = output.appendingPathComponent("2026-W47")
        var partner = SampleDocument.document
        partner.report = "partner-roi"
        partner.title = "Partner ROI"
        partner.reproducibility.statements = [.init("partner_totals", String(repeating: "ab", count: 32))]

        let weekly = try OutputRun(outputDirectory: output, period: "2026-W47")
        try weekly.add(fileNamed: "ab-test.csv", report: "ab-test", bytes: Data("old\r\n".utf8))
        weekly.record(SampleDocument.document)
        try weekly.add(fileNamed: "partner-roi.csv", report: "partner-roi", bytes: Data("partners\r\n".utf8))
        weekly.record(partner)
        try weekly.commit(toolVersion: "1", generatedAt: Date(timeIntervalSince1970: 0), options: [.init("command", "weekly")])
        let before = try Self.manifest(in: folder)
        #expect(before.reports.map(\.report) == ["ab-test", "partner-roi"])

        let again = try OutputRun(outputDirectory: output, period: "2026-W47")
        try again.add(fileNamed: "ab-test.csv", report: "ab-test", bytes: Data("new\r\n".utf8))
        again.record(SampleDocument.document)
        try again.commit(toolVersion: "2", generatedAt: Date(timeIntervalSince1970: 60), options: [.init("command", "ab-test")])
        let after = try Self.manifest(in: folder)
        #expect(after.toolVersion == "2")
        #expect(after.options == [OutputManifest.Setting(name: "command", value: "ab-test")])
        #expect(after.files.map(\.path) == ["ab-test.csv", "partner-roi.csv"])
        #expect(after.files.first { $0.path == "ab-test.csv" }?.sha256 == SHA256.hex(of: Data("new\r\n".utf8)))
        #expect(after.files.first { $0.path == "partner-roi.csv" } == before.files.first { $0.path == "partner-roi.csv" })
        #expect(after.reports.map(\.report) == ["ab-test", "partner-roi"])
        #expect(after.reports.last == before.reports.last)
        #expect(Self.contents(folder.appendingPathComponent("partner-roi.csv")) == Data("partners\r\n".utf8))

        // An entry whose file is gone is dropped, and so is its report.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("partner-roi.csv"))
        let third = try OutputRun(outputDirectory: output, period: "2026-W47")
        try third.add(fileNamed: "ab-test.csv", report: "ab-test", bytes: Data("third\r\n".utf8))
        try third.commit(toolVersion: "3", generatedAt: Date(timeIntervalSince1970: 120), options: [])
        let pruned = try Self.manifest(in: folder)
        #expect(pruned.files.map(\.path) == ["ab-test.csv"])
        #expect(pruned.reports.map(\.report) == ["ab-test"])
        // This run did not record the document, so the entry holds only the report id.
        #expect(pruned.reports.first?.statements.isEmpty == true)
    }

    @Test func anAbandonedRunLeavesNoStaging() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        do {
            let run = try OutputRun(outputDirectory: output, period: "2026-11")
            try run.add(fileNamed: "x.csv", report: "x", bytes: Data("x".utf8))
            #expect(try Self.stagingFolders(in: output).count == 1)
        }
        #expect(try Self.stagingFolders(in: output).isEmpty)
        // The period folder is made by the commit: a run that never commits leaves none.
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("2026-11").path))

        let discarded = try OutputRun(outputDirectory: output, period: "2026-11")
        try discarded.add(fileNamed: "x.csv", report: "x", bytes: Data("x".utf8))
        discarded.discard()
        #expect(try Self.stagingFolders(in: output).isEmpty)
        #expect(throws: OutputError.self) { try discarded.add(fileNamed: "y.csv", report: "x", bytes: Data()) }
    }

    @Test func fileNamesMustBePlainAndUnique() throws {
        let output = try TabularGolden.temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: output) }
        #expect(throws: OutputError(.invalidFileName, path: "../escape")) {
            _ = try OutputRun(outputDirectory: output, period: "../escape")
        }
        for name in ["../x.csv", "a/b.csv", ".hidden", "", "manifest.json"] {
            let run = try OutputRun(outputDirectory: output, period: "2026-W47")
            #expect(throws: OutputError(.invalidFileName, path: name)) {
                try run.add(fileNamed: name, report: "x", bytes: Data())
            }
        }
        let run = try OutputRun(outputDirectory: output, period: "2026-W47")
        try run.add(fileNamed: "a.csv", report: "x", bytes: Data())
        #expect(throws: OutputError.self) { try run.add(fileNamed: "a.csv", report: "x", bytes: Data()) }
        // Every failure ends the run.
        #expect(throws: OutputError(.runFinished, path: run.periodDirectory.path)) {
            try run.add(fileNamed: "b.csv", report: "x", bytes: Data())
        }
        let silent = try OutputRun(outputDirectory: output, period: "2026-W47")
        #expect(throws: OutputError.self) { try silent.write(fileNamed: "never.csv", report: "x") { _ in } }
        #expect(try Self.stagingFolders(in: output).isEmpty)
    }
}
