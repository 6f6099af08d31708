import Database
import Foundation
import TestSupport
import Testing

/// Roles with less than the owner's privileges, and a statement that waits on a lock: reports
/// need SELECT only; `db` commands that write say what privilege is missing (77); a statement
/// cancelled by `--statement-timeout` is worth retrying (75) and leaves the last pack alone.
@Suite struct DataAttackPrivilegeTests {
    /// A login role of its own (name unique to this run), dropped with its privileges at the end.
    final class Role: @unchecked Sendable {
        let name = "attack_role_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "Attack-Passw0rd"
        private var databases: [String] = []

        init() throws {
            try DataAttack.admin().executeScript(named: "create_role", "CREATE ROLE \(name) LOGIN PASSWORD '\(password)'")
        }

        /// CONNECT on the database, USAGE on its schema, and SELECT on its tables but `except`.
        func grantSelect(on conninfo: String, database: String, except: [String] = []) throws {
            databases.append(conninfo)
            let connection = try DataAttack.connect(conninfo)
            try connection.executeScript(
                named: "grant",
                """
                GRANT CONNECT ON DATABASE \(database) TO \(name);
                GRANT USAGE ON SCHEMA public TO \(name);
                GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(name);
                """ + except.map { "REVOKE SELECT ON \($0) FROM \(name);" }.joined())
        }

        /// `conninfo` logging in as this role.
        func login(_ conninfo: String) -> String { conninfo + " user=\(name) password=\(password)" }

        deinit {
            for conninfo in databases {
                try? DataAttack.connect(conninfo).executeScript(named: "drop_owned", "DROP OWNED BY \(name)")
            }
            try? DataAttack.admin().executeScript(named: "drop_role", "DROP ROLE IF EXISTS \(name)")
        }
    }

    static func databaseName(_ conninfo: String) throws -> String {
        try #require(conninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }.map { String($0.dropFirst(7)) })
    }

    static func expectPermissionDenied(
        _ result: CommandRunner.Result, _ context: String, naming object: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 77, "\(context): \(result.status) \(result.stderr)", sourceLocation: sourceLocation)
        DataAttack.expectOneErrorLine(result, context, sourceLocation: sourceLocation)
        #expect(
            result.stderr.contains("SQLSTATE 42501") && result.stderr.contains("permission denied for \(object)"),
            "\(context): \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func aSelectOnlyRoleRunsEveryReportAndWeekly() throws {
        let (name, conninfo) = try DataAttack.tinyNamed("select_only")
        let role = try Role()
        try role.grantSelect(on: conninfo, database: name)
        let before = try DataAttack.checksums(conninfo)
        let folder = try CommandRunner.temporaryDirectory("attack-select-only")
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in DataAttack.commands {
            let result = try CommandRunner.run(
                [command] + DataAttack.period + [
                    "--quiet", "--database-url", role.login(conninfo),
                    "--output", folder.appendingPathComponent(command).path,
                ])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(command): \(result.stderr)")
            #expect(DataAttack.folderEntries(folder.appendingPathComponent("\(command)/2026-W47")).contains("manifest.json"), "\(command)")
            #expect(!result.stderr.contains(role.password) && !result.stdout.contains(role.password))
        }
        // check reads what the reports read: the same role judges rules over all of them.
        let rules = folder.appendingPathComponent("rules.toml")
        try """
        [rules.roi]
        when = "partner-roi.total.customers >= 0"
        [rules.k]
        when = "viral.total.actions >= 0"
        [rules.srm]
        when = "ab-test.any.srm_flag"
        [rules.stale]
        when = "exec-summary.real_time.stale"
        [rules.daily]
        when = "anomaly viral.daily.actions"
        """.write(to: rules, atomically: true, encoding: .utf8)
        let check = try CommandRunner.run(
            ["check", "--rules", rules.path] + DataAttack.period + [
                "--quiet", "--database-url", role.login(conninfo), "--output", folder.appendingPathComponent("check").path,
                "--state", folder.appendingPathComponent("check-state.json").path,
            ])
        #expect(check.status == 1, "check: \(check.stderr)")
        #expect(check.stdout.contains("roi: partner-roi.total.customers is ") && check.stdout.contains("k: viral.total.actions is "))
        #expect(check.stderr.isEmpty, "check: \(check.stderr)")
        // The doctor reads the catalog and the statistics views, which every role may read.
        let doctor = try CommandRunner.run(
            ["db", "doctor"] + DataAttack.period + [
                "--quiet", "--database-url", role.login(conninfo),
                "--output", folder.appendingPathComponent("doctor").path,
            ])
        #expect(doctor.status == 0, "db doctor: \(doctor.stderr)")
        #expect(doctor.stderr.isEmpty, "db doctor: \(doctor.stderr)")
        #expect(try DataAttack.checksums(conninfo) == before)
    }

    @Test func dbMigrateAndDbSeedWithASelectOnlyRoleExit77() throws {
        let role = try Role()
        // A database that needs every migration; the role may connect and look, not create.
        let empty = try DataAttack.database("needs_migration")
        try role.grantSelect(on: empty.conninfo, database: empty.name)
        let migrate = try CommandRunner.run(["db", "migrate", "--database-url", role.login(empty.conninfo)])
        Self.expectPermissionDenied(migrate, "db migrate", naming: "schema public")
        #expect(
            try DataAttack.connect(empty.conninfo).query(named: "tables", "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")[0].int("n") == 0)

        // A migrated database without rows: seeding it needs INSERT.
        let migrated = try DataAttack.database("migrated_empty")
        #expect(try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", migrated.conninfo]).status == 0)
        try role.grantSelect(on: migrated.conninfo, database: migrated.name)
        let seed = try CommandRunner.run([
            "db", "seed", "--scale", "small", "--seed", "5", "--as-of", "2026-11-25",
            "--database-url", role.login(migrated.conninfo),
        ])
        Self.expectPermissionDenied(seed, "db seed", naming: "table")
        let before = try DataAttack.checksums(migrated.conninfo)
        #expect(before["real_time_metrics"]?.hasSuffix("(0 rows)") == true && before["viral_metrics"]?.hasSuffix("(0 rows)") == true)

        // A database with data: --replace would empty the tables first.
        let (name, conninfo) = try DataAttack.tinyNamed("seed_replace")
        try role.grantSelect(on: conninfo, database: name)
        let data = try DataAttack.checksums(conninfo)
        let replace = try CommandRunner.run([
            "db", "seed", "--replace", "--scale", "small", "--seed", "5", "--as-of", "2026-11-25",
            "--database-url", role.login(conninfo),
        ])
        Self.expectPermissionDenied(replace, "db seed --replace", naming: "table")
        #expect(try DataAttack.checksums(conninfo) == data)
    }

    /// The A/B readout without `conversion_events`: revenue per user is left out and the
    /// readout says why; asking for revenue or a guardrail explicitly is refused (77).
    @Test func abTestWithoutConversionEventsLeavesRevenueOutOrRefusesWhenAsked() throws {
        let (name, conninfo) = try DataAttack.tinyNamed("no_revenue")
        let role = try Role()
        try role.grantSelect(on: conninfo, database: name, except: ["conversion_events"])
        let folder = try CommandRunner.temporaryDirectory("attack-no-revenue")
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try CommandRunner.run(
            ["ab-test"] + DataAttack.period + ["--quiet", "--database-url", role.login(conninfo), "--output", folder.path])
        #expect(plain.status == 0, "\(plain.stderr)")
        let week = folder.appendingPathComponent("2026-W47")
        let revenue = try String(contentsOf: week.appendingPathComponent("ab-test-revenue.csv"), encoding: .utf8)
        #expect(revenue.split(separator: "\r\n").count == 1, "a header, no rows: \(revenue)")
        let html = try String(contentsOf: week.appendingPathComponent("ab-test.html"), encoding: .utf8)
        #expect(html.contains("this role cannot read conversion_events"))
        let quality = try String(contentsOf: week.appendingPathComponent("ab-test-data-quality.csv"), encoding: .utf8)
        #expect(quality.contains("tests whose revenue per user is left out: this role cannot read conversion_events"), "\(quality)")
        for extra in [["--metric", "revenue"], ["--guardrail", "refund"], ["--cap", "0.99"]] {
            let asked = try CommandRunner.run(
                ["ab-test"] + DataAttack.period + extra + ["--quiet", "--database-url", role.login(conninfo), "--output", folder.path])
            Self.expectPermissionDenied(asked, "ab-test \(extra.joined(separator: " "))", naming: "table conversion_events")
        }
    }

    /// A role that may read every table but one: the reports that read it exit 77 naming it,
    /// the others still run.
    @Test(arguments: [
        ("conversion_events", ["attribution"]), ("real_time_metrics", ["exec-summary"]),
        ("partner_costs", ["partner-roi", "exec-summary"]), ("ab_test_assignments", ["ab-test", "exec-summary"]),
    ])
    func aRoleWithoutSelectOnOneTable(table: String, refused: [String]) throws {
        let (name, conninfo) = try DataAttack.tinyNamed("no_\(table)")
        let role = try Role()
        try role.grantSelect(on: conninfo, database: name, except: [table])
        let folder = try CommandRunner.temporaryDirectory("attack-no-select")
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in DataAttack.commands {
            let result = try CommandRunner.run(
                [command] + DataAttack.period + [
                    "--quiet", "--format", "csv", "--database-url", role.login(conninfo),
                    "--output", folder.appendingPathComponent(command).path,
                ])
            if refused.contains(command) || command == "weekly" {
                Self.expectPermissionDenied(result, "\(command) without SELECT on \(table)", naming: "table \(table)")
                #expect(DataAttack.folderEntries(folder.appendingPathComponent(command)).isEmpty, "\(command): nothing written")
            } else {
                #expect(result.status == 0, "\(command) without SELECT on \(table): \(result.stderr)")
            }
        }
    }

    @Test func aStatementTimeoutWhileATableIsLockedExits75AndKeepsThePreviousPack() throws {
        let conninfo = try DataAttack.tiny("statement_timeout")
        let folder = try CommandRunner.temporaryDirectory("attack-timeout")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["viral"] + DataAttack.period + ["--quiet", "--database-url", conninfo, "--output", folder.path]
        #expect(try CommandRunner.run(arguments).status == 0)
        let pack = folder.appendingPathComponent("2026-W47")
        let before = try WeeklyCommandTests.files(in: pack)
        #expect(before.keys.contains("viral.csv") && before.keys.contains("manifest.json"))

        let blocker = try DataAttack.connect(conninfo)
        try blocker.executeScript(named: "lock_viral", "BEGIN; LOCK TABLE viral_metrics IN ACCESS EXCLUSIVE MODE")
        let start = ContinuousClock.now
        let result = try CommandRunner.run(arguments + ["--statement-timeout", "1s"])
        let elapsed = start.duration(to: .now)
        try blocker.executeScript(named: "unlock_viral", "ROLLBACK")

        #expect(result.status == 75, "\(result.stderr)")
        DataAttack.expectOneErrorLine(result, "viral --statement-timeout 1s")
        #expect(result.stderr.contains("statement timeout") && result.stderr.contains("--statement-timeout"), "\(result.stderr)")
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(15), "\(elapsed)")
        #expect(try WeeklyCommandTests.files(in: pack) == before, "the previous pack is untouched")
        #expect(DataAttack.folderEntries(folder) == ["2026-W47"], "no staging left: \(DataAttack.folderEntries(folder))")
        // Once the lock is gone the same run works.
        #expect(try CommandRunner.run(arguments + ["--statement-timeout", "1s"]).status == 0)
    }
}
