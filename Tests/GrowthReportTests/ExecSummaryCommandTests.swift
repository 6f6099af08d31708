import Database
import Digest
import Foundation
import TestSupport
import Testing

/// `growth-report exec-summary`: the page, its tables, and the `.eml` read back by Python's
/// standard `email` package.
@Suite struct ExecSummaryCommandTests {
    static let mail = [
        "--mail-from", "Growth Reports <reports@example.com>",
        "--mail-to", "ceo@example.com,cfo@example.com", "--mail-to", "Zoë Ops <ops@example.com>",
    ]

    @Test func writesEveryFormatAndAnEMLThatAStandardParserReads() throws {
        let conninfo = try WeeklyCommandTests.seeded("exec")
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        try connection.executeScript(
            named: "metrics",
            """
            DELETE FROM real_time_metrics;
            INSERT INTO real_time_metrics (metric_name, metric_value, last_updated) VALUES
              ('fresh_metric', 12.5, '2026-11-24 01:00:00+00'), ('stale_metric', 3, '2026-11-23 23:00:00+00');
            """)
        let folder = try CommandRunner.temporaryDirectory("exec")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            [
                "exec-summary", "--week", "2026-W47", "--as-of", "2026-11-25",
                "--database-url", conninfo, "--output", folder.path,
            ] + Self.mail)
        #expect(result.status == 0, "\(result.stderr)")
        let pack = folder.appendingPathComponent("2026-W47")
        for name in [
            "exec-summary.html", "exec-summary.xlsx", "exec-summary.eml", "exec-summary-kpis.csv",
            "exec-summary-partners.csv", "exec-summary-experiments.csv", "exec-summary-real-time.csv",
            "exec-summary-data-quality.csv",
        ] {
            #expect(FileManager.default.fileExists(atPath: pack.appendingPathComponent(name).path), "\(name)")
        }
        let kpis = try String(contentsOf: pack.appendingPathComponent("exec-summary-kpis.csv"), encoding: .utf8)
        for key in ["new_customers", "partner_revenue", "blended_roi", "viral_conversions", "k_factor", "shares"] {
            #expect(kpis.contains("\n\(key),"), "\(key)")
        }
        let realTime = try String(contentsOf: pack.appendingPathComponent("exec-summary-real-time.csv"), encoding: .utf8)
        #expect(realTime.components(separatedBy: .newlines).contains { $0.hasPrefix("fresh_metric,") && $0.hasSuffix(",false") })
        #expect(realTime.components(separatedBy: .newlines).contains { $0.hasPrefix("stale_metric,") && $0.hasSuffix(",true") })
        // A test flagged for a sample-ratio mismatch is never shown as significant or with an uplift.
        let experiments = try String(contentsOf: pack.appendingPathComponent("exec-summary-experiments.csv"), encoding: .utf8)
            .components(separatedBy: .newlines).filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        #expect(
            experiments.first == [
                "test_name", "verdict", "users", "uplift_relative", "p_value", "revenue_per_user_relative", "is_significant", "srm_flag",
                "health",
            ])
        let flagged = experiments.dropFirst().filter { $0.count == 9 && $0[7] == "true" }
        #expect(!flagged.isEmpty, "the small seed has a test with SRM")
        for row in flagged {
            #expect(row[3] == "" && row[4] == "" && row[5] == "" && row[6] == "false" && row[1].hasPrefix("SRM"), "\(row)")
        }
        let browser = try String(contentsOf: pack.appendingPathComponent("exec-summary.html"), encoding: .utf8)
        #expect(browser.contains("<svg"))

        let eml = try Self.read(pack.appendingPathComponent("exec-summary.eml"))
        let headers = eml["headers"] as! [String: Any]
        #expect(headers["subject"] as? String == "Executive summary — 2026-W47")
        #expect((headers["raw_subject"] as! String).hasPrefix("=?UTF-8?B?"))
        #expect(headers["to_addresses"] as? [String] == ["ceo@example.com", "cfo@example.com", "ops@example.com"])
        #expect((headers["from"] as! String).contains("reports@example.com"))
        #expect(headers["date_valid"] as? Bool == true)
        #expect((headers["message_id"] as! String).hasSuffix("@example.com>"))
        #expect(headers["mime_version"] as? String == "1.0")
        #expect((eml["defects"] as! [String]).isEmpty)
        #expect(eml["bare_lf"] as? Int == 0)
        #expect(eml["long_lines"] as? Int == 0)
        #expect(eml["non_ascii_bytes"] as? Int == 0)

        let tree = eml["tree"] as! [String: Any]
        #expect(tree["content_type"] as? String == "multipart/mixed")
        let parts = tree["parts"] as! [[String: Any]]
        try #require(parts.count == 2)
        #expect(parts[0]["content_type"] as? String == "multipart/alternative")
        let alternative = parts[0]["parts"] as! [[String: Any]]
        try #require(alternative.count == 2)
        let text = alternative[0], html = alternative[1]
        #expect(text["content_type"] as? String == "text/plain")
        #expect(html["content_type"] as? String == "text/html")
        for part in [text, html] {
            #expect(part["charset"] as? String == "utf-8")
            #expect(part["transfer_encoding"] as? String == "quoted-printable")
            #expect((part["defects"] as! [String]).isEmpty)
        }
        let plain = text["text"] as! String
        for words in ["Executive summary", "New customers", "Top partners", "Experiments", "Real-time metrics", "stale_metric"] {
            #expect(plain.contains(words), "\(words)")
        }
        #expect(!plain.contains("<"))
        let page = html["text"] as! String
        #expect(page.utf8.count < 102 * 1024)
        let lower = page.lowercased()
        for forbidden in ["<script", "<svg", "http://", "https://", "src=", "url(", "@import", "<link"] {
            #expect(!lower.contains(forbidden), "\(forbidden)")
        }
        #expect(page.contains("Partner revenue") && page.contains("stale_metric"))
        let attachment = parts[1]
        #expect(attachment["content_type"] as? String == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        #expect(attachment["transfer_encoding"] as? String == "base64")
        #expect(attachment["disposition"] as? String == "attachment")
        #expect(attachment["filename"] as? String == "exec-summary.xlsx")
        // The workbook attached is the pack's own.
        #expect(attachment["sha256"] as? String == SHA256.hex(of: try Data(contentsOf: pack.appendingPathComponent("exec-summary.xlsx"))))
        let sheets = attachment["sheets"] as! [String]
        #expect(sheets.contains("KPIs") && sheets.contains("Top partners") && sheets.contains("Real-time"))
    }

    @Test(arguments: [
        (["--subject", "Weekly\r\nBcc: victim@example.net"], "line break"),
        (["--subject", "Weekly\nBcc: victim@example.net"], "line break"),
        (["--mail-to", "ceo@example.com\r\nBcc: victim@example.net"], "line break"),
        (["--mail-from", "reports@example.com\nBcc: victim@example.net"], "line break"),
        (["--mail-to", "not-an-address"], "exactly one @"),
        (["--mail-to", "a@b@example.com"], "exactly one @"),
        (["--mail-to", "ceo@localhost"], "domain name"),
        (["--mail-to", "Eve <eve@example.com>, <bad address@example.com>"], "local part"),
        (["--mail-from", "\"Eve\" Mallory\" <eve@example.com>"], "quote"),
    ])
    func headerValuesThatCouldInjectOrAreNotAddressesAreRejected(extra: [String], reason: String) throws {
        let folder = try CommandRunner.temporaryDirectory("exec-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = [
            "exec-summary", "--week", "2026-W47", "--as-of", "2026-11-25", "--format", "eml",
            "--database-url", "postgresql://nobody@127.0.0.1:1/none", "--output", folder.path,
            "--mail-from", "reports@example.com", "--mail-to", "ceo@example.com",
        ]
        arguments += extra
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/exec-summary.eml").path))
    }

    @Test func emlWithoutAddressesIsAUsageErrorAndOtherReportsRefuseEML() throws {
        let base = ["--week", "2026-W47", "--as-of", "2026-11-25", "--database-url", "postgresql://nobody@127.0.0.1:1/none"]
        let missing = try CommandRunner.run(["exec-summary", "--format", "eml"] + base)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("--mail-from"))
        let viral = try CommandRunner.run(["viral", "--format", "eml"] + base)
        #expect(viral.status == 64)
    }

    /// The message as Python's `email` package reads it (`scripts/read-eml.py`).
    static func read(_ url: URL) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.packageRoot.appendingPathComponent("scripts/read-eml.py").path, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/read-eml.py needs python3 and openpyxl")
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
