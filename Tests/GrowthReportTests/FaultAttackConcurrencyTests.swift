import Database
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two runs writing one period folder: the commits take turns on the folder's lock, so the
/// folder always holds the files of the manifest beside them; a run that cannot get the lock
/// in `--lock-timeout` exits 75 and changes nothing.
@Suite struct FaultAttackConcurrencyTests {
    @Test func twoWeeklyRunsAtOnceLeaveAPackThatMatchesItsManifest() throws {
        let conninfo = try Faults.shared()
        let output = try CommandRunner.temporaryDirectory("concurrent")
        defer { try? FileManager.default.removeItem(at: output) }
        let common = ["weekly", "--week", Faults.week, "--database-url", conninfo, "--output", output.path, "--quiet"]
        // Different clocks and formats, so the two runs' files and manifests differ.
        let variants = [["--as-of", "2026-11-25"], ["--as-of", "2026-11-26T09:30:00Z", "--format", "html,xlsx"]]
        let pack = output.appendingPathComponent(Faults.week)
        // The first round also races to make the output and period folders.
        for round in 1...3 {
            let runs = variants.map { BackgroundRun(common + $0) }
            defer { runs.forEach { $0.stop() } }
            for (variant, run) in zip(variants, runs) {
                let result = try run.wait()
                #expect(result.status == 0, "round \(round), \(variant): \(result.stderr)")
                #expect(result.stderr.isEmpty, "round \(round), \(variant): \(result.stderr)")
                let paths = result.stdout.split(separator: "\n").map(String.init)
                #expect(paths.last == pack.appendingPathComponent("manifest.json").path, "round \(round): \(paths)")
            }
            #expect(try Faults.manifestProblems(pack) == [], "round \(round)")
            #expect(Faults.leftovers(in: output).isEmpty, "round \(round): \(Faults.leftovers(in: output))")
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: pack.appendingPathComponent("manifest.json"))) as? [String: Any]
            let command = (manifest?["options"] as? [[String: Any]])?.first { $0["name"] as? String == "command" }?["value"] as? String
            #expect(
                command?.contains("--as-of 2026-11-25") == true || command?.contains("--as-of 2026-11-26T09:30:00Z") == true,
                "round \(round): the manifest names neither run: \(command ?? "no command")")
        }
    }

    /// The test holds the period folder's lock for about two seconds, as a slow commit would.
    @Test func aRunWaitsForASlowCommitAndGivesUpAfterItsLockTimeout() throws {
        let conninfo = try Faults.shared()
        let previous = try PreviousPack("weekly", conninfo: conninfo, label: "slow-commit", extra: ["--quiet"])
        defer { previous.remove() }
        let (output, arguments, pack, before) = (previous.output, previous.arguments, previous.pack, previous.before)

        // --lock-timeout 30s: the run waits, then commits once the lock is free.
        var lock = try FolderLock(pack)
        let patient = BackgroundRun(arguments + ["--lock-timeout", "30s"])
        defer { patient.stop() }
        try #require(
            Faults.waitUntil { !Faults.stagingFolders(in: output, holding: Faults.stagedNames(of: before)).isEmpty },
            "the run never staged its files: \(patient.errorLines)")
        usleep(2_000_000)
        #expect(!patient.hasEnded, "the run did not wait for the lock: \(patient.errorLines)")
        #expect(try WeeklyCommandTests.files(in: pack) == before, "the pack changed while its lock was held")
        let releasedAt = ContinuousClock.now
        lock.release()
        let waited = try patient.wait()
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(waited.stderr.isEmpty, "\(waited.stderr)")
        #expect(try #require(patient.endedAt) > releasedAt, "the run ended before the lock was released")
        let after = try WeeklyCommandTests.files(in: pack)
        #expect(after["manifest.json"] != before["manifest.json"], "the waiting run did not commit")
        #expect(try Faults.manifestProblems(pack) == [])
        #expect(Faults.leftovers(in: output).isEmpty)

        // --lock-timeout 1s, and 0: each gives up with exit 75 and one line; nothing changes.
        lock = try FolderLock(pack)
        defer { lock.release() }
        for (timeout, least, most) in [("1s", Duration.seconds(1), Duration.seconds(20)), ("0", .zero, .seconds(15))] {
            let start = ContinuousClock.now
            let result = try CommandRunner.run(arguments + ["--lock-timeout", timeout])
            let elapsed = start.duration(to: .now)
            #expect(result.status == 75, "--lock-timeout \(timeout): \(result.stderr)")
            #expect(result.errorLines.count == 1, "--lock-timeout \(timeout): \(result.stderr)")
            let line = result.errorLines.first ?? ""
            #expect(line.hasPrefix("growth-report: Another growth-report run is writing \(pack.path)"), "\(line)")
            #expect(line.contains("lock"), "\(line)")
            #expect(result.stdout.isEmpty)
            #expect(elapsed >= least && elapsed < most, "--lock-timeout \(timeout) took \(elapsed)")
            #expect(try WeeklyCommandTests.files(in: pack) == after, "--lock-timeout \(timeout) changed the pack")
            #expect(Faults.leftovers(in: output).isEmpty, "--lock-timeout \(timeout): \(Faults.leftovers(in: output))")
        }
    }
}

/// `--statement-timeout` fires while another session holds a table the report reads: exit 75
/// (worth retrying) with one line, and the previous pack as it was.
@Suite struct FaultAttackTimeoutTests {
    @Test(arguments: ["viral", "weekly"]) func aStatementTimeoutBehindALockedTableExits75(command: String) throws {
        let conninfo = try Faults.database("timeout")
        let previous = try PreviousPack(command, conninfo: conninfo, label: "timeout", extra: ["--quiet"])
        defer { previous.remove() }
        let (output, arguments, pack, before) = (previous.output, previous.arguments, previous.pack, previous.before)

        let table = try TableLock(conninfo)
        defer { table.release() }
        let start = ContinuousClock.now
        let result = try CommandRunner.run(arguments + ["--statement-timeout", "1s"])
        let elapsed = start.duration(to: .now)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.errorLines.first?.hasPrefix("growth-report: ") == true, "\(result.stderr)")
        #expect(result.errorLines.first?.contains("statement-timeout") == true, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(30), "took \(elapsed)")
        #expect(try WeeklyCommandTests.files(in: pack) == before)
        #expect(Faults.leftovers(in: output).isEmpty)
    }
}
