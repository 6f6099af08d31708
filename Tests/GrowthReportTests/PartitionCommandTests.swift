import Database
import Foundation
import PrivateCluster
import TestSupport
import Testing

/// `db partition` on seeded data: the reports do not change by a byte, no row is lost, writes
/// made during the move are kept, a killed server leaves a whole table, and what cannot be
/// converted as it is is refused with one line before anything changes.
@Suite struct PartitionCommandTests {
    static let tables = ["viral_metrics", "ab_test_assignments", "conversion_events"]

    /// Rows and a checksum of every row's text, per table.
    static func fingerprint(_ connection: PostgresConnection, _ relation: String) throws -> String {
        let row = try connection.query(
            Statement(
                "fingerprint",
                "SELECT count(*)::bigint AS rows, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text AS sum FROM \(raw: relation) t"))[0]
        return "\(try row.int("rows")) rows, checksum \(try row.string("sum"))"
    }

    static func kind(_ connection: PostgresConnection, _ table: String, schema: String = "public") throws -> String? {
        try connection.query(
            Statement(
                "relkind",
                "SELECT c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema) AND c.relname = \(table)"
            )
        ).first?.string("kind")
    }

    static func csvFiles(_ folder: URL) throws -> [String: Data] {
        try WeeklyCommandTests.files(in: folder).filter { $0.key.hasSuffix(".csv") }
    }

    /// The weekly pack of 2026-W47 as CSV, into `output/<name>/`: its CSV files.
    static func weeklyCSV(_ conninfo: String, output: URL, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Data] {
        let folder = output.appendingPathComponent(name)
        let result = try CommandRunner.run(
            ["weekly"] + DoctorCommandTests.period + ["--quiet", "--format", "csv", "--output", folder.path, "--database-url", conninfo])
        #expect(result.status == 0, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
        return try csvFiles(folder.appendingPathComponent("2026-W47"))
    }

    @Test func theReportsAreByteIdenticalNoRowIsLostAndASecondRunDoesNothing() throws {
        let conninfo = try DoctorCommandTests.seeded("partition_identical")
        let connection = try DataAttack.connect(conninfo)
        let output = try CommandRunner.temporaryDirectory("partition-identical")
        defer { try? FileManager.default.removeItem(at: output) }
        let before = try Self.weeklyCSV(conninfo, output: output, name: "plain")
        let fingerprints = try Self.tables.map { try Self.fingerprint(connection, $0) }

        // The dry run says what it would do and changes nothing.
        let dry = try CommandRunner.run(["db", "partition", "--dry-run", "--database-url", conninfo])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("-- growth-report db partition (dry run): nothing has been changed."), "\(dry.stdout)")
        #expect(
            dry.stdout.contains("viral_metrics PARTITION BY RANGE (created_at)") && dry.stdout.contains("conversion_events PARTITION BY RANGE (occurred_at)"))
        for table in Self.tables { #expect(try Self.kind(connection, table) == "r") }

        let run = try CommandRunner.run(["db", "partition", "--batch-rows", "7000", "--database-url", conninfo])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("viral_metrics: partitioned by month ("), "\(run.stderr)")
        for (table, fingerprint) in zip(Self.tables, fingerprints) {
            #expect(try Self.kind(connection, table) == "p")
            #expect(try Self.fingerprint(connection, table) == fingerprint, "\(table)")
            #expect(try Self.fingerprint(connection, "growth_report_replaced.\(table)") == fingerprint, "\(table): the plain table is kept")
        }
        #expect(try Self.kind(connection, "viral_metrics", schema: "growth_report_partitioning") == nil)
        let after = try Self.weeklyCSV(conninfo, output: output, name: "partitioned")
        #expect(after.keys.sorted() == before.keys.sorted() && after.count == 21, "\(after.keys.sorted())")
        for (name, data) in before { #expect(after[name] == data, "\(name) differs on the partitioned database") }

        let again = try CommandRunner.run(["db", "partition", "--database-url", conninfo])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.errorLines == Self.tables.map { "\($0): partitioned by month already; nothing to do." }, "\(again.stderr)")

        // db migrate keeps months ahead: two more wanted, and a row already written for one of
        // them (in the default partition) moves into it.
        let nextMonths = try connection.query(
            Statement(
                "next_months",
                "SELECT to_char(now() AT TIME ZONE 'UTC' + interval '4 months', 'YYYY_MM') AS fourth, to_char(now() AT TIME ZONE 'UTC' + interval '5 months', 'YYYY_MM') AS fifth"
            ))[0]
        let fourth = try nextMonths.string("fourth"), fifth = try nextMonths.string("fifth")
        try connection.executeScript(
            named: "want_more",
            """
            UPDATE growth_report_partitioned_tables SET months_ahead = 5 WHERE table_name = 'viral_metrics';
            INSERT INTO viral_metrics (user_email, action_type, created_at)
            VALUES ('early@example.com', 'referral', date_trunc('month', now() AT TIME ZONE 'UTC' + interval '4 months') AT TIME ZONE 'UTC' + interval '3 days');
            DROP INDEX viral_metrics_created_at_idx;
            """)
        let migrate = try CommandRunner.run(["db", "migrate", "--database-url", conninfo])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stderr.contains("Created the next months' partitions: viral_metrics_\(fourth), viral_metrics_\(fifth)."), "\(migrate.stderr)")
        #expect(migrate.stderr.contains("Rebuilt the missing index: viral_metrics_created_at_idx."), "\(migrate.stderr)")
        let moved = try connection.query(
            Statement("moved", "SELECT tableoid::regclass::text AS partition FROM viral_metrics WHERE user_email = 'early@example.com'"))
        #expect(try moved.map { try $0.string("partition") } == ["viral_metrics_\(fourth)"])
        let valid = try connection.query(
            Statement(
                "index_valid",
                "SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('public.viral_metrics_created_at_idx')"))
        #expect(try valid.first?.decode("valid", as: Bool.self) == true)
        let doctor = try CommandRunner.run(
            ["db", "doctor"] + DoctorCommandTests.period + [
                "--quiet", "--format", "csv", "--output", output.appendingPathComponent("doctor").path, "--database-url", conninfo,
            ])
        #expect(doctor.status == 0, "\(doctor.stderr)")
    }

    /// A writer inserting, updating and deleting, and reading, all through the copy; TRUNCATE is refused then.
    @Test func writesMadeDuringTheMoveAreKept() throws {
        let conninfo = try DoctorCommandTests.seeded("partition_writers")
        let connection = try DataAttack.connect(conninfo)
        let ids = try connection.query(Statement("ids", "SELECT id::text AS id FROM viral_metrics ORDER BY id LIMIT 400")).map { try $0.string("id") }
        let rowsBefore = try connection.query(Statement("count", "SELECT count(*)::bigint AS n FROM viral_metrics"))[0].int("n")
        let writer = Writer(conninfo: conninfo, ids: ids)
        let run = try CommandRunner.run(
            ["db", "partition", "viral_metrics", "--batch-rows", "300", "--database-url", conninfo],
            onErrorLine: { line in if line.contains("copying rows") { writer.start() } })
        writer.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let done = try writer.outcome()
        #expect(done.truncateRefusal?.contains("moving this table into monthly partitions") == true, "\(done.truncateRefusal ?? "TRUNCATE was not refused")")
        #expect(done.inserted.count >= 20, "the writer wrote only \(done.inserted.count) rows during the move")
        #expect(done.reads == done.inserted.count)
        #expect(try Self.kind(connection, "viral_metrics") == "p")
        let rowsAfter = try connection.query(Statement("count", "SELECT count(*)::bigint AS n FROM viral_metrics"))[0].int("n")
        #expect(rowsAfter == rowsBefore + done.inserted.count - done.deleted.count)
        let inserted = try connection.query(
            Statement("inserted", "SELECT count(*)::bigint AS n FROM viral_metrics WHERE user_email = ANY(\(done.inserted))"))[0].int("n")
        #expect(inserted == done.inserted.count)
        let deleted = try connection.query(
            Statement("deleted", "SELECT count(*)::bigint AS n FROM viral_metrics WHERE id::text = ANY(\(done.deleted))"))[0].int("n")
        #expect(deleted == 0)
        let updated = try connection.query(
            Statement(
                "updated",
                "SELECT count(*)::bigint AS n FROM viral_metrics WHERE id::text = ANY(\(Array(done.updated))) AND action_type = 'updated_during_move'"))[0].int(
                "n")
        #expect(updated == done.updated.subtracting(done.deleted).count)
    }

    /// Writes by a connection of its own, on a thread of its own, until stopped.
    final class Writer: @unchecked Sendable {
        struct Outcome {
            var inserted: [String] = []
            var updated: Set<String> = []
            var deleted: [String] = []
            var truncateRefusal: String?
            /// Reads of the table between the writes, every one answered.
            var reads = 0
        }
        private let conninfo: String
        private let ids: [String]
        private let condition = NSCondition()
        private var stopping = false, started = false, finished = false
        private var done = Outcome()
        private var failure: Error?

        init(conninfo: String, ids: [String]) {
            self.conninfo = conninfo
            self.ids = ids
        }

        func start() {
            condition.lock()
            defer { condition.unlock() }
            guard !started else { return }
            started = true
            Thread { [self] in
                do { try write() } catch {
                    condition.lock()
                    failure = error
                    condition.unlock()
                }
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
            }.start()
        }

        private var isStopping: Bool {
            condition.lock()
            defer { condition.unlock() }
            return stopping
        }

        private func write() throws {
            let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
            var outcome = Outcome()
            do {
                try connection.executeScript(named: "truncate", "BEGIN; TRUNCATE viral_metrics")
            } catch let error as DatabaseError {
                outcome.truncateRefusal = error.message
            }
            _ = try? connection.executeScript(named: "rollback", "ROLLBACK")
            var step = 0
            while !isStopping && step < 3 * ids.count {
                let email = "writer-\(step)@example.com"
                try connection.execute(
                    Statement(
                        "insert", "INSERT INTO viral_metrics (user_email, action_type, created_at) VALUES (\(email), 'referral', now() - interval '3 days')"))
                outcome.inserted.append(email)
                let id = ids[step % ids.count]
                if step % 3 == 1 {
                    try connection.execute(Statement("update", "UPDATE viral_metrics SET action_type = 'updated_during_move' WHERE id::text = \(id)"))
                    outcome.updated.insert(id)
                }
                if step % 5 == 4 && !outcome.deleted.contains(id) {
                    try connection.execute(Statement("delete", "DELETE FROM viral_metrics WHERE id::text = \(id)"))
                    outcome.deleted.append(id)
                }
                // A reader meanwhile: the table answers throughout the move.
                _ = try connection.query(Statement("read", "SELECT count(*) AS n FROM viral_metrics WHERE created_at >= now() - interval '30 days'"))
                outcome.reads += 1
                step += 1
            }
            condition.lock()
            done = outcome
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopping = true
            while started && !finished { condition.wait() }
            condition.unlock()
        }

        func outcome() throws -> Outcome {
            condition.lock()
            defer { condition.unlock() }
            if let failure { throw failure }
            return done
        }
    }

    @Test func aServerKilledMidMoveLeavesAWholeTableAndTheNextRunFinishes() throws {
        let own = try OwnCluster("partition-kill")
        let conninfo = own.conninfo
        let fingerprint = try Self.fingerprint(DataAttack.connect(conninfo), "viral_metrics")

        // Killed while copying, then while swapping: every server process at once, as in a crash.
        // A reader holds the table from the start of the copy on (once an earlier run's copy is
        // removed, which needs the table alone), so the swap waits for its lock: the kill lands
        // before the swap, or inside it, never after it, however late this test reads a line.
        for moment in ["copied", "swapping"] {
            let postmaster = try own.postmaster()
            nonisolated(unsafe) let reader = try DataAttack.connect(conninfo)
            nonisolated(unsafe) var killed = false
            nonisolated(unsafe) var holding: Result<Void, any Error>?
            let run = try CommandRunner.run(["db", "partition", "viral_metrics", "--batch-rows", "2000", "--database-url", conninfo]) { line in
                if holding == nil, line.contains("copying rows") {
                    holding = Result { try reader.executeScript(named: "hold", "BEGIN; LOCK TABLE viral_metrics IN ACCESS SHARE MODE") }
                }
                guard !killed, line.contains(moment) else { return }
                killed = true
                Self.crash(postmaster)
            }
            #expect(killed, "\(moment): \(run.stderr)")
            if case .failure(let error) = holding { Issue.record("\(moment): the reader's lock: \(error)") }
            #expect(holding != nil, "\(moment): \(run.stderr)")
            #expect(run.status == 69, "\(moment): \(run.status) \(run.stderr)")
            try own.restart()
            let connection = try DataAttack.connect(conninfo)
            let kind = try Self.kind(connection, "viral_metrics")
            #expect(moment == "swapping" ? kind != nil : kind == "r", "\(moment): \(kind ?? "none")")
            #expect(try Self.fingerprint(connection, "viral_metrics") == fingerprint, "\(moment)")
        }
        let finish = try CommandRunner.run(["db", "partition", "--quiet", "--database-url", conninfo])
        #expect(finish.status == 0, "\(finish.stderr)")
        let connection = try DataAttack.connect(conninfo)
        #expect(try Self.kind(connection, "viral_metrics") == "p")
        #expect(try Self.fingerprint(connection, "viral_metrics") == fingerprint)
        let leftovers = try connection.query(
            Statement(
                "leftovers",
                """
                SELECT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'growth_report_partition_%')::bigint AS triggers,
                  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'growth_report_partitioning')::bigint AS staged
                """))[0]
        #expect(try leftovers.int("triggers") == 0 && leftovers.int("staged") == 0)
    }

    @Test func aSignalMidCopyLeavesThePlainTableWholeAndSaysSo() throws {
        let conninfo = try DoctorCommandTests.seeded("partition_signal")
        let connection = try DataAttack.connect(conninfo)
        let fingerprint = try Self.fingerprint(connection, "viral_metrics")
        let run = BackgroundRun(["db", "partition", "viral_metrics", "--batch-rows", "300", "--database-url", conninfo])
        defer { run.stop() }
        #expect(Faults.waitUntil { run.errorLines.contains { $0.contains(": copied ") } }, "\(run.errorLines)")
        try run.send(SIGTERM)
        let stopped = try run.wait()
        #expect(stopped.status == 143, "\(stopped.stderr)")
        #expect(stopped.errorLines.last?.hasPrefix("growth-report: Stopped by SIGTERM: every table is whole") == true, "\(stopped.stderr)")
        #expect(try Self.kind(connection, "viral_metrics") == "r")
        #expect(try Self.fingerprint(connection, "viral_metrics") == fingerprint)
        let finish = try CommandRunner.run(["db", "partition", "viral_metrics", "--quiet", "--database-url", conninfo])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Self.kind(connection, "viral_metrics") == "p")
        #expect(try Self.fingerprint(connection, "viral_metrics") == fingerprint)
    }

    /// SIGKILL to the postmaster and every process it started.
    static func crash(_ postmaster: Int32) {
        // Stopped first, the postmaster forks no child between the listing and the kill (one
        // that escaped would hold the shared memory and keep the restarted server from starting).
        kill(postmaster, SIGSTOP)
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == postmaster ? pid : nil
        }
        for child in children { kill(child, SIGKILL) }
        kill(postmaster, SIGKILL)
    }

    @Test func whatCannotBeConvertedAsItIsIsRefusedBeforeAnythingChanges() throws {
        let (name, conninfo) = try DataAttack.tinyNamed("partition_refused")
        let connection = try DataAttack.connect(conninfo)
        func expectRefused(_ arguments: [String], status: Int32, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try CommandRunner.run(["db", "partition"] + arguments + ["--database-url", conninfo])
            #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            DataAttack.expectOneErrorLine(result, "\(arguments)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
            for table in Self.tables { #expect(try Self.kind(connection, table) == "r", sourceLocation: sourceLocation) }
            #expect(try Self.kind(connection, "viral_metrics", schema: "growth_report_partitioning") == nil, sourceLocation: sourceLocation)
        }
        try expectRefused(["page_views"], status: 64, "Unknown table 'page_views'")
        try expectRefused(["--months-ahead", "-1"], status: 64, "--months-ahead must be between 0 and 120")

        try connection.executeScript(named: "null_time", "INSERT INTO conversion_events (user_email, event_type) VALUES ('n@x', 'signup')")
        try connection.executeScript(named: "null_time", "INSERT INTO viral_metrics (user_email, created_at) VALUES ('n@x', NULL)")
        // Every table is checked before any is changed: conversion_events would have been fine.
        try expectRefused([], status: 65, "viral_metrics has 1 rows without created_at")
        try connection.executeScript(named: "fix", "DELETE FROM viral_metrics WHERE created_at IS NULL")

        try connection.executeScript(named: "view", "CREATE VIEW shares AS SELECT * FROM viral_metrics WHERE action_type LIKE '%_share'")
        try expectRefused(["viral_metrics"], status: 65, "Views read viral_metrics (shares)")
        try connection.executeScript(named: "drop_view", "DROP VIEW shares")

        let role = try DataAttackPrivilegeTests.Role()
        try role.grantSelect(on: conninfo, database: name)
        let refused = try CommandRunner.run(["db", "partition", "--database-url", role.login(conninfo)])
        #expect(refused.status == 77, "\(refused.stderr)")
        DataAttack.expectOneErrorLine(refused, "SELECT-only role")
        for table in Self.tables { #expect(try Self.kind(connection, table) == "r") }
    }
}
