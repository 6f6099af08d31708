import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `growth-report` binary as a user would, capturing its output.
public enum CommandRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Whether a signal ended the process (then `status` is the signal's number) rather
        /// than an exit of its own.
        public var endedBySignal = false

        /// The non-empty lines of stderr.
        public var errorLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }
    }

    /// The `growth-report` executable beside the test bundle.
    public static var executable: URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, TestDatabase.packageRoot.appendingPathComponent(".build/debug")] {
            let url = candidate.appendingPathComponent("growth-report")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDirectory.appendingPathComponent("growth-report")
    }

    /// Runs the binary to its end.
    /// - Parameters:
    ///   - launcher: a program and its first arguments that start the binary, given its path
    ///     and `arguments` after them, e.g. `["/bin/sh", "-c", "ulimit -f 64; exec \"$0\" \"$@\""]`;
    ///     empty runs the binary itself.
    ///   - onErrorLine: called with each line of stderr as it arrives, while the
    ///     process still runs (on the thread that reads stderr), so a test can act part way
    ///     through a run.
    ///   - onStart: called with the process id once the process runs, before any output is
    ///     read, so a test can signal it from another thread.
    public static func run(
        _ arguments: [String], in directory: URL? = nil,
        environment overrides: [String: String?] = [:],
        launcher: [String] = [],
        onErrorLine: (@Sendable (String) -> Void)? = nil,
        onStart: (@Sendable (Int32) -> Void)? = nil
    ) throws -> Result {
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"] {
            environment[key] = nil
        }
        for (key, value) in overrides { environment[key] = value }
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try startUnblocked(process)
        onStart?(process.processIdentifier)
        // Read both pipes while the process runs, so a full pipe never blocks it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            var lineStart = 0
            while true {
                let chunk = stderr.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                errorData.append(chunk)
                while let newline = errorData[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                    onErrorLine?(String(decoding: errorData[lineStart..<newline], as: UTF8.self))
                    lineStart = newline + 1
                }
            }
            group.leave()
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData, as: UTF8.self),
            endedBySignal: process.terminationReason == .uncaughtSignal)
    }

    /// Starts the process with SIGHUP, SIGINT, SIGTERM and SIGXFSZ deliverable. A child
    /// inherits the signal mask of the thread that starts it, and the threads tests run on
    /// block most signals: the binary would start with them blocked, unlike from a shell or
    /// cron, and a blocked SIGXFSZ hides what `ulimit -f` does to a process that does not
    /// ignore it.
    private static func startUnblocked(_ process: Process) throws {
        #if canImport(Glibc)
            var deliverable = sigset_t()
            var previous = sigset_t()
            sigemptyset(&deliverable)
            for number in [SIGHUP, SIGINT, SIGTERM, SIGXFSZ] { sigaddset(&deliverable, number) }
            pthread_sigmask(SIG_UNBLOCK, &deliverable, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        #endif
        try process.run()
    }

    /// A new empty folder to run in.
    public static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("growth-report-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
