import Database
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP part way through a run: the run exits 128 + the signal with one
/// line, stdout stays empty, the period folder keeps its previous pack byte for byte and no
/// staging folder is left (SPEC §5).
@Suite struct FaultAttackSignalTests {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// `viral` alone, waiting for viral_metrics, which the test holds locked.
    @Test(arguments: signals) func aSignalWhileOneReportReadsTheDatabaseStopsTheRunCleanly(signal: Int32) throws {
        let conninfo = try Faults.database("signal_viral")
        let previous = try PreviousPack("viral", conninfo: conninfo, label: "signal-viral")
        defer { previous.remove() }
        let (output, arguments, pack, before) = (previous.output, previous.arguments, previous.pack, previous.before)

        let table = try TableLock(conninfo)
        defer { table.release() }
        let run = BackgroundRun(arguments + ["--statement-timeout", "60s"])
        defer { run.stop() }
        try #require(try Faults.waitUntil { try table.someoneWaits() }, "the run never waited for viral_metrics: \(run.errorLines)")
        try run.send(signal)
        let result = try run.wait()
        try Faults.expectStopped(result, by: signal, pack: pack, before: before, output: output)
    }

    /// A first run (no pack yet) stopped while it reads: no empty period folder is left.
    @Test func aSignalOnTheFirstRunLeavesNoPeriodFolder() throws {
        let conninfo = try Faults.database("signal_first")
        let output = try CommandRunner.temporaryDirectory("signal-first")
        defer { try? FileManager.default.removeItem(at: output) }
        let table = try TableLock(conninfo)
        defer { table.release() }
        let run = BackgroundRun(["weekly"] + Faults.period + ["--database-url", conninfo, "--output", output.path])
        defer { run.stop() }
        try #require(try Faults.waitUntil { try table.someoneWaits() }, "the run never waited for viral_metrics: \(run.errorLines)")
        try run.send(SIGTERM)
        let result = try run.wait()
        #expect(result.status == 143, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? ["?"]) == [], "left in the output folder")
    }

    /// `weekly`, held at viral after partner-roi was built.
    @Test(arguments: signals) func aSignalPartWayThroughTheWeeklyPackStopsTheRunCleanly(signal: Int32) throws {
        let conninfo = try Faults.database("signal_weekly")
        let previous = try PreviousPack("weekly", conninfo: conninfo, label: "signal-weekly")
        defer { previous.remove() }
        let (output, arguments, pack, before) = (previous.output, previous.arguments, previous.pack, previous.before)

        let table = try TableLock(conninfo)
        defer { table.release() }
        let run = BackgroundRun(arguments + ["--statement-timeout", "60s"])
        defer { run.stop() }
        let held = try Faults.waitUntil {
            guard run.errorLines.contains(where: { $0.hasPrefix("partner-roi: built in") }) else { return false }
            return try table.someoneWaits()
        }
        try #require(held, "the run never reached viral: \(run.errorLines)")
        try run.send(signal)
        let result = try run.wait()
        try Faults.expectStopped(result, by: signal, pack: pack, before: before, output: output)
        #expect(!result.stderr.contains("viral: built in"))
    }

    /// `weekly` with every file staged, waiting for the period folder's lock (held by the
    /// test): the signal removes the full staging folder.
    @Test(arguments: signals) func aSignalWhileTheRunWaitsToCommitRemovesItsStagedFiles(signal: Int32) throws {
        let conninfo = try Faults.shared()
        let previous = try PreviousPack("weekly", conninfo: conninfo, label: "signal-commit")
        defer { previous.remove() }
        let (output, arguments, pack, before) = (previous.output, previous.arguments, previous.pack, previous.before)

        let lock = try FolderLock(pack)
        defer { lock.release() }
        let run = BackgroundRun(arguments)
        defer { run.stop() }
        let staged = Faults.waitUntil { !Faults.stagingFolders(in: output, holding: Faults.stagedNames(of: before)).isEmpty }
        try #require(staged, "the run never staged its files: \(run.errorLines)")
        usleep(200_000)
        #expect(!run.hasEnded, "the run did not wait for the period folder's lock: \(run.errorLines)")
        try run.send(signal)
        let result = try run.wait()
        try Faults.expectStopped(result, by: signal, pack: pack, before: before, output: output)
    }
}

/// SIGKILL cannot be handled: the run's staging folder stays behind, and the next run removes
/// it — but never the staging folder of a run that is still alive.
@Suite struct FaultAttackKillTests {
    @Test func aStagingFolderLeftByAKilledRunIsRemovedByTheNextRun() throws {
        let conninfo = try Faults.shared()
        let previous = try PreviousPack("weekly", conninfo: conninfo, label: "sigkill", extra: ["--quiet"])
        defer { previous.remove() }
        let (output, arguments, pack, before) = (previous.output, previous.arguments, previous.pack, previous.before)

        // The run stages every file, then waits for the period folder's lock, which the test holds.
        let lock = try FolderLock(pack)
        let run = BackgroundRun(arguments)
        defer { run.stop() }
        try #require(
            Faults.waitUntil { !Faults.stagingFolders(in: output, holding: Faults.stagedNames(of: before)).isEmpty },
            "the run never staged its files: \(run.errorLines)")
        let staging = Faults.leftovers(in: output)
        #expect(staging.count == 1 && staging[0].hasPrefix(".staging-"), "\(staging)")
        try run.send(SIGKILL)
        let killed = try run.wait()
        lock.release()
        #expect(killed.endedBySignal && killed.status == SIGKILL, "status \(killed.status): \(killed.stderr)")
        #expect(killed.stderr.isEmpty && killed.stdout.isEmpty)
        // Killed, it could not tidy up: its staging folder is still there, the pack untouched.
        #expect(Faults.leftovers(in: output) == staging)
        #expect(try WeeklyCommandTests.files(in: pack) == before)

        let next = try CommandRunner.run(arguments)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.isEmpty, "\(next.stderr)")
        #expect(Faults.leftovers(in: output).isEmpty, "\(Faults.leftovers(in: output))")
        #expect(try Faults.manifestProblems(pack) == [])
    }

    @Test func theStagingFolderOfARunStillAliveIsLeftAlone() throws {
        let conninfo = try Faults.shared()
        let output = try CommandRunner.temporaryDirectory("live-staging")
        defer { try? FileManager.default.removeItem(at: output) }
        let common = ["weekly"] + Faults.period + ["--database-url", conninfo, "--output", output.path, "--quiet"]
        try Faults.succeed(common)
        let pack = output.appendingPathComponent(Faults.week)
        let before = try WeeklyCommandTests.files(in: pack)
        let names = Faults.stagedNames(of: before)

        let lock = try FolderLock(pack)
        defer { lock.release() }
        let first = BackgroundRun(common)
        defer { first.stop() }
        try #require(
            Faults.waitUntil { Faults.stagingFolders(in: output, holding: names).count == 1 },
            "the first run never staged its files: \(first.errorLines)")
        let firstStaging = try #require(Faults.stagingFolders(in: output, holding: names).first)

        // The second run sweeps the output folder for abandoned staging before it makes its own.
        let second = BackgroundRun(common + ["--format", "html"])
        defer { second.stop() }
        let htmlNames = Set(names.filter { $0.hasSuffix(".html") })
        try #require(
            Faults.waitUntil { Faults.stagingFolders(in: output, holding: htmlNames).count == 2 },
            "the second run never staged its files: \(second.errorLines) \(Faults.leftovers(in: output))")
        #expect(Faults.stagingFolders(in: output, holding: names) == [firstStaging], "the first run's staged files were touched")
        #expect(!first.hasEnded && !second.hasEnded)

        lock.release()
        for (label, run) in [("first", first), ("second", second)] {
            let result = try run.wait()
            #expect(result.status == 0, "\(label): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(label): \(result.stderr)")
        }
        #expect(Faults.leftovers(in: output).isEmpty, "\(Faults.leftovers(in: output))")
        #expect(try Faults.manifestProblems(pack) == [])
    }
}
