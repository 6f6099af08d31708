import Database
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An output folder that cannot take the files: full, over the file-size limit, read-only.
/// Exit 73 with one line that says why (libxlsxwriter's own lines folded into it), the
/// previous pack byte for byte, no staging left. The tmpfs needs root; without it the full
/// disk is played by a file-size limit and the read-only folder by its permissions.
@Suite struct FaultAttackStorageTests {
    static func weekly(_ conninfo: String, _ output: URL, _ extra: [String] = []) -> [String] {
        ["weekly"] + Faults.period + ["--database-url", conninfo, "--output", output.path, "--quiet"] + extra
    }

    /// `ulimit -f` in the shell that starts the binary (blocks of 512 bytes in dash, 1 KiB in bash).
    static func limited(_ blocks: Int) -> [String] {
        ["/bin/sh", "-c", "ulimit -f \(blocks); exec \"$0\" \"$@\""]
    }

    /// Exit 73, one line naming the reason, none of libxlsxwriter's lines, nothing on stdout.
    static func expectCannotWrite(
        _ result: CommandRunner.Result, _ reason: String, _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 73, "\(label): status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "\(label): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.errorLines.first?.hasPrefix("growth-report: ") == true, "\(label): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(reason), "\(label): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(
            !Faults.hasLibraryLine(result), "\(label): libxlsxwriter's lines reached stderr: \(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(label): \(result.stdout)", sourceLocation: sourceLocation)
        #expect(
            !result.stderr.contains("/.staging-") && !result.stderr.contains("/.creating-"),
            "\(label): the line names the file where it was going, not the removed staging folder: \(result.stderr)",
            sourceLocation: sourceLocation)
    }

    @Test func aFullOutputFolderExits73AndKeepsThePreviousPack() throws {
        let conninfo = try Faults.shared()
        guard let disk = try Tmpfs.make(options: "size=150k") else {
            try fileSizeLimitStandsInForAFullDisk(conninfo)
            return
        }
        defer { disk.unmount() }
        let output = disk.folder
        let pack = output.appendingPathComponent(Faults.week)

        // 150 KiB: the pack (some 450 KiB) does not fit, and nothing is left of the attempt.
        let first = try CommandRunner.run(Self.weekly(conninfo, output))
        Self.expectCannotWrite(first, "No space left on device", "150 KiB")
        #expect(Faults.leftovers(in: output).isEmpty, "\(Faults.leftovers(in: output))")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: pack.path)) ?? []).isEmpty)

        // With room, a pack; then room for only part of the next one.
        try disk.remount("size=4m")
        try Faults.succeed(Self.weekly(conninfo, output))
        let before = try WeeklyCommandTests.files(in: pack)
        try disk.remount("size=\(disk.usedKiB + 150)k")
        let full = try CommandRunner.run(Self.weekly(conninfo, output))
        Self.expectCannotWrite(full, "No space left on device", "150 KiB free")
        #expect(try WeeklyCommandTests.files(in: pack) == before)
        #expect(Faults.leftovers(in: output).isEmpty, "\(Faults.leftovers(in: output))")

        // Too little room for the first workbook: libxlsxwriter itself meets the full disk.
        try disk.remount("size=\(disk.usedKiB + 8)k")
        let workbook = try CommandRunner.run(Self.weekly(conninfo, output, ["--format", "xlsx"]))
        Self.expectCannotWrite(workbook, "No space left on device", "8 KiB free, xlsx")
        #expect(workbook.stderr.contains(".xlsx"), "\(workbook.stderr)")
        #expect(try WeeklyCommandTests.files(in: pack) == before)
        #expect(Faults.leftovers(in: output).isEmpty, "\(Faults.leftovers(in: output))")
    }

    /// Without root: the same checks with the file-size limit making the writes fail.
    func fileSizeLimitStandsInForAFullDisk(_ conninfo: String) throws {
        let output = try CommandRunner.temporaryDirectory("full-fallback")
        defer { try? FileManager.default.removeItem(at: output) }
        try Faults.succeed(Self.weekly(conninfo, output))
        let pack = output.appendingPathComponent(Faults.week)
        let before = try WeeklyCommandTests.files(in: pack)
        for (blocks, extra) in [(32, [String]()), (16, ["--format", "xlsx"])] {
            let result = try CommandRunner.run(Self.weekly(conninfo, output, extra), launcher: Self.limited(blocks))
            Self.expectCannotWrite(result, "File too large", "ulimit -f \(blocks) \(extra)")
            #expect(try WeeklyCommandTests.files(in: pack) == before)
            #expect(Faults.leftovers(in: output).isEmpty, "\(Faults.leftovers(in: output))")
        }
    }

    /// SIGXFSZ is ignored: a write past `ulimit -f` fails (EFBIG) and the run exits 73
    /// instead of being killed half way through a file.
    @Test func aFileSizeLimitFailsTheWriteInsteadOfKillingTheRun() throws {
        let conninfo = try Faults.shared()
        let output = try CommandRunner.temporaryDirectory("ulimit")
        defer { try? FileManager.default.removeItem(at: output) }
        try Faults.succeed(Self.weekly(conninfo, output))
        let pack = output.appendingPathComponent(Faults.week)
        let before = try WeeklyCommandTests.files(in: pack)
        // 32 blocks (16 or 32 KiB): the first HTML page is too big; 16 blocks: the first workbook.
        for (blocks, extra) in [(32, [String]()), (16, ["--format", "xlsx"])] {
            let label = "ulimit -f \(blocks) \(extra.joined(separator: " "))"
            let result = try CommandRunner.run(Self.weekly(conninfo, output, extra), launcher: Self.limited(blocks))
            #expect(!result.endedBySignal, "\(label): killed by signal \(result.status)")
            Self.expectCannotWrite(result, "File too large", label)
            if !extra.isEmpty { #expect(result.stderr.contains(".xlsx"), "\(label): \(result.stderr)") }
            #expect(try WeeklyCommandTests.files(in: pack) == before, "\(label)")
            #expect(Faults.leftovers(in: output).isEmpty, "\(label): \(Faults.leftovers(in: output))")
        }
    }

    @Test func aReadOnlyOutputFolderExits73AndChangesNothing() throws {
        let conninfo = try Faults.shared()
        let disk = try Tmpfs.make(options: "size=4m")
        defer { disk?.unmount() }
        let output = try disk?.folder ?? CommandRunner.temporaryDirectory("read-only")
        defer {
            if disk == nil {
                chmod(output.path, 0o755)
                try? FileManager.default.removeItem(at: output)
            }
        }
        try Faults.succeed(Self.weekly(conninfo, output))
        let pack = output.appendingPathComponent(Faults.week)
        let before = try WeeklyCommandTests.files(in: pack)
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        if let disk {
            try disk.remount("ro")
        } else {
            chmod(pack.path, 0o555)
            chmod(output.path, 0o555)
        }
        defer { if disk == nil { chmod(pack.path, 0o755) } }
        let reason = disk == nil ? "Permission denied" : "Read-only file system"
        // The period folder that is there, and one that would have to be made.
        for week in [Faults.week, "2026-W46"] {
            let arguments = [
                "weekly", "--week", week, "--as-of", "2026-11-25", "--database-url", conninfo,
                "--output", output.path, "--quiet",
            ]
            let result = try CommandRunner.run(arguments)
            Self.expectCannotWrite(result, reason, week)
            #expect(try WeeklyCommandTests.files(in: pack) == before, "\(week)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == names, "\(week)")
        }
    }
}
