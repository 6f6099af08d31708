import Database
import Foundation
import TestSupport
import Testing

/// What the attack suites share: databases copied from templates built once per test process
/// (a seeded one and a tiny one), table checksums, a CSV reader and the one-line-error check.
/// The suites: malformed rows (`DataAttackMalformedRowTests`, this file), SQL injection through
/// options (`DataAttackInjectionTests`), hostile option values (`DataAttackOptionValueTests`),
/// privileges and timeouts (`DataAttackPrivilegeTests`), terminal control characters and file
/// modes (`DataAttackTerminalTests`).
enum DataAttack {
    static let period = ["--week", "2026-W47", "--as-of", "2026-11-25"]
    static let reports = ["partner-roi", "viral", "ab-test", "attribution", "exec-summary"]
    static let commands = reports + ["weekly"]
    /// The six tables of SPEC §2 and the migrations' own.
    static let tables = [
        "partnership_analytics", "partner_costs", "viral_metrics", "ab_test_assignments",
        "conversion_events", "real_time_metrics", Migrator.historyTable,
    ]

    struct Failure: Error, CustomStringConvertible { var description: String }

    // MARK: Databases

    static func admin() throws -> PostgresConnection {
        try PostgresConnection(settings: ConnectionSettings(connectionString: TestDatabase.cluster().conninfo(database: "postgres")))
    }

    private static let creation = NSLock()

    /// A new database (a copy of `template` when given): its name and conninfo.
    static func database(_ label: String, template: String? = nil) throws -> (name: String, conninfo: String) {
        let name = "attack_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        creation.lock()
        defer { creation.unlock() }
        let admin = try admin()
        try admin.executeScript(
            named: "create_attack_database",
            "CREATE DATABASE \(try admin.quoteIdentifier(name))" + (template.map { " TEMPLATE \($0)" } ?? ""))
        return (name, try TestDatabase.cluster().conninfo(database: name))
    }

    static func connect(_ conninfo: String) throws -> PostgresConnection {
        try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
    }

    /// `db migrate` and `db seed --scale small --seed 5 --as-of 2026-11-25`, once; only ever copied.
    private static let seededTemplate: Result<String, Error> = Result {
        let (name, conninfo) = try database("seeded_template")
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "5", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            guard result.status == 0 else { throw Failure(description: "\(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)") }
        }
        return name
    }

    /// A fresh copy of the seeded database.
    static func seeded(_ label: String) throws -> String {
        try database(label, template: seededTemplate.get()).conninfo
    }

    /// A few rows in every table, enough for each report to run (ab-test needs a test with two
    /// variants) in a fraction of the seeded database's time: for tests that run the binary often.
    private static let tinyTemplate: Result<String, Error> = Result {
        let (name, conninfo) = try database("tiny_template")
        do {
            let connection = try connect(conninfo)
            try Migrator().migrate(on: connection)
            try connection.executeScript(
                named: "tiny_rows",
                """
                INSERT INTO partnership_analytics (partner_name, partner_type, referral_source, customers_acquired,
                                                   revenue_generated, conversion_rate, analytics_period)
                VALUES ('Tiny Partner', 'affiliate', 'blog', 5, 100.00, 10.00, date '2026-11-17'),
                       ('Tiny Partner', 'affiliate', 'blog', 4, 80.00, 10.00, date '2026-11-10'),
                       ('Other Partner', 'youtube', 'video', 2, 30.00, 5.00, date '2026-11-18');
                INSERT INTO partner_costs (partner_name, analytics_period, cost)
                VALUES ('Tiny Partner', date '2026-11-17', 40.00), ('Tiny Partner', date '2026-11-10', 20.00);
                INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
                SELECT 'user' || g || '@example.com', 'referral', CASE WHEN g % 2 = 0 THEN 'email' ELSE 'linkedin' END,
                       jsonb_build_object('impressions', 10 * g, 'clicks', g, 'conversions', g % 3), timestamptz '2026-11-17 10:00+00'
                FROM generate_series(1, 12) AS g;
                INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
                SELECT 'user' || g || '@example.com', 'purchase', 10.00 * g, timestamptz '2026-11-18 10:00+00'
                FROM generate_series(1, 6) AS g;
                INSERT INTO real_time_metrics (metric_name, metric_value, metric_metadata, last_updated)
                VALUES ('daily_signups', 5, '{"unit": "signups"}', timestamptz '2026-11-24 12:00+00');
                INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
                SELECT 'tester' || g || '@example.com', 'tiny_test', CASE WHEN g % 2 = 0 THEN 'control' ELSE 'treatment' END,
                       CASE WHEN g % 3 = 0 THEN 'signup' END, CASE WHEN g % 3 = 0 THEN timestamptz '2026-11-18 10:00+00' END,
                       timestamptz '2026-11-17 09:00+00'
                FROM generate_series(1, 40) AS g;
                """)
        }
        return name
    }

    /// A fresh copy of the tiny database.
    static func tiny(_ label: String) throws -> String { try tinyNamed(label).conninfo }

    /// A fresh copy of the tiny database, with its name.
    static func tinyNamed(_ label: String) throws -> (name: String, conninfo: String) {
        try database(label, template: tinyTemplate.get())
    }

    // MARK: Checks

    /// An md5 of every row of every table, by table.
    static func checksums(_ conninfo: String) throws -> [String: String] {
        let connection = try connect(conninfo)
        var sums: [String: String] = [:]
        for table in tables {
            let rows = try connection.query(
                named: "checksum",
                "SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), 'empty') AS sum, count(*) AS n FROM \(table) t")
            sums[table] = "\(try rows[0].string("sum")) (\(try rows[0].int("n")) rows)"
        }
        let relations = try connection.query(
            named: "relations",
            """
            SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY n.nspname, c.relname) AS list
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
            """)
        sums["(relations)"] = try relations[0].text("list") ?? ""
        return sums
    }

    /// An RFC 4180 file as records of fields.
    static func csv(_ url: URL) throws -> [[String]] {
        var text = try String(contentsOf: url, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\r": break
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// A CSV file as dictionaries keyed by its header.
    static func table(_ url: URL) throws -> [[String: String]] {
        let records = try csv(url)
        guard let header = records.first else { return [] }
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// A `<report>-data-quality.csv` as check → rows.
    static func quality(_ url: URL) throws -> [String: Int] {
        var checks: [String: Int] = [:]
        for row in try table(url) { checks[row["check"] ?? ""] = Int(row["rows"] ?? "") }
        return checks
    }

    /// The run failed with exactly one line on stderr, `growth-report: …`, and nothing on stdout.
    static func expectOneErrorLine(
        _ result: CommandRunner.Result, _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.errorLines.count == 1, "\(context): \(result.stderr.prefix(600).debugDescription)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("growth-report: "), "\(context): \(result.stderr.prefix(300).debugDescription)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(context): stdout \(result.stdout.prefix(300).debugDescription)", sourceLocation: sourceLocation)
    }

    static func folderEntries(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }
}

/// Malformed rows of a seeded database: integers at their limit, NaN money, reach numbers beyond
/// any count, timestamps of ±infinity and BC, unusable real-time values. Every report and
/// `weekly` still exits 0, and what the data-quality CSVs say changed against the same database
/// before the rows were added is exactly what was added; the totals are exact.
@Suite(.serialized) struct DataAttackMalformedRowTests {
    static let limit = 2_147_483_647

    /// The rows added to a copy of the seeded database.
    static let malformedRows = """
        INSERT INTO partnership_analytics (partner_name, partner_type, referral_source, customers_acquired,
                                           revenue_generated, conversion_rate, analytics_period)
        VALUES ('Integer Limit Ltd', 'affiliate', 'x', 2147483647, 10.00, 5.00, date '2026-11-17'),
               ('Integer Limit Ltd', 'affiliate', 'x', 2147483647, 10.00, 5.00, date '2026-11-17'),
               ('Integer Limit Ltd', 'affiliate', 'x', 2147483647, 10.00, 5.00, date '2026-11-17'),
               ('Integer Limit Ltd', 'affiliate', 'x', 2147483647, 10.00, 5.00, date '2026-11-19'),
               ('Second Limit GmbH', 'affiliate', 'x', 2147483647, 1.00, 1.00, date '2026-11-20'),
               ('Second Limit GmbH', 'affiliate', 'x', 2147483647, 1.00, 1.00, date '2026-11-20'),
               ('NaN Money Inc', 'affiliate', 'x', 3, 'NaN', 'NaN', date '2026-11-18'),
               ('NaN Money Inc', 'affiliate', 'x', 4, 'NaN', 10.00, date '2026-11-19'),
               ('NaN Money Inc', 'affiliate', 'x', 5, 25.50, 'NaN', date '2026-11-20');
        INSERT INTO partner_costs (partner_name, analytics_period, cost)
        VALUES ('NaN Money Inc', date '2026-11-18', 'NaN'), ('NaN Money Inc', date '2026-11-19', 40.00);
        INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
        VALUES ('nan1@example.com', 'purchase', 'NaN', timestamptz '2026-11-18 10:00+00'),
               ('nan2@example.com', 'purchase', 'NaN', timestamptz '2026-11-19 10:00+00'),
               ('big@example.com', 'purchase', 9999999999.99, timestamptz '2026-11-19 11:00+00');
        INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
        VALUES ('huge1@example.com', 'referral', 'linkedin', '{"impressions": 1e308, "clicks": 3, "conversions": 1}', timestamptz '2026-11-18 09:00+00'),
               ('huge2@example.com', 'referral', 'linkedin', '{"impressions": 1e308, "clicks": 1e308, "conversions": 1}', timestamptz '2026-11-18 09:30+00'),
               ('huge3@example.com', 'referral', 'linkedin', '{"impressions": 1e1000, "clicks": 2, "conversions": 1e1000}', timestamptz '2026-11-19 09:00+00'),
               ('undated@example.com', 'referral', 'linkedin', '{"impressions": 5}', '-infinity'),
               ('undated@example.com', 'referral', 'linkedin', '{"impressions": 5}', 'infinity'),
               ('undated@example.com', 'referral', 'linkedin', '{"impressions": 5}', '0044-01-01 00:00+00 BC');
        INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
        VALUES ('undated1@example.com', 'pricing_page_v2', 'control', NULL, NULL, '-infinity'),
               ('undated2@example.com', 'pricing_page_v2', 'variant_b', 'signup', timestamptz '2026-11-18 10:00+00', '-infinity'),
               ('undated3@example.com', 'pricing_page_v2', 'control', NULL, NULL, 'infinity'),
               ('undated4@example.com', 'pricing_page_v2', 'variant_b', 'signup', 'infinity', '0044-01-01 00:00+00 BC'),
               ('undated5@example.com', 'pricing_page_v2', 'variant_b', NULL, NULL, '0044-01-01 00:00+00 BC');
        INSERT INTO real_time_metrics (metric_name, metric_value, metric_metadata, last_updated)
        VALUES ('huge_metric', 1e400, '{}', timestamptz '2026-11-24 12:00+00'),
               ('nan_metric', 'NaN', '{}', timestamptz '2026-11-24 12:00+00'),
               ('future_metric', 7, '{}', 'infinity');
        """

    struct Packs {
        var clean: URL
        var malformed: URL
        var conninfo: String
    }

    /// `weekly` on the seeded database as it is, and on a copy with the malformed rows.
    static let packs: Result<Packs, Error> = Result {
        let clean = try DataAttack.seeded("clean")
        let malformed = try DataAttack.seeded("malformed")
        try DataAttack.connect(malformed).executeScript(named: "malformed_rows", malformedRows)
        let folder = try CommandRunner.temporaryDirectory("attack-malformed")
        var packs: [URL] = []
        for (name, conninfo) in [("clean", clean), ("malformed", malformed)] {
            let result = try CommandRunner.run(
                ["weekly"] + DataAttack.period + [
                    "--quiet", "--database-url", conninfo,
                    "--output", folder.appendingPathComponent(name).path,
                ])
            guard result.status == 0 else { throw DataAttack.Failure(description: "weekly on the \(name) database: \(result.status) \(result.stderr)") }
            packs.append(folder.appendingPathComponent("\(name)/2026-W47"))
        }
        return Packs(clean: packs[0], malformed: packs[1], conninfo: malformed)
    }

    /// Data-quality counts of the malformed pack minus those of the clean one.
    static func qualityChange(_ file: String) throws -> [String: Int] {
        let packs = try packs.get()
        let before = try DataAttack.quality(packs.clean.appendingPathComponent(file))
        let after = try DataAttack.quality(packs.malformed.appendingPathComponent(file))
        #expect(Set(before.keys) == Set(after.keys), "\(file): the same checks")
        return after.reduce(into: [:]) { $0[$1.key] = $1.value - (before[$1.key] ?? 0) }
    }

    static func row(_ rows: [[String: String]], _ key: String, _ value: String) -> [String: String]? {
        rows.first { $0[key] == value }
    }

    @Test func everyReportExitsZeroOnTheMalformedRows() throws {
        let packs = try Self.packs.get()
        let folder = try CommandRunner.temporaryDirectory("attack-malformed-each")
        defer { try? FileManager.default.removeItem(at: folder) }
        for report in DataAttack.reports {
            let result = try CommandRunner.run(
                [report] + DataAttack.period + [
                    "--quiet", "--database-url", packs.conninfo,
                    "--output", folder.path,
                ])
            #expect(result.status == 0, "\(report): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(report): \(result.stderr)")
            for file in ["\(report).html", "\(report).xlsx", "\(report)-data-quality.csv", "manifest.json"] {
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/\(file)").path), "\(report): \(file)")
            }
        }
        // weekly ran in `packs`; its pack holds every report.
        for report in DataAttack.reports {
            #expect(FileManager.default.fileExists(atPath: packs.malformed.appendingPathComponent("\(report).xlsx").path), "weekly: \(report).xlsx")
        }
    }

    @Test func partnerROICountsNaNMoneyAndSumsCustomersAtTheIntegerLimitExactly() throws {
        let packs = try Self.packs.get()
        let change = try Self.qualityChange("partner-roi-data-quality.csv")
        #expect(change["rows with NaN revenue_generated: left out of revenue"] == 2)
        #expect(change["partner_costs rows with NaN cost: left out (no cost that day)"] == 1)
        #expect(change["partnership_analytics rows read in the period"] == 9)
        #expect(change["partner_costs rows read in the period"] == 1, "the NaN cost row is not a cost row: \(change)")
        // Two rows with a NaN rate (and none of the others) derive no visitors.
        #expect(change["rows with null or zero (or negative) conversion_rate: no visitors derived"] == 2)

        let partners = try DataAttack.table(packs.malformed.appendingPathComponent("partner-roi.csv"))
        let huge = try #require(Self.row(partners, "partner_name", "Integer Limit Ltd"))
        #expect(huge["customers"] == String(4 * Self.limit), "4 × 2147483647: \(huge)")
        #expect(huge["revenue"] == "40.00")
        #expect(huge["cost"] == "")
        #expect(huge["conversion_rate"] == "0.05")
        let second = try #require(Self.row(partners, "partner_name", "Second Limit GmbH"))
        #expect(second["customers"] == String(2 * Self.limit), "2 × 2147483647: \(second)")
        let nan = try #require(Self.row(partners, "partner_name", "NaN Money Inc"))
        #expect(nan["customers"] == "12")
        #expect(nan["revenue"] == "25.50", "the NaN revenue rows are left out: \(nan)")
        #expect(nan["cost"] == "40.00", "the NaN cost row is left out: \(nan)")
        #expect(nan["conversion_rate"] == "0.1", "only the row with a rate: 4 of 40 visitors")
        // Every number is a finite number or empty: no NaN, no infinity.
        for row in partners {
            for (column, value) in row where !["partner_name", "partner_type", "status"].contains(column) {
                #expect(value.isEmpty || Double(value)?.isFinite == true, "partner-roi.csv \(row["partner_name"] ?? "") \(column) = \(value)")
            }
        }

        // The total moves by exactly what was added.
        let before = try #require(Self.row(DataAttack.table(packs.clean.appendingPathComponent("partner-roi-by-type.csv")), "partner_type", "(all)"))
        let after = try #require(Self.row(DataAttack.table(packs.malformed.appendingPathComponent("partner-roi-by-type.csv")), "partner_type", "(all)"))
        #expect(Int(after["customers"] ?? "") == Int(before["customers"] ?? "").map { $0 + 6 * Self.limit + 12 }, "\(before) → \(after)")
        #expect(Decimal(string: after["revenue"] ?? "") == Decimal(string: before["revenue"] ?? "").map { $0 + Decimal(string: "67.50")! })
        #expect(Decimal(string: after["cost"] ?? "") == Decimal(string: before["cost"] ?? "").map { $0 + 40 })
    }

    @Test func viralCountsNumbersBeyondAnyCountAndKeepsEveryTotal() throws {
        let packs = try Self.packs.get()
        let change = try Self.qualityChange("viral-data-quality.csv")
        #expect(change["impressions: number of 10^15 or more"] == 3, "1e308 twice and 1e1000: \(change)")
        #expect(change["clicks: number of 10^15 or more"] == 1)
        #expect(change["conversions: number of 10^15 or more"] == 1)
        #expect(change["impressions not a usable number (counted as 0)"] == 3)
        // The rows dated ±infinity and BC are in no period.
        #expect(change["rows read: period"] == 3)
        #expect(change["rows read: previous period"] == 0)

        let before = try DataAttack.table(packs.clean.appendingPathComponent("viral.csv"))
        let after = try DataAttack.table(packs.malformed.appendingPathComponent("viral.csv"))
        let counts = ["actions", "users", "impressions", "clicks", "conversions"]
        for row in after {
            for column in counts {
                #expect(
                    Int(row[column] ?? "") != nil, "viral.csv \(row["source_platform"] ?? "")/\(row["action_type"] ?? "") \(column) = \(row[column] ?? "nil")")
            }
            for column in ["ctr", "click_conversion_rate", "k_factor"] {
                let value = row[column] ?? ""
                #expect(value.isEmpty || Double(value)?.isFinite == true, "viral.csv \(column) = \(value)")
            }
        }
        let total = try #require(Self.row(after, "source_platform", "(all)"))
        let previous = try #require(Self.row(before, "source_platform", "(all)"))
        func number(_ row: [String: String], _ column: String) -> Int? { Int(row[column] ?? "") }
        // Huge values count as 0; the other keys of the same rows count as given.
        let added = ["actions": 3, "users": 3, "impressions": 0, "clicks": 3 + 2, "conversions": 1 + 1]
        for (column, amount) in added {
            #expect(
                number(total, column) == number(previous, column).map { $0 + amount }, "(all) \(column): \(previous[column] ?? "") → \(total[column] ?? "")")
        }
        let trend = try DataAttack.table(packs.malformed.appendingPathComponent("viral-trend.csv"))
        #expect(trend.count == 8)
        #expect(trend.allSatisfy { row in ["actions", "users", "impressions", "clicks", "conversions"].allSatisfy { Int(row[$0] ?? "") != nil } })
    }

    @Test func attributionLeavesNaNRevenueOutAndCreditsTheLargestRevenueToTheCent() throws {
        let packs = try Self.packs.get()
        let change = try Self.qualityChange("attribution-data-quality.csv")
        #expect(change["conversions with NaN revenue (left out)"] == 2)
        #expect(change["conversions in the period (every event type)"] == 3)
        #expect(change["conversions read"] == 1)

        func totals(_ pack: URL) throws -> [String: (conversions: Double, revenue: Decimal)] {
            var totals: [String: (conversions: Double, revenue: Decimal)] = [:]
            for row in try DataAttack.table(pack.appendingPathComponent("attribution.csv")) {
                let model = row["model"] ?? ""
                let revenue = try #require(Decimal(string: row["revenue"] ?? ""), "attribution.csv revenue \(row)")
                let conversions = try #require(Double(row["conversions"] ?? ""), "attribution.csv conversions \(row)")
                totals[model, default: (0, 0)].conversions += conversions
                totals[model, default: (0, 0)].revenue += revenue
            }
            return totals
        }
        let before = try totals(packs.clean), after = try totals(packs.malformed)
        #expect(after.count == 5 && Set(after.keys) == Set(before.keys), "\(after.keys.sorted())")
        for (model, total) in after {
            let previous = try #require(before[model])
            #expect(total.revenue == previous.revenue + Decimal(string: "9999999999.99")!, "\(model): \(previous.revenue) → \(total.revenue)")
            #expect(abs(total.conversions - previous.conversions - 1) < 1e-6, "\(model): \(previous.conversions) → \(total.conversions)")
        }
    }

    @Test func abTestLeavesOutAssignmentsDatedMinusInfinityOrBC() throws {
        let change = try Self.qualityChange("ab-test-data-quality.csv")
        // Two at -infinity, two in 44 BC; the one at +infinity is after the period's end.
        // The check of "rows excluded: created_at -infinity or before the year 1", however worded.
        let undated = change.first { $0.key.hasPrefix("rows excluded: created_at") && $0.key.contains("year 1") }
        #expect(undated?.value == 4, "\(change)")
        #expect(change["rows read"] == 0, "none of them is read: \(change)")
        let packs = try Self.packs.get()
        let before = try DataAttack.table(packs.clean.appendingPathComponent("ab-test.csv"))
        let after = try DataAttack.table(packs.malformed.appendingPathComponent("ab-test.csv"))
        #expect(before == after, "the counts of pricing_page_v2 are those without the undated rows")
    }

    @Test func execSummaryShowsUnusableRealTimeValuesEmpty() throws {
        let change = try Self.qualityChange("exec-summary-data-quality.csv")
        #expect(change["real_time_metrics values NaN or of 10^27 or more (shown empty)"] == 2)
        #expect(change["real_time_metrics rows"] == 3)
        let packs = try Self.packs.get()
        let metrics = try DataAttack.table(packs.malformed.appendingPathComponent("exec-summary-real-time.csv"))
        #expect(Self.row(metrics, "metric_name", "huge_metric")?["metric_value"] == "")
        #expect(Self.row(metrics, "metric_name", "nan_metric")?["metric_value"] == "")
        let future = try #require(Self.row(metrics, "metric_name", "future_metric"))
        #expect(future["metric_value"] == "7")
        #expect(future["last_updated"] == "", "infinity is no time: \(future)")
        #expect(future["is_stale"] == "true", "a metric never really updated is stale: \(future)")
    }

    /// Periods at the ends of the calendar, on the malformed database (whose rows reach
    /// -infinity, 44 BC and +infinity): 0 with a pack, or 64 with one line; never 70.
    @Test(arguments: [
        ["--week", "0001-W01"], ["--week", "0001-W02"], ["--week", "9999-W52"], ["--month", "0001-01"],
        ["--month", "9999-12"], ["--from", "0001-01-01", "--to", "0001-01-02"], ["--week", "9999-W53"],
    ])
    func periodsAtTheEndsOfTheCalendar(period: [String]) throws {
        let packs = try Self.packs.get()
        let folder = try CommandRunner.temporaryDirectory("attack-calendar")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["weekly"] + period + [
                "--as-of", "2026-11-25", "--quiet", "--database-url", packs.conninfo,
                "--output", folder.path,
            ])
        #expect(result.status == 0 || result.status == 64, "\(period): \(result.status) \(result.stderr)")
        if result.status == 0 {
            #expect(result.stderr.isEmpty, "\(period): \(result.stderr)")
            let label = period.count == 4 ? "\(period[1])_\(period[3])" : period[1]
            let pack = folder.appendingPathComponent(label)
            #expect(DataAttack.folderEntries(pack).contains("manifest.json"), "\(period): \(DataAttack.folderEntries(folder))")
            #expect(DataAttack.folderEntries(pack).contains("partner-roi.csv"), "\(period)")
        } else {
            DataAttack.expectOneErrorLine(result, "\(period)")
            #expect(DataAttack.folderEntries(folder).isEmpty, "\(period): nothing written")
        }
        // 9999 has 52 ISO weeks: W53 is no week; the others are periods.
        #expect(result.status == (period[1] == "9999-W53" ? 64 : 0), "\(period): \(result.stderr)")
    }
}
