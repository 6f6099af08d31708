import Database
import Foundation
import TestSupport
import Testing

/// `growth-report partner-roi` end to end: files, exact CSV columns, and names that are data.
@Suite struct PartnerROICommandTests {
    static let longName = "Long" + String(repeating: "ü", count: 496)
    /// Partner names that try to break every format.
    static let names = [
        "Comma, \"Quoted\" & Co", "Line\nBreak", "=SUM(A1:A9)", "<script>alert('x')</script>", "🚀 Rocket Partners", longName,
    ]

    static func database(_ label: String) throws -> String {
        let (connection, conninfo) = try TestDatabase.migrated(label)
        for (index, name) in names.enumerated() {
            // 2026-11-17 is in W47, 2026-11-10 in W46; revenue falls with the index, so the rank is the order.
            try connection.execute(
                named: "rows",
                """
                INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated,
                                                   conversion_rate, analytics_period)
                VALUES ($1, $2, 10, $3, 12.50, date '2026-11-17'), ($1, $2, 5, 100.00, 10.00, date '2026-11-10')
                """,
                parameters: [
                    .text(name), .text(index.isMultiple(of: 2) ? "tech, \"gadgets\"" : "=youtube"),
                    .decimal(Decimal(1000 - index * 100)),
                ])
            if index != 1 {
                try connection.execute(
                    named: "cost", "INSERT INTO partner_costs (partner_name, analytics_period, cost) VALUES ($1, date '2026-11-17', 250.00)",
                    parameters: [.text(name)])
            }
        }
        return conninfo
    }

    @Test func writesEveryFormatWithNamesIntactAndHarmless() throws {
        let conninfo = try Self.database("roicli")
        let folder = try CommandRunner.temporaryDirectory("roicli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "partner-roi", "--week", "2026-W47", "--currency", "eur",
            "--database-url", conninfo, "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let names = Set(result.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent })
        #expect(
            names == [
                "partner-roi.html", "partner-roi.csv", "partner-roi-by-type.csv", "partner-roi-trend.csv",
                "partner-roi-data-quality.csv", "partner-roi.xlsx", "manifest.json",
            ])
        let period = folder.appendingPathComponent("2026-W47")

        let csv = try String(contentsOf: period.appendingPathComponent("partner-roi.csv"), encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(
            lines[0]
                == "rank,partner_name,partner_type,customers,revenue,cost,roi,cac,revenue_per_customer,conversion_rate,prev_customers,prev_revenue,prev_roi,customers_change,revenue_change,roi_change,net_revenue,revenue_per_visitor,payback_days,status"
        )
        // (1000 − 250) / 250 = 3; 250 / 10 = 25; 10 of 80 visitors; 5 → 10 customers, 100 → 1000 revenue;
        // net 750.00, 1000 / 80 = 12.5 per visitor, 250 · 7 / 1000 = 1.75 days; rows in both weeks.
        #expect(
            lines[1] == "1,\"Comma, \"\"Quoted\"\" & Co\",\"tech, \"\"gadgets\"\"\",10,1000.00,250.00,3,25,100,0.125,5,100.00,,1,9,,750.00,12.5,1.75,active")
        // No cost row: cost, roi and cac empty.
        // No cost: net revenue and payback empty too.
        #expect(csv.contains("2,\"Line\nBreak\",'=youtube,10,900.00,,,,90,0.125,5,100.00,,1,8,,,11.25,,active\r\n"))
        #expect(csv.contains("3,'=SUM(A1:A9),\"tech, \"\"gadgets\"\"\",10,800.00,250.00,2.2,25,80,0.125,"))
        #expect(csv.contains("4,<script>alert('x')</script>,'=youtube,"))
        #expect(csv.contains("5,🚀 Rocket Partners,"))
        #expect(csv.contains("6,\(Self.longName),"))

        let byType = try String(contentsOf: period.appendingPathComponent("partner-roi-by-type.csv"), encoding: .utf8)
        #expect(
            byType.hasPrefix(
                "partner_type,customers,revenue,cost,roi,cac,revenue_per_customer,conversion_rate,prev_customers,prev_revenue,prev_roi,customers_change,revenue_change,roi_change,net_revenue,revenue_per_visitor,payback_days\r\n"
            ))
        // All six: 60 customers, 4500.00 revenue; cost 1250.00 over the five with cost (revenue 3600.00, 50 customers).
        // Net 3600.00 − 1250.00; 4500 / 480 visitors; 1250 · 7 / 3600 days.
        #expect(byType.contains("(all),60,4500.00,1250.00,1.88,25,75,0.125,30,600.00,,1,6.5,,2350.00,9.375,2.4305555555555554\r\n"))
        let quality = try String(contentsOf: period.appendingPathComponent("partner-roi-data-quality.csv"), encoding: .utf8)
        #expect(quality.hasPrefix("check,rows\r\n"))
        #expect(quality.contains("partners without any cost row: roi and cac empty,1\r\n"))
        #expect(quality.contains("partner-days with analytics rows and no cost row,1\r\n"))

        let html = try String(contentsOf: period.appendingPathComponent("partner-roi.html"), encoding: .utf8)
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"))
        #expect(html.contains("Comma, &quot;Quoted&quot; &amp; Co"))
        #expect(html.contains("🚀 Rocket Partners"))
        #expect(html.contains(Self.longName))
        #expect(html.contains("<svg"))
        #expect(!html.contains("http://") && !html.contains("https://"))

        let workbook = try Self.readWorkbook(period.appendingPathComponent("partner-roi.xlsx"))
        let sheets = workbook["sheets"] as? [[String: Any]] ?? []
        #expect(sheets.compactMap { $0["name"] as? String }.prefix(4) == ["Partners", "By type", "12 weeks", "Data quality"])
        // A native sparkline per partner with revenue, over its 12 weeks (W36–W47), beside them.
        let trend = try #require(sheets.first { $0["name"] as? String == "12 weeks" })
        let sparklines = (trend["sparklines"] as? [[String: String]]) ?? []
        #expect(sparklines.count == Self.names.count)
        #expect(sparklines.first == ["data": "'12 weeks'!B2:M2", "cell": "N2"])
        let trendCells = trend["cells"] as? [[String: Any]] ?? []
        #expect(trendCells.contains { $0["ref"] as? String == "B1" && $0["value"] as? String == "2026-W36" })
        #expect(trendCells.contains { $0["ref"] as? String == "M2" && $0["value"] as? Double == 1000 })
        #expect(trendCells.contains { $0["ref"] as? String == "L2" && $0["value"] as? Double == 100 })
        let partners = try #require(sheets.first { $0["name"] as? String == "Partners" })
        let cells = partners["cells"] as? [[String: Any]] ?? []
        for name in Self.names {
            let cell = cells.first { $0["value"] as? String == name }
            #expect(cell?["type"] as? String == "s", "\(name.prefix(20)) is written as text")
        }
        #expect(!cells.contains { $0["type"] as? String == "f" })
        #expect(cells.contains { $0["ref"] as? String == "E2" && ($0["value"] as? Double) == 1000 })
        #expect((partners["charts"] as? [Any])?.count == 2)
        let types = try #require(sheets.first { $0["name"] as? String == "By type" })
        #expect((types["charts"] as? [Any])?.count == 2)
    }

    @Test func anEmptyPeriodIsStillAReport() throws {
        let (_, conninfo) = try TestDatabase.migrated("roiempty")
        let folder = try CommandRunner.temporaryDirectory("roiempty")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "partner-roi", "--week", "2026-W47", "--format", "csv,html",
            "--database-url", conninfo, "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: folder.appendingPathComponent("2026-W47/partner-roi.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1)
        let byType = try String(contentsOf: folder.appendingPathComponent("2026-W47/partner-roi-by-type.csv"), encoding: .utf8)
        #expect(byType.contains("(all),0,0.00,,,,,,0,0.00,,,,,,,\r\n"))
        let html = try String(contentsOf: folder.appendingPathComponent("2026-W47/partner-roi.html"), encoding: .utf8)
        #expect(html.contains("No partner data in 2026-W47"))
    }

    @Test(arguments: [
        (["--week", "2026-W99"], Int32(64), "--week"),
        (["--format", "pdf"], 64, "--format"),
        (["--currency", "dollars"], 64, "--currency"),
    ])
    func badInputIsOneClearLine(_ extra: [String], _ status: Int32, _ fragment: String) throws {
        let result = try CommandRunner.run(["partner-roi", "--database-url", "postgresql:///nowhere?host=/nonexistent"] + extra)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
    }

    @Test func helpIsPrinted() throws {
        let result = try CommandRunner.run(["partner-roi", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: growth-report partner-roi"))
    }

    /// The workbook as openpyxl reads it (`scripts/read-xlsx.py`).
    static func readWorkbook(_ url: URL) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.packageRoot.appendingPathComponent("scripts/read-xlsx.py").path, url.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/read-xlsx.py needs python3 and openpyxl")
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
