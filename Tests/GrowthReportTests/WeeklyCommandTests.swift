import Database
import Digest
import Foundation
import PrivateCluster
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `growth-report weekly`: every report into one folder with one manifest, and a failed run
/// that leaves the previous pack as it was.
@Suite struct WeeklyCommandTests {
    static func seeded(_ label: String) throws -> String {
        let conninfo = try TestDatabase.create(label)
        try migrateAndSeed(conninfo)
        return conninfo
    }

    static func migrateAndSeed(_ conninfo: String) throws {
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "5", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    /// Every file of a folder with its bytes.
    static func files(in folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    @Test func writesEveryReportWithOneManifestThatMatchesTheFiles() throws {
        let conninfo = try Self.seeded("weekly")
        let folder = try CommandRunner.temporaryDirectory("weekly")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "weekly", "--week", "2026-W47", "--as-of", "2026-11-25",
            "--database-url", conninfo, "--output", folder.path,
        ])
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
        let before = try Self.files(in: pack)
        // The database goes away between two reports: drop a table the later reports read.
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        try connection.executeScript(named: "break", "ALTER TABLE ab_test_assignments RENAME TO ab_test_assignments_gone")
        let failed = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
        #expect(failed.status == 65, "\(failed.stderr)")
        #expect(failed.errorLines.count == 1)
        #expect(failed.stdout.isEmpty)
        #expect(try Self.files(in: pack) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func aRunWhoseServerIsKilledPartWayLeavesThePreviousPackIntact() throws {
        let own = try OwnCluster("weekly-kill")
        let conninfo = own.conninfo

        let folder = own.root.appendingPathComponent("Output")
        let arguments = [
            "weekly", "--week", "2026-W47", "--as-of", "2026-11-25", "--output", folder.path,
            "--database-url", conninfo,
        ]
        #expect(try CommandRunner.run(arguments + ["--quiet"]).status == 0)
        let pack = folder.appendingPathComponent("2026-W47")
        let before = try Self.files(in: pack)

        // viral, the report after partner-roi, reads viral_metrics: while another session holds
        // it, the run waits there, so the kill lands while the run still needs the server.
        let blocker = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        try blocker.executeScript(named: "block_viral", "BEGIN; LOCK TABLE viral_metrics IN ACCESS EXCLUSIVE MODE")
        let postmaster = try own.postmaster()
        nonisolated(unsafe) var killedAt: ContinuousClock.Instant?
        // The timeout matters only if the line never comes: the run would wait on the lock for good.
        let failed = try CommandRunner.run(arguments + ["--statement-timeout", "60s"]) { line in
            guard killedAt == nil, line.hasPrefix("partner-roi: built in") else { return }
            killedAt = .now
            kill(postmaster, SIGKILL) // a crash, not a shutdown: the server cannot tidy up
        }
        let killed = try #require(killedAt, "no partner-roi progress line: \(failed.stderr)")
        // Over a Unix socket libpq sees the lost connection at once; it must not wait for a timeout.
        #expect(killed.duration(to: .now) < .seconds(10))

        #expect(failed.status == 69, "\(failed.stderr)")
        let errors = failed.errorLines.filter { !$0.contains(": built in") }
        #expect(errors.count == 1, "\(failed.stderr)")
        #expect(errors.first?.hasPrefix("growth-report: The connection to PostgreSQL was lost") == true, "\(failed.stderr)")
        // libpq's wrapped sentence stays one sentence, and the line says what to do.
        #expect(errors.first?.contains("terminated abnormally before or while") == true, "\(failed.stderr)")
        #expect(errors.first?.hasSuffix("then run the command again.") == true, "\(failed.stderr)")
        #expect(!failed.stderr.contains("viral: built in"))
        #expect(failed.stdout.isEmpty)
        #expect(try Self.files(in: pack) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
