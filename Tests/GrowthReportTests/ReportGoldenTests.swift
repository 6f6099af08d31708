import Database
import Foundation
import TestSupport
import Testing

/// Every report's CSV files for the small seed (seed 42, the week 2026-W47), compared byte for
/// byte with golden files: a change in any number shows up here. `RECORD_GOLDEN=1` re-records.
@Suite struct ReportGoldenTests {
    static let golden = TestDatabase.packageRoot.appendingPathComponent("Tests/GrowthReportTests/Golden")

    static let seeded: Result<String, Error> = Result {
        let conninfo = try TestDatabase.create("golden")
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "42", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            guard result.status == 0 else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        }
        return conninfo
    }

    @Test(arguments: [
        ("partner-roi", ["partner-roi.csv", "partner-roi-by-type.csv", "partner-roi-data-quality.csv"]),
        ("viral", ["viral.csv", "viral-trend.csv", "viral-data-quality.csv"]),
        ("attribution", ["attribution.csv", "attribution-data-quality.csv"]),
        ("ab-test", ["ab-test.csv", "ab-test-tests.csv", "ab-test-data-quality.csv"]),
    ])
    func csvMatchesTheGoldenFiles(_ report: String, _ files: [String]) throws {
        let conninfo = try Self.seeded.get()
        let folder = try CommandRunner.temporaryDirectory("golden-\(report)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            report, "--week", "2026-W47", "--as-of", "2026-11-25", "--format", "csv",
            "--database-url", conninfo, "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        for file in files {
            let written = try Data(contentsOf: folder.appendingPathComponent("2026-W47/\(file)"))
            if let difference = try GoldenFile.difference(written, from: Self.golden.appendingPathComponent(file), named: file) {
                Issue.record("\(difference)")
            }
        }
    }
}
