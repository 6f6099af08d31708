import Database
import Foundation
import TestSupport
import Testing

/// `growth-report ab-test` end to end against hand-built rows: files, exit codes, safety.
@Suite struct ABTestCommandTests {
    /// Inserts `users` users of a variant assigned on 2026-11-17, the first `converting` converted.
    static func add(_ connection: PostgresConnection, test: String, variant: String, users: Int, converting: Int, prefix: String) throws {
        try connection.execute(
            named: "rows",
            """
            INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
            SELECT $1 || g || '@example.com', $2, $3, CASE WHEN g <= $5 THEN 'purchase' END,
                   CASE WHEN g <= $5 THEN timestamptz '2026-11-18 10:00+00' END, timestamptz '2026-11-17 09:00+00'
            FROM generate_series(1, $4::int) AS g
            """, parameters: [.text(prefix), .text(test), .text(variant), .int(users), .int(converting)])
    }

    static func database(_ label: String) throws -> (PostgresConnection, String) {
        let (connection, conninfo) = try TestDatabase.migrated(label)
        try add(connection, test: "<script>alert(1)</script>", variant: "control", users: 400, converting: 40, prefix: "a")
        try add(connection, test: "<script>alert(1)</script>", variant: "=SUM(A1)", users: 400, converting: 70, prefix: "b")
        try add(connection, test: "Café, \"quoted\"", variant: "control", users: 30, converting: 3, prefix: "c")
        try add(connection, test: "Café, \"quoted\"", variant: "🚀 rocket", users: 31, converting: 4, prefix: "d")
        return (connection, conninfo)
    }

    @Test func writesEveryFormatAndAManifest() throws {
        let (_, conninfo) = try Self.database("abcli")
        let folder = try CommandRunner.temporaryDirectory("abcli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["ab-test", "--week", "2026-W47", "--database-url", conninfo, "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let written = result.stdout.split(separator: "\n").map(String.init)
        let names = Set(written.map { URL(fileURLWithPath: $0).lastPathComponent })
        #expect(
            names == [
                "ab-test.html", "ab-test.csv", "ab-test-tests.csv", "ab-test-revenue.csv", "ab-test-daily.csv", "ab-test-data-quality.csv",
                "ab-test.xlsx", "manifest.json",
            ])
        let period = folder.appendingPathComponent("2026-W47")
        let html = try String(contentsOf: period.appendingPathComponent("ab-test.html"), encoding: .utf8)
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        let csv = try String(contentsOf: period.appendingPathComponent("ab-test.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("test_name,variant,is_control,users,conversions,conversion_rate,rate_ci_low,rate_ci_high,uplift_abs,"))
        #expect(csv.contains("<script>alert(1)</script>,'=SUM(A1),false,400,70,0.175,"))
        #expect(csv.contains("\"Café, \"\"quoted\"\"\",control,true,30,3,0.1,"))
        let tests = try String(contentsOf: period.appendingPathComponent("ab-test-tests.csv"), encoding: .utf8)
        #expect(tests.contains("<script>alert(1)</script>,2,800,0,0,1,false,,ship =SUM(A1)\r\n"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: period.appendingPathComponent("manifest.json"))) as? [String: Any]
        #expect((manifest?["files"] as? [[String: Any]])?.count == 7)
    }

    @Test func sequentialAddsItsColumnLast() throws {
        let (_, conninfo) = try Self.database("abseq")
        let folder = try CommandRunner.temporaryDirectory("abseq")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "ab-test", "--week", "2026-W47", "--sequential", "--format", "csv",
            "--database-url", conninfo, "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: folder.appendingPathComponent("2026-W47/ab-test.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\r\n").first?.hasSuffix(",users_needed,p_value_sequential,sequential_tau") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/ab-test.html").path))
    }

    @Test(arguments: [
        (["--test", "nope"], Int32(65), "the tests are: <script>alert(1)</script>, Café"),
        (["--control", "missing"], 65, "no variant named 'missing'"),
        (["--week", "2026-W30"], 65, "No test has assignments"),
        (["--alpha", "1.5"], 64, "--alpha"),
        (["--alpha", "0"], 64, "--alpha"),
        (["--sequential", "--tau", "1e200"], 64, "--tau"),
        (["--weights", "control=50,B=-1"], 64, "--weights"),
        (["--test", "Café, \"quoted\"", "--weights", "control=50,other=50"], 64, "--weights"),
        (["--week", "2026-W99"], 64, "--week"),
        (["--format", "pdf"], 64, "--format"),
    ])
    func badInputIsOneClearLine(_ extra: [String], _ status: Int32, _ fragment: String) throws {
        let (_, conninfo) = try Self.database("aberr")
        let folder = try CommandRunner.temporaryDirectory("aberr")
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = ["ab-test", "--database-url", conninfo, "--output", folder.path]
        if !extra.contains("--week") { arguments += ["--week", "2026-W47"] }
        let result = try CommandRunner.run(arguments + extra)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        // Nothing half-written.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("2026-W47").path))?.isEmpty ?? true)
    }

    @Test func longWindowsAndLocalDatesWork() throws {
        let (connection, conninfo) = try Self.database("abwindow")
        // A test with only a control so far is left out of a readout of all tests, and counted.
        try Self.add(connection, test: "just_started", variant: "control", users: 5, converting: 0, prefix: "js")
        let folder = try CommandRunner.temporaryDirectory("abwindow")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Monday 23 Nov at midnight in Los Angeles: the default period is that zone's W47.
        let result = try CommandRunner.run([
            "ab-test", "--timezone", "America/Los_Angeles", "--as-of", "2026-11-23",
            "--conversion-window", "30d", "--format", "csv",
            "--database-url", conninfo, "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let quality = try String(contentsOf: folder.appendingPathComponent("2026-W47/ab-test-data-quality.csv"), encoding: .utf8)
        #expect(quality.contains("tests left out: fewer than two variants with users,1\r\n"))
    }

    @Test func aBrokenTemplateOverrideNamesItsFileAndLine() throws {
        let (_, conninfo) = try Self.database("abtpl")
        let folder = try CommandRunner.temporaryDirectory("abtpl")
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "<section>\n{{#callouts}}\n<p>{{title}}</p>\n".write(to: templates.appendingPathComponent("section.mustache"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.run([
            "ab-test", "--week", "2026-W47", "--templates", templates.path,
            "--database-url", conninfo, "--output", folder.appendingPathComponent("out").path,
        ])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("section.mustache:2"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/2026-W47/ab-test.csv").path))
    }

    @Test func aFailedRunKeepsThePreviousReport() throws {
        let (connection, conninfo) = try Self.database("abkeep")
        let folder = try CommandRunner.temporaryDirectory("abkeep")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["ab-test", "--week", "2026-W47", "--database-url", conninfo, "--output", folder.path]
        #expect(try CommandRunner.run(arguments).status == 0)
        let csvURL = folder.appendingPathComponent("2026-W47/ab-test.csv")
        let before = try Data(contentsOf: csvURL)
        // A test without a control now makes the readout fail: the old files stay as they were.
        try Self.add(connection, test: "broken", variant: "a", users: 5, converting: 1, prefix: "x")
        try Self.add(connection, test: "broken", variant: "b", users: 5, converting: 1, prefix: "y")
        let failed = try CommandRunner.run(arguments)
        #expect(failed.status == 65)
        #expect(try Data(contentsOf: csvURL) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}
