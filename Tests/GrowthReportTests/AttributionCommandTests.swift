import Database
import Foundation
import TestSupport
import Testing

/// `growth-report attribution` end to end: files, exact CSV columns, names that are data, bad input.
@Suite struct AttributionCommandTests {
    static let longName = String(repeating: "x", count: 499) + "é"
    static let channels = ["a, b", "say \"hi\"", "line\nbreak", "=SUM(A1)", "<script>alert(1)</script>", "🚀 rocket", longName]

    /// One user per channel: a touch on 17 Nov, a conversion worth 10.00 on 18 Nov; and one
    /// direct conversion worth 2.50.
    static func database(_ label: String) throws -> String {
        let (connection, conninfo) = try TestDatabase.migrated(label)
        for (index, channel) in channels.enumerated() {
            let user = PostgresValue.text("user\(index)@example.com")
            try connection.execute(
                named: "touch",
                """
                INSERT INTO viral_metrics (user_email, action_type, source_platform, created_at)
                VALUES ($1, 'referral', $2, timestamptz '2026-11-17 09:00+00')
                """, parameters: [user, .text(channel)])
            try connection.execute(
                named: "conversion",
                """
                INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
                VALUES ($1, 'purchase', 10.00, timestamptz '2026-11-18 10:00+00')
                """, parameters: [user])
        }
        try connection.execute(
            named: "direct",
            """
            INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
            VALUES ('walk-in@example.com', 'purchase', 2.50, timestamptz '2026-11-19 10:00+00')
            """)
        return conninfo
    }

    @Test func writesEveryFormatWithNamesIntactAndHarmless() throws {
        let conninfo = try Self.database("attrcli")
        let folder = try CommandRunner.temporaryDirectory("attrcli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["attribution", "--week", "2026-W47", "--database-url", conninfo, "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let names = Set(result.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent })
        #expect(names == ["attribution.html", "attribution.csv", "attribution-data-quality.csv", "attribution.xlsx", "manifest.json"])
        let period = folder.appendingPathComponent("2026-W47")
        let csv = try String(contentsOf: period.appendingPathComponent("attribution.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("model,channel,conversions,revenue\r\n"))
        // 8 conversions × 5 models, one row each: the only touch of each takes all its credit.
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + 5 * 8)
        #expect(csv.contains("first_touch,(direct),1,2.50\r\n"))
        #expect(csv.contains("first_touch,\"a, b\",1,10.00\r\n"))
        #expect(csv.contains("last_touch,\"say \"\"hi\"\"\",1,10.00\r\n"))
        #expect(csv.contains("linear,\"line\nbreak\",1,10.00\r\n"))
        #expect(csv.contains("time_decay,'=SUM(A1),1,10.00\r\n"))
        #expect(csv.contains("position_based,<script>alert(1)</script>,1,10.00\r\n"))
        #expect(csv.contains("position_based,🚀 rocket,1,10.00\r\n"))
        #expect(csv.contains("first_touch,\(Self.longName),1,10.00\r\n"))
        let quality = try String(contentsOf: period.appendingPathComponent("attribution-data-quality.csv"), encoding: .utf8)
        #expect(quality.hasPrefix("check,rows\r\n"))
        #expect(quality.contains("conversions read,8\r\n"))
        #expect(quality.contains("conversions with no touch in the lookback (credited to (direct)),1\r\n"))
        let html = try String(contentsOf: period.appendingPathComponent("attribution.html"), encoding: .utf8)
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains(Self.longName))
        #expect(html.contains("🚀 rocket"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(html.contains("<svg"))
        let xlsx = try Data(contentsOf: period.appendingPathComponent("attribution.xlsx"))
        #expect(xlsx.starts(with: [0x50, 0x4B]))
    }

    @Test func anEmptyPeriodStillYieldsItsReport() throws {
        let conninfo = try Self.database("attrempty")
        let folder = try CommandRunner.temporaryDirectory("attrempty")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["attribution", "--week", "2026-W30", "--database-url", conninfo, "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: folder.appendingPathComponent("2026-W30/attribution.csv"), encoding: .utf8)
        #expect(csv == "model,channel,conversions,revenue\r\n")
        let html = try String(contentsOf: folder.appendingPathComponent("2026-W30/attribution.html"), encoding: .utf8)
        #expect(html.contains("No conversions in this period"))
    }

    @Test func eventLookbackAndHalfLifeAreRecorded() throws {
        let conninfo = try Self.database("attropts")
        let folder = try CommandRunner.temporaryDirectory("attropts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "attribution", "--week", "2026-W47", "--event", "signup", "--lookback", "12h",
            "--half-life", "2d", "--format", "csv", "--database-url", conninfo, "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let quality = try String(contentsOf: folder.appendingPathComponent("2026-W47/attribution-data-quality.csv"), encoding: .utf8)
        #expect(quality.contains("conversions of another event type than 'signup' (not counted),8\r\n"))
        let manifest = try String(contentsOf: folder.appendingPathComponent("2026-W47/manifest.json"), encoding: .utf8)
        #expect(manifest.contains("12h") && manifest.contains("2d"))
    }

    @Test(arguments: [
        (["--lookback", "0s"], Int32(64), "--lookback"),
        (["--lookback", "soon"], 64, "--lookback"),
        (["--half-life", "0"], 64, "--half-life"),
        (["--format", "pdf"], 64, "--format"),
        (["--week", "2026-W99"], 64, "--week"),
    ])
    func badInputIsOneClearLine(_ extra: [String], _ status: Int32, _ fragment: String) throws {
        let folder = try CommandRunner.temporaryDirectory("attrerr")
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = ["attribution", "--database-url", "postgresql:///nowhere?host=/nonexistent", "--output", folder.path]
        if !extra.contains("--week") { arguments += ["--week", "2026-W47"] }
        let result = try CommandRunner.run(arguments + extra)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
    }

    @Test func helpIsPrinted() throws {
        let result = try CommandRunner.run(["attribution", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--lookback") && result.stdout.contains("--half-life"))
    }
}
