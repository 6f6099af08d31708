import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The account the PostgreSQL server programs run as: ourselves, or `postgres` when we are
/// root (initdb, pg_ctl and postgres refuse to run as root).
struct ServerUser: Sendable, Equatable {
    var name: String
    var uid: uid_t
    var gid: gid_t
    var home: String
    /// True when commands must switch to this user (we run as root).
    var isSwitched: Bool

    /// `postgres` when running as root, else the current user.
    static func resolve() throws -> ServerUser {
        if geteuid() == 0 {
            guard let user = lookup(name: "postgres") else { throw ClusterError(.noUnprivilegedUser) }
            return user
        }
        let uid = geteuid()
        return lookup(uid: uid)
            ?? ServerUser(
                name: ProcessInfo.processInfo.userName, uid: uid, gid: getegid(),
                home: NSHomeDirectory(), isSwitched: false)
    }

    private static func lookup(name: String) -> ServerUser? {
        withPasswd { entry, buffer, count, result in getpwnam_r(name, entry, buffer, count, result) }
            .map { ServerUser(name: $0.name, uid: $0.uid, gid: $0.gid, home: $0.home, isSwitched: true) }
    }

    private static func lookup(uid: uid_t) -> ServerUser? {
        withPasswd { entry, buffer, count, result in getpwuid_r(uid, entry, buffer, count, result) }
            .map { ServerUser(name: $0.name, uid: $0.uid, gid: $0.gid, home: $0.home, isSwitched: false) }
    }

    /// Calls a reentrant passwd lookup; getpwnam is not safe when tests run in parallel.
    private static func withPasswd(
        _ call: (
            UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int,
            UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>
        ) -> Int32
    ) -> (name: String, uid: uid_t, gid: gid_t, home: String)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = buffer.withUnsafeMutableBufferPointer { call(&entry, $0.baseAddress!, $0.count, &result) }
        guard status == 0, result != nil, let name = entry.pw_name else { return nil }
        return (
            String(cString: name), entry.pw_uid, entry.pw_gid,
            entry.pw_dir.map { String(cString: $0) } ?? "/"
        )
    }

    /// Gives a file or folder we created to this user, so the server can use it.
    func takeOwnership(of path: String) throws {
        guard isSwitched else { return }
        guard chown(path, uid, gid) == 0 else {
            throw ClusterError(
                .directoryNotWritable, path: path,
                detail: "cannot give it to user \(name): \(String(cString: strerror(errno)))")
        }
    }
}

/// What a finished command printed (stdout and stderr together) and its exit status.
struct CommandResult: Sendable {
    var status: Int32
    var output: String

    var succeeded: Bool { status == 0 }

    /// The last few non-empty lines, joined into one line for an error message.
    func tail(_ count: Int = 5) -> String? { oneLineTail(of: output, lines: count) }
}

/// Runs a program with its output captured, never inheriting our stdout (the CLI prints only
/// the paths it wrote there), with stdin from /dev/null and the working directory `/`.
struct CommandRunner: Sendable {
    var user: ServerUser

    /// Runs `executable` as the server user, switching user with setpriv or runuser when root.
    func runAsServer(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        guard user.isSwitched else { return try run(executable, arguments) }
        let uid = String(user.uid), gid = String(user.gid)
        if let setpriv = Self.firstExecutable(["/usr/bin/setpriv", "/bin/setpriv"]) {
            return try run(
                setpriv,
                ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", executable]
                    + arguments)
        }
        if let runuser = Self.firstExecutable(["/usr/sbin/runuser", "/sbin/runuser"]) {
            return try run(runuser, ["-u", user.name, "--", executable] + arguments)
        }
        throw ClusterError(.noUnprivilegedUser, detail: "neither setpriv nor runuser is installed to switch to it")
    }

    /// Runs `executable` as ourselves.
    func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        // Output goes to a temporary file rather than a pipe: the server pg_ctl starts must
        // never hold our read end open, or reading would wait for the server to exit.
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("growth-report-\(getpid())-\(UUID().uuidString).out").path
        let output = open(outputPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw ClusterError(
                .directoryNotWritable, path: outputPath,
                detail: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        unlink(outputPath)
        defer { close(output) }

        let status = try Spawn.run(executable, arguments, environment: environment(), output: output)
        lseek(output, 0, SEEK_SET)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            data += buffer[0..<count]
        }
        return CommandResult(status: status, output: String(decoding: data, as: UTF8.self))
    }

    /// Our environment without libpq's PG* variables (they would point the tools elsewhere),
    /// with English messages, and the server user's home when switching.
    private func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = "C"
        if user.isSwitched {
            environment["HOME"] = user.home
            environment["USER"] = user.name
            environment["LOGNAME"] = user.name
        }
        return environment
    }

    static func firstExecutable(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The last `lines` non-empty lines of `text`, trimmed and joined with " | ", at most 400 characters.
func oneLineTail(of text: String, lines count: Int = 5) -> String? {
    let lines = text.split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
    guard !lines.isEmpty else { return nil }
    let joined = lines.suffix(count).joined(separator: " | ")
    return joined.count > 400 ? "…" + String(joined.suffix(399)) : joined
}

/// `posix_spawn` with stdin from /dev/null, stdout and stderr to `output`, every other file
/// descriptor closed and the working directory `/`.
///
/// Foundation's `Process` lets the child inherit descriptors (among them the socket it watches
/// to learn that the child exited): a server started by pg_ctl would keep that socket open and
/// `waitUntilExit` would wait for the server to stop.
enum Spawn {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>,
            UnsafePointer<CChar>
        ) -> Int32

    /// Runs the program to its end and returns its exit status (128 + signal when killed).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        output: Int32
    ) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // glibc 2.34+ and 2.29+; Swift's Glibc module does not declare them.
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        } else {
            for descriptor in openDescriptors() where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") {
            _ = unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, "/")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGCHLD, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaultSignals, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw ClusterError(
                .serverNotInstalled, path: nil,
                detail: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 127 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}
