import Database
import Digest
import Foundation
import TestSupport
import Testing

/// `growth-report weekly`: every report into one folder with one manifest, and a failed run
/// that leaves the previous pack as it was.
@Suite struct WeeklyCommandTests {
    static func seeded(_ label: String) throws -> String {
        let conninfo = try TestDatabase.create(label)
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "5", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            #expect(result.status == 0, "\(result.stderr)")
        }
        return conninfo
    }

    @Test func writesEveryReportWithOneManifestThatMatchesTheFiles() throws {
        let conninfo = try Self.seeded("weekly")
        let folder = try CommandRunner.temporaryDirectory("weekly")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["weekly", "--week", "2026-W47", "--as-of", "2026-11-25",
                                            "--database-url", conninfo, "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        for report in ["partner-roi", "viral", "attribution", "exec-summary", "ab-test"] {
            #expect(result.stderr.contains("\(report): built in"))
            for ext in ["html", "xlsx"] {
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/\(report).\(ext)").path), "\(report).\(ext)")
            }
        }
        let pack = folder.appendingPathComponent("2026-W47")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: pack.appendingPathComponent("manifest.json"))) as! [String: Any]
        let files = manifest["files"] as! [[String: Any]]
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: pack.path).filter { $0 != "manifest.json" }
        #expect(Set(files.map { $0["path"] as! String }) == Set(onDisk))
        for file in files {
            let data = try Data(contentsOf: pack.appendingPathComponent(file["path"] as! String))
            #expect(SHA256.hex(of: data) == file["sha256"] as? String)
            #expect(data.count == file["bytes"] as? Int)
        }
        let stdoutPaths = result.stdout.split(separator: "\n")
        #expect(stdoutPaths.count == files.count + 1)
    }

    @Test func aRunThatFailsPartWayLeavesThePreviousPackIntact() throws {
        let conninfo = try Self.seeded("weekly_fail")
        let folder = try CommandRunner.temporaryDirectory("weekly-fail")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["weekly", "--week", "2026-W47", "--as-of", "2026-11-25", "--output", folder.path]
        #expect(try CommandRunner.run(arguments + ["--database-url", conninfo]).status == 0)
        let pack = folder.appendingPathComponent("2026-W47")
        let before = try FileManager.default.contentsOfDirectory(atPath: pack.path).sorted().map {
            ($0, try Data(contentsOf: pack.appendingPathComponent($0)))
        }
        // The database goes away between two reports: drop a table the later reports read.
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        try connection.executeScript(named: "break", "ALTER TABLE ab_test_assignments RENAME TO ab_test_assignments_gone")
        let failed = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
        #expect(failed.status == 65, "\(failed.stderr)")
        #expect(failed.errorLines.count == 1)
        #expect(failed.stdout.isEmpty)
        let after = try FileManager.default.contentsOfDirectory(atPath: pack.path).sorted().map {
            ($0, try Data(contentsOf: pack.appendingPathComponent($0)))
        }
        #expect(after.map(\.0) == before.map(\.0))
        #expect(zip(after, before).allSatisfy { $0.1 == $1.1 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
