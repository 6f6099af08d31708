import Database
import Foundation
import TestSupport
import Testing

/// `growth-report check` end to end on a hand-built database whose answers are worked out below:
/// the lines it prints, its exit codes, `--state` suppressing a repeat until the value changes,
/// the digest delivered over SMTP, and a bad rules file named by line and column.
@Suite struct CheckCommandTests {
    static let period = ["--week", "2026-W47", "--as-of", "2026-11-25"]

    static let rules = """
        [defaults]
        min_base = 100

        [rules.blended_roi]
        when = "partner-roi.total.roi < 1.5"

        [rules.acme]
        when = 'partner-roi.partner["Acme"].revenue drops 30 %'

        [rules.any_drop]
        when = "partner-roi.any.revenue drops 30 %"

        [rules.srm]
        when = "ab-test.any.srm_flag"

        [rules.stale]
        when = "exec-summary.real_time.stale"

        [rules.actions]
        when = "anomaly viral.daily.actions"
        min_change = 5

        [rules.k_factor]
        when = "viral.total.k_factor drops 20 %"
        """

    /// W46 → W47: Acme's revenue 1000.00 → 600.00 (−40 %), cost 400.00 → 500.00, so the total
    /// ROI (Tiny has no cost) is (600 − 500) / 500 = 0.2. Tiny's 50.00 → 10.00 (−80 %) is under
    /// min_base 100. Wednesday 2026-11-18 has 40 viral actions against 10, 11, 9, 10, 12, 10, 9,
    /// 11 on the 8 Wednesdays before: median 10, MAD 1, z = 30 / 1.4826 = 20.2; every other day
    /// has none, like its baseline. `checkout` splits 300 / 200 (SRM). `daily_signups` was last
    /// updated 2 days before the as-of time; `fresh` 12 h before.
    static func database(_ label: String) throws -> (PostgresConnection, String) {
        let (connection, conninfo) = try TestDatabase.migrated(label)
        try connection.executeScript(
            named: "check data",
            """
            INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated, conversion_rate, analytics_period)
            VALUES ('Acme', 'affiliate', 10, 1000.00, 10.00, date '2026-11-10'), ('Acme', 'affiliate', 6, 600.00, 10.00, date '2026-11-17'),
                   ('Tiny', 'creator', 1, 50.00, 5.00, date '2026-11-11'), ('Tiny', 'creator', 1, 10.00, 5.00, date '2026-11-18');
            INSERT INTO partner_costs (partner_name, analytics_period, cost)
            VALUES ('Acme', date '2026-11-10', 400.00), ('Acme', date '2026-11-17', 500.00);
            INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
            SELECT 'u' || n || '@example.com', 'referral', 'email', '{"conversions": 1}', day + interval '12 hours'
            FROM (VALUES (date '2026-09-23', 10), (date '2026-09-30', 11), (date '2026-10-07', 9), (date '2026-10-14', 10),
                         (date '2026-10-21', 12), (date '2026-10-28', 10), (date '2026-11-04', 9), (date '2026-11-11', 11),
                         (date '2026-11-18', 40)) AS d(day, actions),
                 generate_series(1, actions) AS n;
            INSERT INTO ab_test_assignments (user_email, test_name, variant, created_at)
            SELECT 'c' || n || '@example.com', 'checkout', 'control', timestamptz '2026-11-17 10:00+00' FROM generate_series(1, 300) n
            UNION ALL
            SELECT 'b' || n || '@example.com', 'checkout', 'B', timestamptz '2026-11-17 10:00+00' FROM generate_series(1, 200) n;
            INSERT INTO real_time_metrics (metric_name, metric_value, last_updated)
            VALUES ('daily_signups', 12, timestamptz '2026-11-23 00:00+00'), ('fresh', 1, timestamptz '2026-11-24 12:00+00');
            """)
        return (connection, conninfo)
    }

    static let expected = [
        "blended_roi: partner-roi.total.roi is 0.2, below 1.5",
        "acme: partner-roi.partner[\"Acme\"].revenue fell 40.0 % (1,000.00 → 600.00), drops 30.0 % or more",
        "any_drop: partner-roi.partner[\"Acme\"].revenue fell 40.0 % (1,000.00 → 600.00), drops 30.0 % or more",
        "stale: exec-summary.real_time[\"daily_signups\"].stale is true: last updated 2026-11-23 00:00:00+00, more than 24 h before the as-of time",
        "actions: viral.daily.actions on 2026-11-18 is 40 against a median of 10 on the 8 Wednesdays before; robust z 20.2, beyond 3.5",
    ]

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func printsOneLinePerAlertExits1AndThenOnlyWhatChanged() throws {
        let (connection, conninfo) = try Self.database("check_state")
        let folder = try CommandRunner.temporaryDirectory("check-state")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules.toml")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        let state = folder.appendingPathComponent("state.json")
        let arguments =
            ["check", "--rules", rules.path, "--state", state.path, "--database-url", conninfo, "--output", folder.path] + Self.period

        let first = try CommandRunner.run(arguments)
        #expect(first.status == 1, "\(first.stderr)")
        let printed = Self.lines(first.stdout)
        let srm = printed.filter { $0.hasPrefix("srm: ") }
        #expect(srm.count == 1 && srm[0].hasPrefix("srm: ab-test.test[\"checkout\"].srm_flag is true: SRM p = 7.7e-06; users control 300, B 200"))
        #expect(printed.filter { !$0.hasPrefix("srm: ") } == Self.expected, "\(first.stdout)")
        // Tiny's drop is on a base under min_base, and says so; the K-factor did not move.
        #expect(first.stderr.contains("any_drop: partner-roi.partner[\"Tiny\"].revenue not judged: the previous value 50.00 is below min_base 100"))
        #expect(!first.stdout.contains("k_factor"))
        for file in ["check.html", "check-alerts.csv", "check.xlsx", "manifest.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/\(file)").path), "\(file)")
        }

        // The same data again: every alert was reported with this value, so nothing is new.
        let second = try CommandRunner.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains("6 alerts still firing with the value reported before; not repeated."))

        // Acme's week now earns 750.00: the drop is 25 %, under 30 % (those alerts end), and the
        // ROI changes to (750 − 500) / 500 = 0.5, so it is reported again.
        _ = try connection.execute(
            named: "more", "UPDATE partnership_analytics SET revenue_generated = 750.00 WHERE partner_name = 'Acme' AND analytics_period = date '2026-11-17'")
        let third = try CommandRunner.run(arguments)
        #expect(third.status == 1, "\(third.stderr)")
        #expect(Self.lines(third.stdout) == ["blended_roi: partner-roi.total.roi is 0.5, below 1.5"])
        let saved = try String(contentsOf: state, encoding: .utf8)
        #expect(!saved.contains("Acme") && saved.contains("blended_roi"))
    }

    @Test func theDigestIsMailedWhenSomethingNewFiredAndOnlyThen() throws {
        let (_, conninfo) = try Self.database("check_mail")
        let sink = try SMTPSink()
        let folder = try CommandRunner.temporaryDirectory("check-mail")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules.toml")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        let arguments =
            [
                "check", "--rules", rules.path, "--state", folder.appendingPathComponent("state.json").path, "--database-url", conninfo,
                "--output", folder.path, "--send", "--no-starttls", "--smtp-url", "smtp://127.0.0.1:\(sink.port)",
                "--mail-from", "Alerts <alerts@example.com>", "--mail-to", "growth@example.com",
            ] + Self.period
        let first = try CommandRunner.run(arguments)
        #expect(first.status == 1, "\(first.stderr)")
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == 1)
        let message = String(decoding: deliveries.first?.data ?? Data(), as: UTF8.self)
        // "Alerts — 2026-W47", its dash encoded (RFC 2047).
        #expect(message.contains("Subject: =?UTF-8?") || message.contains("Subject: =?utf-8?"), "\(message.prefix(600))")
        #expect(message.contains("acme: partner-roi.partner") || message.contains("Acme"))
        #expect(deliveries.first?.data == (try Data(contentsOf: folder.appendingPathComponent("2026-W47/check.eml"))))
        let second = try CommandRunner.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("nothing new fired; no e-mail sent"))
        #expect(try sink.deliveries().count == 1)
    }

    /// Names are data: a partner whose name breaks lines and quotes still gives one line per
    /// alert, its key written as a rule would quote it; a state file that is not one is refused
    /// before anything is read or sent.
    @Test func hostileNamesStayOnOneLineAndABadStateIsRefused() throws {
        let (connection, conninfo) = try TestDatabase.migrated("check_names")
        let name = "Evil\n\"Partner\"\u{1B}[31m"
        _ = try connection.execute(
            named: "rows",
            """
            INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated, analytics_period)
            VALUES ($1, 'x', 1, 500.00, date '2026-11-10'), ($1, 'x', 1, 100.00, date '2026-11-17')
            """, parameters: [.text(name)])
        let folder = try CommandRunner.temporaryDirectory("check-names")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules.toml")
        try "[rules.drop]\nwhen = 'partner-roi.any.revenue drops 50 %'\n".write(to: rules, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(
            ["check", "--rules", rules.path, "--database-url", conninfo, "--output", folder.path] + Self.period)
        #expect(result.status == 1, "\(result.stderr)")
        let printed = Self.lines(result.stdout)
        #expect(printed.count == 1 && printed[0].hasPrefix("drop: partner-roi.partner[\"Evil"), "\(result.stdout)")
        #expect(printed[0].contains("fell 80.0 % (500.00 → 100.00)") && !result.stdout.contains("\u{1B}"))

        let state = folder.appendingPathComponent("state.json")
        try "{\"alerts\": 3}".write(to: state, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.run(
            ["check", "--rules", rules.path, "--state", state.path, "--database-url", conninfo, "--output", folder.path] + Self.period)
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.errorLines.count == 1 && refused.stderr.contains("is not a check state file"))
        #expect(refused.stdout.isEmpty)
    }

    /// Two runs at once with one state file (cron overlapping a manual run): they take turns on
    /// its lock, so the digest is sent once and the second run finds the alerts already reported.
    @Test func twoRunsAtOnceSendTheDigestOnce() throws {
        let (_, conninfo) = try Self.database("check_twice")
        let sink = try SMTPSink()
        let folder = try CommandRunner.temporaryDirectory("check-twice")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules.toml")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        let arguments =
            [
                "check", "--quiet", "--rules", rules.path, "--state", folder.appendingPathComponent("state.json").path,
                "--database-url", conninfo, "--output", folder.path, "--send", "--no-starttls",
                "--smtp-url", "smtp://127.0.0.1:\(sink.port)", "--mail-from", "alerts@example.com", "--mail-to", "growth@example.com",
            ] + Self.period
        let runs = [BackgroundRun(arguments), BackgroundRun(arguments)]
        defer { runs.forEach { $0.stop() } }
        let results = try runs.map { try $0.wait() }
        #expect(results.map(\.status).sorted() == [0, 1], "\(results.map(\.stderr))")
        #expect(try sink.deliveries().count == 1)
    }

    @Test func aBadRulesFileExits64NamingItsLineAndColumn() throws {
        let folder = try CommandRunner.temporaryDirectory("check-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, String)] = [
            ("[rules.roi]\nwhen = \"partner-roi.total.roii < 1.5\"\n", "line 2, column 27: rule 'roi': partner-roi.total has no field 'roii'"),
            ("[rules.roi]\nwhen = \"partner-roi.total.roi < \"\n", "line 2, column 33: rule 'roi': expected a number, found the end"),
            ("[rules.srm]\nwhen = \"ab-test.any.srm_flag drops 5 %\"\n", "line 2, column 30: rule 'srm': srm_flag is yes or no"),
            ("[rules.x]\nwhen = \"viral.total.k_factor\"\nlimit = 3\n", "line 3, column 1: unknown key 'limit' in [rules.x]"),
            ("[rules.x\nwhen = 1\n", "line 1"),
        ]
        for (text, message) in cases {
            let rules = folder.appendingPathComponent("rules.toml")
            try text.write(to: rules, atomically: true, encoding: .utf8)
            // No database is configured: the file is checked before any connection.
            let result = try CommandRunner.run(
                ["check", "--rules", rules.path, "--output", folder.path] + Self.period,
                environment: ["DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PGHOST": nil])
            #expect(result.status == 64, "\(text): \(result.stderr)")
            #expect(result.errorLines.count == 1 && result.stderr.contains(message), "\(result.stderr)")
        }
        let missing = try CommandRunner.run(["check", "--rules", folder.appendingPathComponent("none.toml").path] + Self.period)
        #expect(missing.status == 64 && missing.stderr.contains("Cannot read the rules file"))
    }
}
