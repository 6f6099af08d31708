import Database
import Foundation
import TestSupport
import Testing

/// `--replica-url` against a real streaming replica of the test cluster (`pg_basebackup -R`
/// over its socket): reports read there and give what the primary gives; `db` commands that
/// write never go there.
@Suite(.serialized) struct ReplicaTests {
    static func manifestDatabase(_ folder: URL) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let options = try #require(manifest["options"] as? [[String: String]])
        return try #require(options.first { $0["name"] == "database" }?["value"])
    }

    @Test func aReportFromTheReplicaIsTheReportFromThePrimary() throws {
        let primary = try DoctorCommandTests.seeded("replica_reads")
        var replica = try TestReplica.caughtUp(with: primary)
        let output = try CommandRunner.temporaryDirectory("replica")
        defer { try? FileManager.default.removeItem(at: output) }
        func run(_ name: String, replicaURL: String?) throws -> URL {
            let folder = output.appendingPathComponent(name)
            let result = try CommandRunner.run(
                ["partner-roi"] + DoctorCommandTests.period + ["--quiet", "--format", "csv", "--output", folder.path, "--database-url", primary]
                    + (replicaURL.map { ["--replica-url", $0] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
            return folder.appendingPathComponent("2026-W47")
        }
        let fromPrimary = try run("primary", replicaURL: nil)
        let fromReplica = try run("replica", replicaURL: replica)
        let socket = try TestReplica.cluster().socketDirectory
        let readFrom = try Self.manifestDatabase(fromReplica), primaryRead = try Self.manifestDatabase(fromPrimary)
        #expect(readFrom.contains("@\(socket):"), "\(readFrom)")
        #expect(!primaryRead.contains("@\(socket):"), "\(primaryRead)")
        for file in ["partner-roi.csv", "partner-roi-by-type.csv", "partner-roi-data-quality.csv"] {
            #expect(
                try Data(contentsOf: fromReplica.appendingPathComponent(file)) == Data(contentsOf: fromPrimary.appendingPathComponent(file)),
                "\(file)")
        }

        // A write on the primary reaches the report from the replica once replayed.
        let connection = try DataAttack.connect(primary)
        try connection.executeScript(
            named: "new_partner",
            """
            INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated, analytics_period)
            VALUES ('Replica Check Partner', 'affiliate', 3, 12345.67, '2026-11-18')
            """)
        replica = try TestReplica.caughtUp(with: primary)
        let after = try run("replica_after", replicaURL: replica)
        let csv = try String(contentsOf: after.appendingPathComponent("partner-roi.csv"), encoding: .utf8)
        #expect(csv.contains("Replica Check Partner"), "\(csv.prefix(400))")
    }

    @Test func aReplicaPastMaxReplicaLagWarnsInEveryReportOrWithStrictStops() throws {
        let primary = try DoctorCommandTests.seeded("replica_lag")
        let replica = try TestReplica.caughtUp(with: primary)
        let output = try CommandRunner.temporaryDirectory("replica-lag")
        defer { try? FileManager.default.removeItem(at: output) }
        func run(_ name: String, _ extra: [String]) throws -> (CommandRunner.Result, URL) {
            let folder = output.appendingPathComponent(name)
            let result = try CommandRunner.run(
                ["weekly"] + DoctorCommandTests.period + [
                    "--quiet", "--format", "html,csv", "--output", folder.path, "--database-url", primary, "--replica-url", replica,
                ] + extra)
            return (result, folder.appendingPathComponent("2026-W47"))
        }

        // Caught up: recorded, no warning. (Other tests write to the same primary meanwhile, so
        // the replica may be a few records short of what it received: within the lag allowed.)
        let (current, currentFolder) = try run("current", ["--max-replica-lag", "1s"])
        #expect(current.status == 0, "\(current.stderr)")
        #expect(current.stderr.isEmpty, "\(current.stderr)")
        let recorded = try Self.manifestOption(currentFolder, "replica")
        #expect(
            recorded.hasPrefix("read from the replica (--replica-url): ") && recorded.contains("replayed all it received")
                && recorded.hasSuffix("--max-replica-lag 1 s"), "\(recorded)")

        // Replay paused, a write on the primary, two seconds: behind by more than 1 s.
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: replica))
        try admin.execute(Statement("pause", "SELECT pg_wal_replay_pause()"))
        defer { _ = try? admin.execute(Statement("resume", "SELECT pg_wal_replay_resume()")) }
        try DataAttack.connect(primary).executeScript(
            named: "write", "INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at) VALUES ('late@x', 'signup', 0, now())")
        Thread.sleep(forTimeInterval: 2)

        let (strict, strictFolder) = try run("strict", ["--max-replica-lag", "1s", "--strict"])
        #expect(strict.status == 75, "\(strict.stderr)")
        DataAttack.expectOneErrorLine(strict, "--strict")
        #expect(strict.stderr.contains("The replica is behind: its last replayed transaction committed"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: strictFolder.path))

        let (warned, warnedFolder) = try run("warned", ["--max-replica-lag", "1s"])
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.errorLines == [warned.errorLines.first { $0.contains("warning: the replica is behind") } ?? "none"], "\(warned.stderr)")
        for report in ["partner-roi", "viral", "attribution", "ab-test", "exec-summary"] {
            let html = try String(contentsOf: warnedFolder.appendingPathComponent("\(report).html"), encoding: .utf8)
            #expect(html.contains("Read from a replica that is behind"), "\(report)")
        }
        #expect(try Self.manifestOption(warnedFolder, "replica").contains("it has not replayed all it received"))

        // The default allows 5 minutes: no warning.
        let (lenient, _) = try run("lenient", [])
        #expect(lenient.status == 0 && lenient.stderr.isEmpty, "\(lenient.stderr)")
    }

    static func manifestOption(_ folder: URL, _ name: String) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let options = try #require(manifest["options"] as? [[String: String]])
        return try #require(options.first { $0["name"] == name }?["value"])
    }

    @Test func anUnreachableReplicaIsAnErrorUnlessFallingBackIsAllowed() throws {
        let primary = try DoctorCommandTests.seeded("replica_gone")
        let gone = "host=/nonexistent/replica-socket port=5432 dbname=growth user=postgres"
        let output = try CommandRunner.temporaryDirectory("replica-gone")
        defer { try? FileManager.default.removeItem(at: output) }
        let arguments =
            ["partner-roi"] + DoctorCommandTests.period + [
                "--quiet", "--format", "csv", "--output", output.path, "--database-url", primary, "--replica-url", gone,
            ]
        let refused = try CommandRunner.run(arguments)
        #expect(refused.status == 69, "\(refused.stderr)")
        DataAttack.expectOneErrorLine(refused, "unreachable replica")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("2026-W47").path))

        let fellBack = try CommandRunner.run(arguments + ["--replica-fallback"])
        #expect(fellBack.status == 0, "\(fellBack.stderr)")
        #expect(fellBack.errorLines.count == 1 && fellBack.errorLines[0].contains("reading from the primary (--replica-fallback)"), "\(fellBack.stderr)")
        let recorded = try Self.manifestOption(output.appendingPathComponent("2026-W47"), "replica")
        #expect(recorded.hasPrefix("unreachable (") && recorded.hasSuffix("read from the primary (--replica-fallback)"), "\(recorded)")
        // A reachable replica is read even with the flag.
        let replica = try TestReplica.caughtUp(with: primary)
        let reachable = try CommandRunner.run(
            ["partner-roi"] + DoctorCommandTests.period + [
                "--quiet", "--format", "csv", "--output", output.appendingPathComponent("reachable").path,
                "--database-url", primary, "--replica-url", replica, "--replica-fallback",
            ])
        #expect(reachable.status == 0 && reachable.stderr.isEmpty, "\(reachable.stderr)")
        let database = try Self.manifestDatabase(output.appendingPathComponent("reachable/2026-W47"))
        #expect(database.contains("@\(try TestReplica.cluster().socketDirectory):"), "\(database)")
    }

    @Test func dbCommandsThatWriteUseThePrimary() throws {
        let primary = try TestDatabase.create("replica_migrate")
        let replica = try TestReplica.caughtUp(with: primary)
        // Were it sent to the replica, CREATE TABLE would fail: a hot standby is read-only.
        let migrate = try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", primary, "--replica-url", replica])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let refresh = try CommandRunner.run([
            "metrics", "refresh", "--quiet", "--as-of", "2026-11-25", "--database-url", primary, "--replica-url", replica,
        ])
        #expect(refresh.status == 0, "\(refresh.stderr)")
        // And the replica is read-only: the same migration sent there on purpose is refused.
        let direct = try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", try TestReplica.caughtUp(with: primary)])
        #expect(direct.status != 0)
        #expect(direct.stderr.contains("read-only transaction") || direct.stderr.contains("recovery"), "\(direct.stderr)")
    }

    /// A recovery conflict made on purpose: with `max_standby_streaming_delay = 0` on the replica,
    /// a lock on `viral_metrics` held on the primary makes the attribution report wait on the
    /// replica while it holds `conversion_events` (its statement reads that first); a lock on
    /// `conversion_events` then taken and released on the primary conflicts with it when replayed.
    @Test func aRecoveryConflictIsReadAgainOnceAndASecondNamesTheSettings() throws {
        let primary = try DoctorCommandTests.seeded("replica_conflict")
        let replica = try TestReplica.caughtUp(with: primary)
        let standby = try PostgresConnection(settings: ConnectionSettings(connectionString: replica))
        try standby.execute(Statement("no_delay", "ALTER SYSTEM SET max_standby_streaming_delay = 0"))
        try standby.execute(Statement("reload", "SELECT pg_reload_conf()"))
        defer {
            _ = try? standby.execute(Statement("reset_delay", "ALTER SYSTEM RESET max_standby_streaming_delay"))
            _ = try? standby.execute(Statement("reload", "SELECT pg_reload_conf()"))
        }
        Thread.sleep(forTimeInterval: 0.5)
        let output = try CommandRunner.temporaryDirectory("replica-conflict")
        defer { try? FileManager.default.removeItem(at: output) }

        /// The pid of a session of the report waiting for a lock on the replica, other than `previous`.
        func waitingReport(other previous: Int? = nil) throws -> Int {
            var pid: Int?
            let found = try Faults.waitUntil(.seconds(30)) {
                pid = try standby.query(
                    Statement(
                        "waiting",
                        """
                        SELECT pid FROM pg_stat_activity
                        WHERE datname = current_database() AND application_name = 'growth-report' AND wait_event_type = 'Lock'
                        """)
                ).first?.int("pid")
                return pid != nil && pid != previous
            }
            guard found, let pid else { throw Faults.Failure("no report waited for the replayed lock") }
            return pid
        }
        func conflict() throws {
            try DataAttack.connect(primary).executeScript(
                named: "conflict", "BEGIN; LOCK TABLE conversion_events IN ACCESS EXCLUSIVE MODE; COMMIT")
        }
        func start(_ name: String) throws -> (TableLock, BackgroundRun, URL) {
            let hold = try TableLock(primary, table: "viral_metrics")
            // The lock's record is not a commit: nothing flushes it to the replica but a switch.
            try DataAttack.connect(primary).execute(Statement("switch", "SELECT pg_switch_wal()"))
            _ = try TestReplica.caughtUp(with: primary)
            let folder = output.appendingPathComponent(name)
            let run = BackgroundRun(
                ["attribution"] + DoctorCommandTests.period + [
                    "--quiet", "--format", "csv", "--output", folder.path, "--database-url", primary, "--replica-url", replica,
                ])
            return (hold, run, folder)
        }
        let retried = { (run: BackgroundRun) in
            Faults.waitUntil(.seconds(30)) { run.errorLines.contains { $0.contains("reading again") } }
        }

        // One conflict: read again, and the report is written.
        let (hold, run, folder) = try start("once")
        defer { run.stop() }
        _ = try waitingReport()
        try conflict()
        #expect(retried(run), "\(run.errorLines)")
        hold.release()
        let once = try run.wait()
        #expect(once.status == 0, "\(once.stderr)")
        // (The replica replaying a lock it cannot take yet may also be behind; that warning is its own.)
        let lines = { (result: CommandRunner.Result) in result.errorLines.filter { !$0.contains("warning: the replica is behind") } }
        #expect(lines(once).count == 1, "\(once.errorLines)")
        #expect(once.stderr.contains("warning: the replica cancelled a read to replay changes from the primary"), "\(once.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/attribution.csv").path))

        // A conflict on the second read too: one line that names the settings, nothing written.
        let (holdAgain, runAgain, folderAgain) = try start("twice")
        defer { runAgain.stop() }
        let first = try waitingReport()
        try conflict()
        #expect(retried(runAgain), "\(runAgain.errorLines)")
        _ = try waitingReport(other: first)
        try conflict()
        let twice = try runAgain.wait()
        holdAgain.release()
        #expect(twice.status == 75, "\(twice.stderr)")
        #expect(lines(twice).count == 2, "\(twice.errorLines)")
        let last = lines(twice).last ?? ""
        #expect(last.contains("max_standby_streaming_delay") && last.contains("hot_standby_feedback") && last.contains("Nothing was written"), "\(last)")
        #expect(!FileManager.default.fileExists(atPath: folderAgain.appendingPathComponent("2026-W47").path))
    }
}
