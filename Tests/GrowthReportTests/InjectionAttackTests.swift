import Database
import Foundation
import TestSupport
import Testing

/// Attacks through the data and the options, end to end: every text column that reaches a
/// report holds HTML/JS, spreadsheet-formula and header-injection payloads; `growth-report
/// weekly` writes the whole pack from them; then each HTML page is loaded in headless
/// Chromium, the CSV files are read by Python's csv module, the workbooks by openpyxl and the
/// e-mail by Python's email package.
///
/// The pages' Content-Security-Policy would stop a script that got in, so the checks look for
/// what a payload tried to create (an element, an attribute, a changed title), not only for a
/// script that ran.
@Suite(.serialized) struct InjectionAttackTests {
    /// HTML and JavaScript, and Mustache tags that must stay text.
    static let htmlPayloads = [
        "<script>document.title='pwned';document.body.appendChild(document.createElement('div')).id='pwned'</script>",
        "<img src=x onerror=\"document.title='pwned'\">",
        "\"><svg onload=\"document.title='pwned'\"><div id=\"pwned\"></div>",
        "'><b id='pwned' data-pwned='1'>x</b>",
        "javascript:document.title='pwned'",
        "</style><div id=\"pwned\"></div><style>",
        "</title><div id=\"pwned\"></div>",
        "--><div id=\"pwned\"></div><!--",
        "{{title}} {{{styles}}} {{&styles}} {{#sections}}x{{/sections}} {{> layout}}",
        "&lt;div id=\"pwned\"&gt; &amp;&#x3C;",
        // Long enough (over 40 characters) to be a cell's title="…" tooltip; the quote carries a
        // combining accent, which made it one grapheme that a character-wise escape let through.
        "A partner whose name is long enough for a tooltip \"\u{301} data-pwned=1 autofocus tabindex=1 onfocus=document.title=1 x=",
    ]
    /// Text a spreadsheet would run as a formula.
    static let formulaPayloads = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    /// Line breaks and a Bcc header, in names that reach the e-mail.
    static let headerPayloads = ["Partner\r\nBcc: victim@example.net", "Test\nBcc: victim@example.net\r\n\r\n<b id=\"pwned\">"]
    static var allPayloads: [String] { htmlPayloads + formulaPayloads + headerPayloads }

    static let mail = ["--mail-from", "Growth Reports <reports@example.com>", "--mail-to", "ceo@example.com", "--mail-to", "Zoë Ops <ops@example.com>"]

    /// A database whose every text column that reaches a report holds a payload.
    static func database() throws -> String {
        let (connection, conninfo) = try TestDatabase.migrated("inject")
        let payloads = allPayloads
        for (index, name) in payloads.enumerated() {
            let other = payloads[(index + 1) % payloads.count]
            // Revenue falls from 1000.00 (W46) to 100 + index (W47) and costs rise from 100.00 to
            // 500.00: revenue_change, roi and roi_change are negative numbers.
            try connection.execute(
                named: "partner",
                """
                INSERT INTO partnership_analytics (partner_name, partner_type, referral_source, customers_acquired,
                                                   revenue_generated, conversion_rate, analytics_period)
                VALUES ($1, $2, $3, 10, $4, 12.50, date '2026-11-17'), ($1, $2, $3, 5, 1000.00, 10.00, date '2026-11-10')
                """, parameters: [.text(name), .text(other), .text(other), .decimal(Decimal(100 + index))])
            try connection.execute(
                named: "cost",
                """
                INSERT INTO partner_costs (partner_name, analytics_period, cost)
                VALUES ($1, date '2026-11-17', 500.00), ($1, date '2026-11-10', 100.00)
                """, parameters: [.text(name)])
            let user = PostgresValue.text("user\(index)@example.com")
            let reach = #"{"impressions": 10, "clicks": 2, "conversions": 1}"#
            let hostileReach = try String(
                decoding: JSONSerialization.data(withJSONObject: [name: other, "impressions": other, "clicks": 2]),
                as: UTF8.self)
            try connection.execute(
                named: "viral",
                """
                INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
                VALUES ($1, $2, $3, $4::jsonb, timestamptz '2026-11-17 09:00+00'),
                       ($1, $3, $2, $5::jsonb, timestamptz '2026-11-17 10:00+00')
                """, parameters: [user, .text(other), .text(name), .jsonb(reach), .jsonb(hostileReach)])
            try connection.execute(
                named: "conversion",
                """
                INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
                VALUES ($1, $2, 10.00, timestamptz '2026-11-18 10:00+00')
                """, parameters: [user, .text(name)])
            try connection.execute(
                named: "metric",
                """
                INSERT INTO real_time_metrics (metric_name, metric_value, metric_metadata, last_updated)
                VALUES ($1, $2, $3::jsonb, timestamptz '2026-11-24 12:00+00')
                """,
                parameters: [.text(name), .int(index), .jsonb(try String(decoding: JSONSerialization.data(withJSONObject: ["note": other]), as: UTF8.self))])
        }
        // A/B tests named by payloads, each with a control and a payload variant, and payload events.
        for (index, test) in payloads.enumerated() where index.isMultiple(of: 2) || index >= htmlPayloads.count {
            for (arm, variant) in ["control", payloads[(index + 3) % payloads.count]].enumerated() {
                try connection.execute(
                    named: "assignments",
                    """
                    INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
                    SELECT 't' || $4 || '-' || $5 || '-' || g || '@example.com', $1, $2, CASE WHEN g <= 8 + $5 * 6 THEN $3 END,
                           CASE WHEN g <= 8 + $5 * 6 THEN timestamptz '2026-11-18 10:00+00' END, timestamptz '2026-11-17 09:00+00'
                    FROM generate_series(1, 60) AS g
                    """, parameters: [.text(test), .text(variant), .text(payloads[(index + 5) % payloads.count]), .int(index), .int(arm)])
            }
        }
        return conninfo
    }

    /// One weekly pack from the hostile database, built once for all the tests of this suite.
    static let pack: Result<URL, Error> = Result {
        let conninfo = try database()
        let folder = try CommandRunner.temporaryDirectory("inject")
        let result = try CommandRunner.run(
            [
                "weekly", "--week", "2026-W47", "--as-of", "2026-11-25", "--database-url", conninfo,
                "--output", folder.path,
            ] + mail)
        guard result.status == 0 else { throw Failure(description: "weekly failed (\(result.status)): \(result.stderr)") }
        return folder.appendingPathComponent("2026-W47")
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static let reports = ["partner-roi", "viral", "ab-test", "attribution", "exec-summary"]

    // MARK: HTML

    /// What Python's html.parser finds in a page: the title, and every element, attribute or
    /// URL that a payload tried to create.
    static func injectedMarkup(in files: [URL]) throws -> [[String: Any]] {
        let script = """
            import html.parser, json, sys
            class Scan(html.parser.HTMLParser):
                def __init__(self):
                    super().__init__(convert_charrefs=True)
                    self.found, self.title, self.in_title, self.text, self.styles, self.svg = [], "", False, [], 0, 0
                def handle_starttag(self, tag, attrs):
                    if tag in ("script", "img", "iframe", "object", "embed", "b"):
                        self.found.append(f"<{tag}>")
                    if tag == "style":
                        self.styles += 1
                    if tag == "svg":
                        self.svg += 1
                    if tag == "title" and self.svg == 0:
                        self.in_title = True
                    for name, value in attrs:
                        value = value or ""
                        if name.startswith("on") or name in ("data-pwned", "autofocus") or not name.isascii():
                            self.found.append(f"<{tag} {name}>")
                        if name == "id" and value == "pwned":
                            self.found.append(f"<{tag} id=pwned>")
                        if name in ("href", "src", "action", "formaction", "xlink:href") and value.strip().lower().startswith("javascript:"):
                            self.found.append(f"<{tag} {name}=javascript:>")
                def handle_endtag(self, tag):
                    if tag == "svg":
                        self.svg -= 1
                    if tag == "title":
                        self.in_title = False
                def handle_data(self, data):
                    if self.in_title:
                        self.title += data
                    self.text.append(data)
            result = []
            for path in sys.argv[1:]:
                scan = Scan()
                scan.feed(open(path, encoding="utf-8").read())
                result.append({"found": scan.found, "title": scan.title, "styles": scan.styles, "text": "".join(scan.text)})
            json.dump(result, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + files.map(\.path)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 is needed (scripts/install-dependencies)")
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    /// The HTML part of the pack's e-mail, as Python's email package decodes it.
    static func emailHTML(in pack: URL) throws -> URL {
        let eml = try ExecSummaryCommandTests.read(pack.appendingPathComponent("exec-summary.eml"))
        let tree = try #require(eml["tree"] as? [String: Any])
        let alternative = try #require((tree["parts"] as? [[String: Any]])?.first?["parts"] as? [[String: Any]])
        let html = try #require(alternative.first { $0["content_type"] as? String == "text/html" }?["text"] as? String)
        let url = pack.deletingLastPathComponent().appendingPathComponent("exec-summary-email.html")
        try html.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func pages(in pack: URL) throws -> [URL] {
        try reports.map { pack.appendingPathComponent("\($0).html") } + [emailHTML(in: pack)]
    }

    /// Checks the scan of one page: nothing injected, the title the report's own, its own style
    /// elements only (the e-mail has three: the styles and two dark-mode blocks) and the
    /// Mustache tags of the data shown as text.
    static func check(_ scan: [String: Any], page: String, title expected: String? = nil) {
        #expect((scan["found"] as? [String]) == [], "\(page): \(scan["found"] ?? "")")
        let title = scan["title"] as? String ?? ""
        #expect(!title.contains("pwned") && !title.isEmpty, "\(page): title \(title.debugDescription)")
        if let expected { #expect(title == expected, "\(page): title \(title.debugDescription), not \(expected.debugDescription)") }
        #expect(scan["styles"] as? Int == (page.hasPrefix("exec-summary-email") ? 3 : 1), "\(page): \(scan["styles"] ?? 0) style elements")
        let text = scan["text"] as? String ?? ""
        for literal in ["{{{styles}}}", "{{title}}", "&lt;div id=\"pwned\"&gt;", "javascript:document.title='pwned'"] {
            #expect(text.contains(literal), "\(page): the data \(literal.debugDescription) is shown as text")
        }
    }

    @Test func everyPageHoldsThePayloadsAsTextOnly() throws {
        let pack = try Self.pack.get()
        let pages = try Self.pages(in: pack)
        let scans = try Self.injectedMarkup(in: pages)
        try #require(scans.count == pages.count)
        for (page, scan) in zip(pages, scans) { Self.check(scan, page: page.lastPathComponent) }
    }

    // MARK: Chromium

    /// The headless Chromium the DOM tests load pages in: `CHROMIUM`, else the Debian package's.
    static var chromium: String? {
        let candidates = [ProcessInfo.processInfo.environment["CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The DOM Chromium builds from `page`, after its load events, serialised.
    static func dom(of page: URL, using chromium: String) throws -> String {
        let profile = try CommandRunner.temporaryDirectory("chromium-profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile.path)", "--virtual-time-budget=2000", "--dump-dom", page.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 90, execute: timer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        try #require(process.terminationStatus == 0, "chromium --dump-dom \(page.lastPathComponent) exited \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test(
        .enabled(
            if: chromium != nil || isCI,
            "headless Chromium is not installed (apt-get install chromium, as scripts/install-dependencies does); on CI this test runs and fails instead"))
    func chromiumBuildsNoElementOrAttributeThePayloadsTriedToAdd() throws {
        let chromium = try #require(Self.chromium, "CI=true, but chromium is not installed: scripts/install-dependencies installs it")
        let pack = try Self.pack.get()
        let pages = try Self.pages(in: pack)
        let sources = try Self.injectedMarkup(in: pages)
        var doms: [URL] = []
        for page in pages {
            let dom = try Self.dom(of: page, using: chromium)
            #expect(dom.contains("</html>"), "\(page.lastPathComponent): Chromium returned \(dom.prefix(200).debugDescription)")
            let url = page.deletingPathExtension().appendingPathExtension("dom.html")
            try dom.write(to: url, atomically: true, encoding: .utf8)
            doms.append(url)
        }
        let scans = try Self.injectedMarkup(in: doms)
        try #require(scans.count == pages.count)
        for (index, page) in pages.enumerated() {
            // The title after loading is the one the page was written with.
            Self.check(scans[index], page: "\(page.lastPathComponent) in Chromium", title: sources[index]["title"] as? String)
        }
    }

    // MARK: CSV and XLSX

    @Test func csvTextCellsAreNeverFormulasAndNegativeNumbersStayNumbers() throws {
        let pack = try Self.pack.get()
        let files = try FileManager.default.contentsOfDirectory(atPath: pack.path).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(files.count >= 10, "\(files)")
        let script = """
            import csv, json, sys
            json.dump({p: list(csv.reader(open(p, newline="", encoding="utf-8-sig"), strict=True)) for p in sys.argv[1:]}, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + files.map { pack.appendingPathComponent($0).path }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3's csv module could not read the files")
        let tables = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [[String]]])
        let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]
        var negatives = 0
        var guarded: Set<String> = []
        for (path, rows) in tables {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let width = rows.first?.count ?? 0
            for (line, row) in rows.enumerated() {
                #expect(row.count == width, "\(name) record \(line): \(row.count) fields, the header has \(width)")
                for field in row {
                    guard let first = field.unicodeScalars.first else { continue }
                    if first == "'" { guarded.insert(String(field.dropFirst())) }
                    guard triggers.contains(first) else { continue }
                    // Only a number may start with '-': a negative number written as a number.
                    #expect(first == "-" && Double(field) != nil, "\(name) record \(line): \(field.debugDescription) starts like a formula")
                    negatives += 1
                }
            }
        }
        for payload in Self.formulaPayloads {
            #expect(guarded.contains(payload), "\(payload.debugDescription) is written as '\(payload.debugDescription)")
        }
        #expect(negatives > 20, "negative changes and ROIs are written as numbers")
        let partners = try #require(tables.first { $0.key.hasSuffix("/partner-roi.csv") }?.value)
        let header = try #require(partners.first)
        for column in ["roi", "revenue_change", "roi_change"] {
            let index = try #require(header.firstIndex(of: column))
            #expect(partners.dropFirst().allSatisfy { Double($0[index]).map { $0 < 0 } == true }, "\(column): \(partners.dropFirst().map { $0[index] })")
        }
    }

    @Test func xlsxTextCellsAreTextAndNegativeNumbersAreNumbers() throws {
        let pack = try Self.pack.get()
        for report in Self.reports {
            let workbook = try PartnerROICommandTests.readWorkbook(pack.appendingPathComponent("\(report).xlsx"))
            let sheets = workbook["sheets"] as? [[String: Any]] ?? []
            #expect(!sheets.isEmpty, "\(report).xlsx")
            for sheet in sheets {
                let cells = sheet["cells"] as? [[String: Any]] ?? []
                #expect(!cells.contains { $0["type"] as? String == "f" }, "\(report).xlsx \(sheet["name"] ?? ""): a formula cell")
            }
        }
        let workbook = try PartnerROICommandTests.readWorkbook(pack.appendingPathComponent("partner-roi.xlsx"))
        let partners = try #require((workbook["sheets"] as? [[String: Any]])?.first { $0["name"] as? String == "Partners" })
        let cells = partners["cells"] as? [[String: Any]] ?? []
        // openpyxl leaves the escape of a carriage return (_x000D_) as it is; Excel shows a CR.
        func shown(_ cell: [String: Any]) -> String? { (cell["value"] as? String)?.replacingOccurrences(of: "_x000D_", with: "\r") }
        for payload in Self.allPayloads {
            let cell = cells.first { shown($0) == payload }
            #expect(cell?["type"] as? String == "s", "\(payload.debugDescription) is a text cell")
        }
        let negatives = cells.filter { $0["type"] as? String == "n" && (($0["value"] as? Double) ?? 0) < 0 }
        #expect(negatives.count >= 3 * Self.allPayloads.count, "roi, revenue and roi changes are negative numbers: \(negatives.count)")
    }

    // MARK: E-mail

    @Test func namesWithLineBreaksInTheDataAddNoHeader() throws {
        let pack = try Self.pack.get()
        let raw = try Data(contentsOf: pack.appendingPathComponent("exec-summary.eml"))
        let text = String(decoding: raw, as: UTF8.self)
        let header = text.components(separatedBy: "\r\n\r\n")[0]
        let names = header.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix { $0 != ":" } }
        #expect(names == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"])
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "no bare CR")
        // Every part's own headers are the writer's.
        let script = """
            import email, email.policy, json, sys
            message = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
            json.dump([[part.get_content_type()] + list(part.keys()) for part in message.walk()], sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, pack.appendingPathComponent("exec-summary.eml").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let partHeaders = try JSONSerialization.jsonObject(with: output.fileHandleForReading.readDataToEndOfFile()) as? [[String]]
        process.waitUntilExit()
        #expect(
            partHeaders == [
                ["multipart/mixed", "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"],
                ["multipart/alternative", "Content-Type"],
                ["text/plain", "Content-Type", "Content-Transfer-Encoding"],
                ["text/html", "Content-Type", "Content-Transfer-Encoding"],
                ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition"],
            ])
        let eml = try ExecSummaryCommandTests.read(pack.appendingPathComponent("exec-summary.eml"))
        let headers = try #require(eml["headers"] as? [String: Any])
        #expect(headers["to_addresses"] as? [String] == ["ceo@example.com", "ops@example.com"])
        #expect(headers["subject"] as? String == "Executive summary — 2026-W47")
        #expect((eml["defects"] as? [String]) == [])
        let tree = try #require(eml["tree"] as? [String: Any])
        let parts = try #require(tree["parts"] as? [[String: Any]])
        #expect(parts.count == 2 && (parts[0]["parts"] as? [[String: Any]])?.count == 2, "text, HTML and the workbook, nothing added")
        // In the text part the names stay on their own line: none forges a "Bcc:" line.
        let plain = try #require((parts[0]["parts"] as? [[String: Any]])?.first?["text"] as? String)
        #expect(plain.contains("Partner Bcc: victim@example.net"), "the names are in the body, as text")
        #expect(!plain.components(separatedBy: .newlines).contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Bcc:") })
    }

    @Test(arguments: [
        ["--subject", "Weekly\r\nBcc: victim@example.net"], ["--subject", "Weekly\rBcc: victim@example.net"],
        ["--subject", "Weekly\nBcc: victim@example.net"], ["--subject", "Weekly\u{85}Bcc: victim@example.net"],
        ["--subject", "Weekly\u{2028}Bcc: victim@example.net"], ["--subject", "Weekly\u{1B}[2J"],
        ["--mail-to", "ceo@example.com\r\nBcc: victim@example.net"], ["--mail-to", "ceo@example.com, Eve\r\n <eve@example.com>"],
        ["--mail-to", "Eve\nBcc: victim@example.net <eve@example.com>"], ["--mail-to", "ceo@example.com\r"],
        ["--mail-from", "reports@example.com\nBcc: victim@example.net"], ["--mail-from", "Reports\r\n <reports@example.com>"],
        ["--mail-from", "reports@example.com\u{2029}"],
    ])
    func mailOptionsWithLineBreaksAreRefusedWithOneLine(extra: [String]) throws {
        for command in ["exec-summary", "weekly"] {
            let folder = try CommandRunner.temporaryDirectory("inject-mail")
            defer { try? FileManager.default.removeItem(at: folder) }
            var arguments = [
                command, "--week", "2026-W47", "--as-of", "2026-11-25",
                "--database-url", "postgresql://nobody@127.0.0.1:1/none", "--output", folder.path,
            ]
            if extra[0] != "--mail-from" { arguments += ["--mail-from", "reports@example.com"] }
            if extra[0] != "--mail-to" { arguments += ["--mail-to", "ceo@example.com"] }
            let result = try CommandRunner.run(arguments + extra)
            #expect(result.status == 64, "\(command) \(extra): \(result.stderr)")
            #expect(result.errorLines.count == 1, "\(command) \(extra): \(result.stderr.debugDescription)")
            #expect(result.stderr.contains(extra[0]) && !result.stderr.contains("\r"), "\(command) \(extra): \(result.stderr.debugDescription)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47").path), "\(command) \(extra): nothing written")
        }
    }
}
