import Database
import Foundation
import TestSupport
import Testing

/// `growth-report viral` end to end against hand-built rows: files, exact CSV, names as data, e-mails.
@Suite struct ViralCommandTests {
    /// Platform names that must come out intact and harmless in every format.
    static let hostileNames = [
        "Café, \"quoted\"", "line\nbreak", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "🚀 rocket",
        String(repeating: "long", count: 125),
    ]

    /// Inserts `count` rows on 2026-11-17 (W47) for `email`, each with the given reach.
    static func add(
        _ connection: PostgresConnection, email: String?, platform: String?, action: String = "referral",
        reach: String?, count: Int = 1, at time: String = "2026-11-17 09:00+00"
    ) throws {
        try connection.execute(
            named: "rows",
            """
            INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
            SELECT $1, $2, $3, $4::jsonb, $5::timestamptz FROM generate_series(1, $6::int)
            """,
            parameters: [
                email.map(PostgresValue.text) ?? .null, .text(action), platform.map(PostgresValue.text) ?? .null,
                reach.map(PostgresValue.jsonb) ?? .null, .text(time), .int(count),
            ])
    }

    static func database(_ label: String) throws -> (PostgresConnection, String) {
        let (connection, conninfo) = try TestDatabase.migrated(label)
        // linkedin: a (2 rows) and b; 300 impressions, 30 clicks, 4 conversions.
        try add(connection, email: "a@example.com", platform: "linkedin", reach: #"{"impressions": 100, "clicks": 10, "conversions": 1}"#, count: 2)
        try add(connection, email: "b@example.com", platform: "linkedin", reach: #"{"impressions": 100, "clicks": 10, "conversions": 2}"#)
        // One malformed row: a numeric string and a missing key count as 0.
        try add(connection, email: "c@example.com", platform: "linkedin", action: "review", reach: #"{"impressions": "40", "clicks": 4}"#)
        // The previous week, and two weeks before (W45).
        try add(
            connection, email: "a@example.com", platform: "linkedin", reach: #"{"impressions": 50, "clicks": 5, "conversions": 1}"#,
            at: "2026-11-10 12:00+00")
        try add(
            connection, email: "d@example.com", platform: "twitter", reach: #"{"impressions": 8, "clicks": 2, "conversions": 0}"#,
            at: "2026-11-03 12:00+00")
        return (connection, conninfo)
    }

    /// The workbook as openpyxl reads it (`scripts/read-xlsx.py`): sheet name → (cells, chart types).
    static func readXLSX(_ url: URL) throws -> [String: (cells: [[String: Any]], charts: [String])] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.packageRoot.appendingPathComponent("scripts/read-xlsx.py").path, url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let sheets = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["sheets"] as? [[String: Any]]
        else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "scripts/read-xlsx.py needs python3 and openpyxl"])
        }
        var result: [String: (cells: [[String: Any]], charts: [String])] = [:]
        for sheet in sheets {
            result[sheet["name"] as? String ?? ""] = (
                sheet["cells"] as? [[String: Any]] ?? [],
                (sheet["charts"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            )
        }
        return result
    }

    func run(_ label: String, _ extra: [String] = [], prepare: (PostgresConnection) throws -> Void = { _ in }) throws
        -> (result: CommandRunner.Result, folder: URL)
    {
        let (connection, conninfo) = try Self.database(label)
        try prepare(connection)
        let folder = try CommandRunner.temporaryDirectory(label)
        var arguments = ["viral", "--database-url", conninfo, "--output", folder.path]
        if !extra.contains("--week") { arguments += ["--week", "2026-W47"] }
        let result = try CommandRunner.run(arguments + extra)
        return (result, folder)
    }

    @Test func writesEveryFormatWithTheExactCSVOfTheSpec() throws {
        let (result, folder) = try run("viralcli")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == 0, "\(result.stderr)")
        let names = Set(result.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent })
        #expect(names == ["viral.html", "viral.csv", "viral-trend.csv", "viral-data-quality.csv", "viral.xlsx", "manifest.json"])
        let period = folder.appendingPathComponent("2026-W47")
        let csv = try String(contentsOf: period.appendingPathComponent("viral.csv"), encoding: .utf8)
        // Worked out from the rows above: linkedin/referral 3 actions, users a and b, 300/30/4;
        // linkedin/review 1 action, 0 impressions (a string), 4 clicks, 0 conversions (missing).
        #expect(
            csv == [
                "source_platform,action_type,actions,users,impressions,clicks,conversions,ctr,click_conversion_rate,k_factor",
                "linkedin,referral,3,2,300,30,4,0.1,\(4.0 / 30),2",
                "linkedin,review,1,1,0,4,0,,0,0",
                "(all),(all),4,3,300,34,4,\(34.0 / 300),\(4.0 / 34),\(4.0 / 3)",
            ].joined(separator: "\r\n") + "\r\n")
        let trend = try String(contentsOf: period.appendingPathComponent("viral-trend.csv"), encoding: .utf8)
        #expect(
            trend == [
                "week,actions,users,impressions,clicks,conversions,k_factor",
                "2026-W40,0,0,0,0,0,", "2026-W41,0,0,0,0,0,", "2026-W42,0,0,0,0,0,", "2026-W43,0,0,0,0,0,", "2026-W44,0,0,0,0,0,",
                "2026-W45,1,1,8,2,0,0",
                "2026-W46,1,1,50,5,1,1",
                "2026-W47,4,3,300,34,4,\(4.0 / 3)",
            ].joined(separator: "\r\n") + "\r\n")
        let quality = try String(contentsOf: period.appendingPathComponent("viral-data-quality.csv"), encoding: .utf8)
        #expect(quality.hasPrefix("check,rows\r\nrows read: period,4\r\nrows read: previous period,1\r\nrows read: 8-week trend,6\r\n"))
        #expect(quality.contains("impressions: string,1\r\n"))
        #expect(quality.contains("conversions: missing (or no object),1\r\n"))
        let html = try String(contentsOf: period.appendingPathComponent("viral.html"), encoding: .utf8)
        #expect(html.contains("Compared with the previous week"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("@example.com"))
        let workbook = try Self.readXLSX(period.appendingPathComponent("viral.xlsx"))
        #expect(Set(workbook.keys) == ["By platform", "Vs previous", "Trend", "Data quality", "About"])
        #expect(workbook["Trend"]?.charts == ["LineChart", "LineChart"])
        // Real numbers: K-factor of the total row (row 4) in column J.
        let kFactor = workbook["By platform"]?.cells.first { $0["ref"] as? String == "J4" }
        // (libxlsxwriter writes 16 significant digits.)
        #expect(kFactor?["type"] as? String == "n" && abs((kFactor?["value"] as? Double ?? 0) - 4.0 / 3) < 1e-14)
        let manifest = try String(contentsOf: period.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("viral_breakdown") && manifest.contains("viral_trend"))
    }

    @Test func namesAreDataInEveryFormat() throws {
        let (result, folder) = try run("viralnames", ["--show-emails"]) { connection in
            for (index, name) in Self.hostileNames.enumerated() {
                try Self.add(
                    connection, email: "h\(index)@example.com", platform: name,
                    reach: #"{"impressions": 10, "clicks": 1, "conversions": 1}"#)
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == 0, "\(result.stderr)")
        let period = folder.appendingPathComponent("2026-W47")
        let csv = try String(contentsOf: period.appendingPathComponent("viral.csv"), encoding: .utf8)
        #expect(csv.contains("\"Café, \"\"quoted\"\"\",referral,1,1,10,1,1,0.1,1,1\r\n"))
        #expect(csv.contains("\"line\nbreak\",referral,"))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",referral,"))
        #expect(csv.contains("<script>alert(1)</script>,referral,"))
        #expect(csv.contains("🚀 rocket,referral,"))
        #expect(csv.contains(String(repeating: "long", count: 125) + ",referral,"))
        let html = try String(contentsOf: period.appendingPathComponent("viral.html"), encoding: .utf8)
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("🚀 rocket"))
        #expect(html.contains(String(repeating: "long", count: 125)))
        #expect(!html.contains("href=\"http"))
        // With --show-emails the top users are listed, in HTML and in their own CSV.
        #expect(html.contains("a@example.com"))
        let users = try String(contentsOf: period.appendingPathComponent("viral-top-users.csv"), encoding: .utf8)
        #expect(users.hasPrefix("user_email,actions,conversions\r\na@example.com,2,2\r\n"))
        // In the workbook every name is a string cell, exactly as stored, never a formula.
        let workbook = try Self.readXLSX(period.appendingPathComponent("viral.xlsx"))
        let platforms = (workbook["By platform"]?.cells ?? []).filter { ($0["ref"] as? String)?.hasPrefix("A") == true }
        #expect(platforms.allSatisfy { $0["type"] as? String == "s" })
        let stored = Set(platforms.compactMap { $0["value"] as? String })
        for name in Self.hostileNames { #expect(stored.contains(name), "\(name.prefix(20))") }
        #expect(workbook["Top users"] != nil)
    }

    @Test func withoutShowEmailsNoEmailIsWrittenAnywhere() throws {
        let (result, folder) = try run("viralprivacy")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == 0, "\(result.stderr)")
        let period = folder.appendingPathComponent("2026-W47")
        for name in try FileManager.default.contentsOfDirectory(atPath: period.path) {
            let data = try Data(contentsOf: period.appendingPathComponent(name))
            if name.hasSuffix(".xlsx") {
                let workbook = try Self.readXLSX(period.appendingPathComponent(name))
                #expect(workbook["Top users"] == nil)
                for (sheet, content) in workbook {
                    #expect(!content.cells.contains { ($0["value"] as? String)?.contains("@example.com") == true }, "\(sheet)")
                }
            } else {
                #expect(!String(decoding: data, as: UTF8.self).contains("@example.com"), "\(name)")
            }
        }
        #expect(!result.stdout.contains("@") && !result.stderr.contains("@example.com"))
    }

    @Test func anEmptyPeriodStillWritesItsReport() throws {
        let (result, folder) = try run("viralempty", ["--week", "2026-W30", "--format", "csv"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: folder.appendingPathComponent("2026-W30/viral.csv"), encoding: .utf8)
        #expect(csv.hasSuffix("\r\n(all),(all),0,0,0,0,0,,,\r\n"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W30/viral.html").path))
    }

    @Test(arguments: [
        (["--week", "2026-W99"], Int32(64), "--week"),
        (["--format", "pdf"], 64, "--format"),
        (["--top-users", "0"], 64, "--top-users"),
    ])
    func badInputIsOneClearLine(_ extra: [String], _ status: Int32, _ fragment: String) throws {
        let (result, folder) = try run("viralerr", extra)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
    }

    @Test func helpNamesTheOptions() throws {
        let result = try CommandRunner.run(["viral", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--show-emails") && result.stdout.contains("--week"))
    }
}
