import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The server's `postmaster.pid` in the data directory: its process, port and socket directory.
///
/// Lines (PostgreSQL 10+): pid, data directory, start time, port, first socket directory,
/// listen address, shared memory key, status ("starting", "stopping", "ready", "standby").
struct PostmasterFile: Sendable, Equatable {
    var pid: pid_t
    var port: Int?
    var socketDirectory: String?
    var state: String?

    static func read(dataDirectory: String) -> PostmasterFile? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pid = lines.first.flatMap({ pid_t($0) }), pid > 0 else { return nil }
        func line(_ number: Int) -> String? {
            lines.count >= number && !lines[number - 1].isEmpty ? lines[number - 1] : nil
        }
        return PostmasterFile(pid: pid, port: line(4).flatMap { Int($0) }, socketDirectory: line(5), state: line(8))
    }

    var isReady: Bool { state == nil || state == "ready" }

    /// True when `pid` is a live PostgreSQL server for `dataDirectory`, not a stale file after
    /// a crash nor a process that reused the id (checked through /proc when readable).
    func isAlive(dataDirectory: String) -> Bool {
        guard processExists(pid) else { return false }
        if let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
            !name.hasPrefix("postgres"), !name.hasPrefix("postmaster")
        {
            return false
        }
        // The postmaster works in its data directory; /proc tells us when we may look.
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/\(pid)/cwd", &buffer, buffer.count - 1)
        if count > 0 {
            let cwd = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return cwd == resolvedPath(dataDirectory)
        }
        return true
    }
}

/// `path` with symbolic links resolved, or `path` itself when it cannot be.
func resolvedPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}
