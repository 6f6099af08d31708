import Database
import Foundation
import TestSupport
import Testing

/// `growth-report db doctor` end to end: a seeded database is healthy and the report lands in
/// `OUTPUT/doctor/<as-of day>/`; a dropped index is named on stderr and in the report, and the
/// exit code says a check failed; the record lists what the doctor ran.
@Suite struct DoctorCommandTests {
    static let period = ["--week", "2026-W47", "--as-of", "2026-11-25"]

    static func seeded(_ label: String) throws -> String {
        let conninfo = try TestDatabase.create(label)
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "9", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            guard result.status == 0 else { throw Faults.Failure(result.stderr) }
        }
        return conninfo
    }

    static func csvRows(_ url: URL) throws -> [[String]] {
        try DataAttack.csv(url)
    }

    @Test func afterAWeeklyPackTheDatabaseIsHealthyAndTheReportIsWrittenForTheDay() throws {
        let conninfo = try Self.seeded("doctorcli")
        let output = try CommandRunner.temporaryDirectory("doctorcli")
        defer { try? FileManager.default.removeItem(at: output) }
        // As after the demo: the reports have read their indexes once.
        let weekly = try CommandRunner.run(["weekly"] + Self.period + ["--quiet", "--format", "csv", "--output", output.path, "--database-url", conninfo])
        #expect(weekly.status == 0, "\(weekly.stderr)")
        let result = try CommandRunner.run(["db", "doctor"] + Self.period + ["--verbose", "--output", output.path, "--database-url", conninfo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.errorLines.last == "doctor: every check passed; not checked: slow statements (the report says why)", "\(result.stderr)")
        let folder = output.appendingPathComponent("doctor/2026-11-25")
        let names = result.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)) }
        #expect(!names.isEmpty)
        #expect(names.allSatisfy { $0.deletingLastPathComponent().standardizedFileURL == folder.standardizedFileURL }, "\(result.stdout)")
        #expect(
            Set(names.map(\.lastPathComponent)) == [
                "doctor.html", "doctor-checks.csv", "doctor-statements.csv", "doctor-indexes.csv",
                "doctor-unused-indexes.csv", "doctor-duplicate-indexes.csv", "doctor-tables.csv",
                "doctor-data-quality.csv", "doctor.xlsx", "manifest.json",
            ])

        // Every statement of every report of the weekly pack, explained; none a warning.
        let statements = try Self.csvRows(folder.appendingPathComponent("doctor-statements.csv"))
        let header = try #require(statements.first)
        let report = try #require(header.firstIndex(of: "report")), name = try #require(header.firstIndex(of: "statement"))
        let status = try #require(header.firstIndex(of: "status"))
        #expect(Set(statements.dropFirst().map { $0[report] }) == ["partner-roi", "viral", "attribution", "ab-test", "exec-summary"])
        #expect(statements.dropFirst().map { $0[name] }.contains("ab_test_counts"))
        #expect(statements.dropFirst().allSatisfy { $0[status] == "ok" }, "\(statements)")
        let checks = try Self.csvRows(folder.appendingPathComponent("doctor-checks.csv"))
        #expect(!checks.dropFirst().contains { $0[0] == "failing" || $0[0] == "warning" }, "\(checks)")
        #expect(checks.count > 5)

        // The record holds what the doctor ran, as --verbose logged it, with the period reported on.
        let recorded = try StatementRecordTests.recordedStatements(folder)
        let logged = StatementRecordTests.loggedStatements(result.errorLines)
        #expect(recorded["doctor"] == logged, "manifest \(recorded["doctor"] ?? []) vs log \(logged)")
        #expect(logged.contains("explain_partner_roi") && logged.contains("explain_ab_test_counts"), "\(logged)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
        #expect(manifest["period"] as? String == "2026-W47")
    }

    @Test func aDroppedIndexIsNamedAndTheExitCodeSaysACheckFailed() throws {
        let conninfo = try Self.seeded("doctordrop")
        let output = try CommandRunner.temporaryDirectory("doctordrop")
        defer { try? FileManager.default.removeItem(at: output) }
        try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
            .execute(Statement("drop_index", "DROP INDEX viral_metrics_created_at_idx"))

        let result = try CommandRunner.run(["db", "doctor"] + Self.period + ["--quiet", "--output", output.path, "--database-url", conninfo])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.errorLines.contains {
                $0.hasPrefix("growth-report: doctor: failing: viral_metrics_created_at_idx on viral_metrics (created_at) is missing.")
                    && $0.hasSuffix("Fix: CREATE INDEX CONCURRENTLY IF NOT EXISTS viral_metrics_created_at_idx ON viral_metrics (created_at);")
            }, "\(result.stderr)")
        // The report is written all the same, and says what to run.
        let folder = output.appendingPathComponent("doctor/2026-11-25")
        let checks = try Self.csvRows(folder.appendingPathComponent("doctor-checks.csv"))
        let failing = try #require(checks.first { $0[0] == "failing" && $0[2] == "Index viral_metrics_created_at_idx" }, "\(checks)")
        #expect(failing.last?.contains("CREATE INDEX CONCURRENTLY") == true, "\(failing)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("doctor.html").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.json").path))
    }

    @Test func theDoctorWritesNoEmail() throws {
        let result = try CommandRunner.run(["db", "doctor", "--format", "html,eml", "--database-url", "postgresql:///nowhere?host=/nonexistent"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.errorLines.count == 1 && result.stderr.contains("eml"), "\(result.stderr)")
    }
}
