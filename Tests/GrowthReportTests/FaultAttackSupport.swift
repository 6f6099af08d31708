import Database
import Digest
import Foundation
import PrivateCluster
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the fault tests share: seeded databases cloned from one template, a run in the
/// background that a test can signal, the period folder's lock held from the test, a small
/// tmpfs, and the checks that a pack is whole.
/// A pack that a run of `command` wrote into a fresh output folder, with its bytes, to compare
/// with what a failed run leaves behind.
struct PreviousPack {
    let output: URL
    /// The command line of the run, for the runs that follow it (`extra` included, `--quiet` only
    /// when `extra` has it).
    let arguments: [String]
    let pack: URL
    let before: [String: Data]

    init(_ command: String, conninfo: String, label: String, extra: [String] = []) throws {
        output = try CommandRunner.temporaryDirectory(label)
        arguments = [command] + Faults.period + ["--database-url", conninfo, "--output", output.path] + extra
        try Faults.succeed(arguments.contains("--quiet") ? arguments : arguments + ["--quiet"])
        pack = output.appendingPathComponent(Faults.week)
        before = try WeeklyCommandTests.files(in: pack)
    }

    func remove() { try? FileManager.default.removeItem(at: output) }
}

enum Faults {
    static let week = "2026-W47"
    /// The period options of every run.
    static let period = ["--week", week, "--as-of", "2026-11-25"]

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: - Databases

    /// A migrated and seeded database, made once per test process and closed to connections:
    /// every test gets a copy (`CREATE DATABASE … TEMPLATE`, much faster than seeding).
    private static let template: Result<String, Error> = Result {
        let endpoint = try TestDatabase.cluster()
        let name = "fault_template_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
        try admin.executeScript(named: "create_template", "CREATE DATABASE \(name)")
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "5", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", endpoint.conninfo(database: name)])
            guard result.status == 0 else { throw Failure("\(arguments.joined(separator: " ")): \(result.stderr)") }
        }
        try admin.executeScript(named: "freeze_template", "ALTER DATABASE \(name) WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
        return name
    }
    private static let cloning = NSLock()

    /// A seeded database of its own: for a test that locks a table, so no other test waits.
    static func database(_ label: String) throws -> String {
        let template = try template.get()
        let endpoint = try TestDatabase.cluster()
        let name = "fault_\(label.lowercased().filter { $0.isLetter })_\(UUID().uuidString.prefix(8).lowercased())"
        cloning.lock()
        defer { cloning.unlock() }
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
        try admin.executeScript(named: "clone_template", "CREATE DATABASE \(name) TEMPLATE \(template)")
        return endpoint.conninfo(database: name)
    }

    private static let sharedDatabase: Result<String, Error> = Result { try database("shared") }

    /// One seeded database for the tests that lock nothing in it.
    static func shared() throws -> String { try sharedDatabase.get() }

    /// Runs the binary and requires exit 0.
    static func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandRunner.run(arguments)
        guard result.status == 0 else {
            Issue.record("\(arguments.first ?? "") exited \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
            throw Failure("a run that should succeed failed")
        }
    }

    // MARK: - Waiting

    /// Polls `condition` until it holds or `timeout` passes; whether it held.
    static func waitUntil(_ timeout: Duration = .seconds(30), _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            usleep(20_000)
        }
    }

    // MARK: - Folders

    /// The `.staging-*` and `.creating-*` folders in the output folder.
    static func leftovers(in output: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? [])
            .filter { $0.hasPrefix(".staging-") || $0.hasPrefix(".creating-") }
            .sorted()
    }

    /// The staging folders in the output folder that hold at least these files (a run that has
    /// written all of them and waits to commit).
    static func stagingFolders(in output: URL, holding names: Set<String>) -> [URL] {
        leftovers(in: output).filter { $0.hasPrefix(".staging-") }.map { output.appendingPathComponent($0) }.filter { folder in
            let staged = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            return names.isSubset(of: staged)
        }
    }

    /// The file names of a pack without its manifest: what a run with the same formats stages.
    static func stagedNames(of pack: [String: Data]) -> Set<String> {
        Set(pack.keys).subtracting(["manifest.json"])
    }

    /// What is wrong with the pack: `manifest.json` must list exactly the files in the folder,
    /// with their sizes and SHA-256. Empty when all agree.
    static func manifestProblems(_ pack: URL) throws -> [String] {
        let data = try Data(contentsOf: pack.appendingPathComponent("manifest.json"))
        guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = manifest["files"] as? [[String: Any]]
        else { return ["manifest.json has no files list"] }
        var problems: [String] = []
        let listed = files.compactMap { $0["path"] as? String }
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: pack.path).filter { $0 != "manifest.json" }
        if Set(listed) != Set(onDisk) || listed.count != files.count {
            problems.append("listed \(listed.sorted()) but on disk \(onDisk.sorted())")
        }
        for file in files {
            guard let path = file["path"] as? String,
                let contents = FileManager.default.contents(atPath: pack.appendingPathComponent(path).path)
            else { continue }
            if contents.count != file["bytes"] as? Int { problems.append("\(path): \(contents.count) bytes, manifest says \(file["bytes"] ?? "?")") }
            if SHA256.hex(of: contents) != file["sha256"] as? String { problems.append("\(path): SHA-256 differs from the manifest") }
        }
        return problems
    }

    // MARK: - Lines

    /// A report's progress line, e.g. `viral: built in 0.12 s`.
    static func isProgress(_ line: String) -> Bool {
        line.range(
            of: #"^(partner-roi|viral|attribution|ab-test|exec-summary): (built in [0-9.]+ s|no test ran .*)$"#,
            options: .regularExpression) != nil
    }

    /// The stderr lines that are not progress lines.
    static func messages(_ result: CommandRunner.Result) -> [String] {
        result.errorLines.filter { !isProgress($0) }
    }

    /// Whether any stderr line is one libxlsxwriter printed itself.
    static func hasLibraryLine(_ result: CommandRunner.Result) -> Bool {
        result.errorLines.contains { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("[ERROR]") || text.hasPrefix("[WARNING]")
        }
    }

    static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }

    /// A run stopped by `signal`: its exit status, one line, nothing on stdout, the pack as it
    /// was and no staging left.
    static func expectStopped(
        _ result: CommandRunner.Result, by signal: Int32, pack: URL, before: [String: Data],
        output: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let name = signalName(signal)
        #expect(
            !result.endedBySignal && result.status == 128 + signal,
            "\(name): status \(result.status)\(result.endedBySignal ? " (killed by the signal)" : ""): \(result.stderr)",
            sourceLocation: sourceLocation)
        let lines = messages(result)
        #expect(lines.count == 1, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(
            lines.first?.hasPrefix("growth-report: Stopped by \(name)") == true, "\(name): \(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(name): stdout \(result.stdout)", sourceLocation: sourceLocation)
        #expect(try WeeklyCommandTests.files(in: pack) == before, "\(name): the pack changed", sourceLocation: sourceLocation)
        #expect(leftovers(in: output).isEmpty, "\(name): left \(leftovers(in: output))", sourceLocation: sourceLocation)
    }
}

/// A run of the binary on a thread of its own, so the test can watch it and signal it.
final class BackgroundRun: @unchecked Sendable {
    private struct State {
        var processID: Int32?
        var lines: [String] = []
        var outcome: Result<CommandRunner.Result, Error>?
        var endedAt: ContinuousClock.Instant?
    }
    private let condition = NSCondition()
    private var state = State()

    init(_ arguments: [String], launcher: [String] = []) {
        let thread = Thread { [self] in
            let outcome = Result {
                try CommandRunner.run(
                    arguments, launcher: launcher,
                    onErrorLine: { line in self.update { $0.lines.append(line) } },
                    onStart: { id in self.update { $0.processID = id } })
            }
            self.update {
                $0.outcome = outcome
                $0.endedAt = .now
            }
        }
        thread.start()
    }

    private func update(_ body: (inout State) -> Void) {
        condition.lock()
        body(&state)
        condition.broadcast()
        condition.unlock()
    }

    private func read<T>(_ body: (State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(state)
    }

    /// The stderr lines so far.
    var errorLines: [String] { read(\.lines) }
    var hasEnded: Bool { read { $0.outcome != nil } }
    /// When the process had ended and its output was read.
    var endedAt: ContinuousClock.Instant? { read(\.endedAt) }

    /// Sends `signal` to the process (waiting for it to start, if need be).
    func send(_ signal: Int32) throws {
        guard Faults.waitUntil(.seconds(10), { read { $0.processID != nil } }), let id = read(\.processID) else {
            throw Faults.Failure("the process never started")
        }
        guard !hasEnded else { throw Faults.Failure("the run had already ended: \(errorLines)") }
        guard kill(id, signal) == 0 else { throw Faults.Failure("kill: \(String(cString: strerror(errno)))") }
    }

    /// Waits for the run to end; kills it when it takes longer than `timeout`.
    func wait(timeout: Duration = .seconds(60)) throws -> CommandRunner.Result {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds))
        condition.lock()
        while state.outcome == nil && condition.wait(until: deadline) {}
        let outcome = state.outcome
        condition.unlock()
        guard let outcome else {
            stop()
            throw Faults.Failure("the run did not end within \(timeout): \(errorLines)")
        }
        return try outcome.get()
    }

    /// Kills the process if it still runs, so a failed test leaves nothing waiting.
    func stop() {
        if !hasEnded, let id = read(\.processID) { kill(id, SIGKILL) }
        condition.lock()
        while state.outcome == nil && condition.wait(until: Date(timeIntervalSinceNow: 10)) {}
        condition.unlock()
    }
}

/// The period folder's lock, held by the test as a commit of another run would hold it.
final class FolderLock {
    private var descriptor: Int32

    init(_ folder: URL) throws {
        descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Faults.Failure("open \(folder.path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Faults.Failure("\(folder.path) is locked already")
        }
    }

    func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { release() }
}

/// A table of a database locked by a transaction of the test: a report that reads it waits.
final class TableLock {
    private let connection: PostgresConnection
    private let table: String
    private var held = true

    init(_ conninfo: String, table: String = "viral_metrics") throws {
        connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        self.table = table
        try connection.executeScript(named: "hold_table", "BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE")
    }

    /// Whether another session waits for the table.
    func someoneWaits() throws -> Bool {
        let rows = try connection.query(
            named: "lock_waiters",
            """
            SELECT count(*)::int AS waiting FROM pg_locks
            WHERE relation = $1::regclass AND NOT granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, parameters: [.text(table)])
        return try rows.first?.int("waiting") ?? 0 > 0
    }

    func release() {
        guard held else { return }
        held = false
        try? connection.executeScript(named: "release_table", "ROLLBACK")
    }

    deinit { release() }
}

/// A tmpfs mounted on a new folder (root only), unmounted by `unmount()`.
final class Tmpfs {
    let folder: URL
    private var mounted = false

    /// Nil when this process may not mount (not root, or no mount in this container).
    static func make(options: String) throws -> Tmpfs? {
        guard geteuid() == 0 else { return nil }
        let folder = try CommandRunner.temporaryDirectory("tmpfs")
        guard (try? Self.mount(["-t", "tmpfs", "-o", options, "tmpfs", folder.path])) != nil else {
            try? FileManager.default.removeItem(at: folder)
            return nil
        }
        let disk = Tmpfs(folder: folder)
        disk.mounted = true
        return disk
    }

    private init(folder: URL) { self.folder = folder }

    /// `mount -o remount,OPTIONS`, e.g. `size=300k` or `ro`.
    func remount(_ options: String) throws {
        try Self.mount(["-o", "remount,\(options)", folder.path])
    }

    /// KiB in use.
    var usedKiB: Int {
        var stats = statvfs()
        guard statvfs(folder.path, &stats) == 0 else { return 0 }
        return Int((stats.f_blocks - stats.f_bfree) * stats.f_frsize / 1024)
    }

    func unmount() {
        if mounted { _ = try? Self.command(["umount", folder.path]) }
        mounted = false
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { unmount() }

    private static func mount(_ arguments: [String]) throws {
        try command(["mount"] + arguments)
    }

    private static func command(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Faults.Failure("\(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }
}

/// A cluster of its own, started by the code `demo` uses, with a seeded database `growth`, for
/// a test that kills its server: the shared test cluster serves the other tests meanwhile.
/// Removed at the end — started once more first, so PostgreSQL reclaims the shared memory a
/// killed server left.
final class OwnCluster {
    let root: URL
    let cluster: PrivateCluster
    let conninfo: String

    init(_ label: String) throws {
        root = try CommandRunner.temporaryDirectory(label)
        cluster = PrivateCluster(directory: root.appendingPathComponent("cluster"))
        let endpoint = try cluster.start(ClusterOptions(durability: .fastUnsafe))
        try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
            .executeScript(named: "create_database", "CREATE DATABASE growth")
        conninfo = endpoint.conninfo(database: "growth")
        try WeeklyCommandTests.migrateAndSeed(conninfo)
    }

    /// The postmaster's process id.
    func postmaster() throws -> Int32 {
        guard let id = cluster.serverProcessID() else { throw Faults.Failure("the cluster under \(root.path) is not running") }
        return id
    }

    /// Starts the server again after a kill (crash recovery runs).
    func restart() throws {
        _ = try cluster.start(ClusterOptions(durability: .fastUnsafe))
    }

    deinit {
        _ = try? cluster.start(ClusterOptions(durability: .fastUnsafe))
        try? cluster.remove()
        try? FileManager.default.removeItem(at: root)
    }
}
