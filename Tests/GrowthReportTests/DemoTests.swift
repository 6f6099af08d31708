import Database
import Foundation
import TestSupport
import Testing

/// `demo` and `db start|stop|status` on a private cluster in a fresh folder, and their faults.
@Suite(.serialized) struct DemoTests {
    @Test func demoStartsSeedsAndIsReused() throws {
        let folder = try CommandRunner.temporaryDirectory("demo")
        defer {
            _ = try? CommandRunner.run(["db", "stop"], in: folder)
            try? FileManager.default.removeItem(at: folder)
        }
        let first = try CommandRunner.run(["demo", "--as-of", "2026-11-25"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        // stdout: the report files written for the last seeded week, then the database's URL.
        let lines = first.stdout.split(separator: "\n").map(String.init)
        let url = lines.last ?? ""
        #expect(url.hasPrefix("postgresql://"))
        #expect(lines.contains("Output/2026-W47/ab-test.html") && lines.contains("Output/2026-W47/manifest.json"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("Output/2026-W47/ab-test.xlsx").path))
        #expect(lines.contains("Output/2026-W47/exec-summary.eml"))
        #expect(first.stderr.contains("psql"))
        // Its own multi-line messages keep their line breaks (only text from outside is escaped).
        #expect(!first.stderr.contains("\\u{"), "\(first.stderr)")
        #expect(first.errorLines.contains { $0.hasPrefix("  file://") && $0.hasSuffix("/Output/2026-W47/exec-summary.html") }, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".growth-report").path))

        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: url))
        let viral = try connection.query(named: "count", "SELECT count(*) AS n FROM viral_metrics")[0].int("n")
        #expect(viral > 50_000)
        let last = try connection.query(named: "last", "SELECT max(created_at)::date::text AS d FROM viral_metrics")[0].string("d")
        #expect(last == "2026-11-22")

        let second = try CommandRunner.run(["demo", "--as-of", "2026-11-25"], in: folder)
        #expect(second.status == 0)
        #expect(second.stdout.split(separator: "\n").last.map(String.init) == url)
        #expect(second.stderr.contains("already holds data"))

        let status = try CommandRunner.run(["db", "status"], in: folder)
        #expect(status.stdout.hasPrefix("running: "))

        // With nothing configured, commands find the running private cluster.
        let migrate = try CommandRunner.run(["db", "migrate"], in: folder)
        #expect(migrate.status == 0, "\(migrate.stderr)")

        // A newcomer's doctor after the demo: a clean bill of health, no warning.
        let doctor = try CommandRunner.run(["db", "doctor", "--as-of", "2026-11-25"], in: folder)
        #expect(doctor.status == 0, "\(doctor.stderr)")
        #expect(doctor.errorLines.last == "doctor: every check passed; not checked: slow statements (the report says why)", "\(doctor.stderr)")
        #expect(doctor.stdout.split(separator: "\n").contains("Output/doctor/2026-11-25/doctor.html"), "\(doctor.stdout)")

        #expect(try CommandRunner.run(["db", "stop"], in: folder).status == 0)
        #expect(try CommandRunner.run(["db", "status"], in: folder).stdout.hasPrefix("stopped"))
        let restarted = try CommandRunner.run(["db", "start", "--quiet"], in: folder)
        #expect(restarted.status == 0)
        #expect(restarted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == url)
    }

    @Test func unwritableFolderExits73() throws {
        let folder = try CommandRunner.temporaryDirectory("unwritable")
        defer { try? FileManager.default.removeItem(at: folder) }
        // .growth-report exists as a file: nothing can be created under it, even as root.
        try Data("not a folder".utf8).write(to: folder.appendingPathComponent(".growth-report"))
        let result = try CommandRunner.run(["demo"], in: folder)
        #expect(result.status == 73)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains(".growth-report"))
    }

    @Test func missingPostgreSQLExits69() throws {
        let folder = try CommandRunner.temporaryDirectory("nopg")
        let emptyBin = try CommandRunner.temporaryDirectory("emptybin")
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: emptyBin)
        }
        // This machine has PostgreSQL installed; pointing the tool at a folder without it stands in.
        let result = try CommandRunner.run(
            ["demo"], in: folder,
            environment: ["GROWTH_REPORT_PG_BINDIR": emptyBin.path, "PATH": emptyBin.path])
        #expect(result.status == 69)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("initdb"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".growth-report/pgdata").path))
    }

    @Test func portInUseIsABadOptionValue() throws {
        let folder = try CommandRunner.temporaryDirectory("port")
        defer {
            _ = try? CommandRunner.run(["db", "stop"], in: folder)
            try? FileManager.default.removeItem(at: folder)
        }
        let listener = try TCPListener()
        defer { listener.close() }
        let result = try CommandRunner.run(["db", "start", "--port", "\(listener.port)"], in: folder)
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("\(listener.port)"))
    }
}
