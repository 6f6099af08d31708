import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checks whether a port is free for a socket-only PostgreSQL server, and whether a server
/// accepts connections on a Unix socket.
enum PortProbe {
    /// The first port tried when none is recorded or asked for.
    static let firstPort = 54330
    static let searchCount = 1000
    /// Where other PostgreSQL servers put their sockets by default.
    static let defaultSocketDirectories = ["/var/run/postgresql", "/tmp"]

    /// Longest Unix socket path: `sun_path` holds 108 bytes with the terminating NUL.
    static let maximumSocketPathLength = 107

    /// True when no live server holds `.s.PGSQL.<port>` in any of `socketDirectories` or the
    /// default socket directories, and nothing listens on 127.0.0.1 or ::1 at `port`.
    static func isFree(_ port: Int, socketDirectories: [String]) -> Bool {
        for directory in socketDirectories + defaultSocketDirectories
        where socketLockIsHeld(directory: directory, port: port) {
            return false
        }
        return tcpPortIsFree(port)
    }

    /// The first free port from `firstPort`, skipping `excluded`.
    static func firstFreePort(socketDirectories: [String]) -> Int? {
        (firstPort..<(firstPort + searchCount)).first { isFree($0, socketDirectories: socketDirectories) }
    }

    /// A `.s.PGSQL.<port>.lock` counts only while the process named on its first line lives;
    /// the server removes stale ones itself. Without the lock, a bare socket file counts.
    private static func socketLockIsHeld(directory: String, port: Int) -> Bool {
        let socket = "\(directory)/.s.PGSQL.\(port)"
        let lock = socket + ".lock"
        if FileManager.default.fileExists(atPath: lock) {
            guard let text = try? String(contentsOfFile: lock, encoding: .utf8) else { return true }
            guard let pid = text.split(separator: "\n").first.flatMap({ pid_t($0.trimmingCharacters(in: .whitespaces)) }),
                pid > 0
            else { return true }
            return processExists(pid)
        }
        return FileManager.default.fileExists(atPath: socket) && acceptsConnections(socketDirectory: directory, port: port)
    }

    /// Binds 127.0.0.1 and ::1 at `port`; busy when either says the address is in use.
    static func tcpPortIsFree(_ port: Int) -> Bool {
        var ipv4 = sockaddr_in()
        ipv4.sin_family = sa_family_t(AF_INET)
        ipv4.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        ipv4.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        if bindFails(family: AF_INET, address: &ipv4) { return false }

        var ipv6 = sockaddr_in6()
        ipv6.sin6_family = sa_family_t(AF_INET6)
        ipv6.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        ipv6.sin6_addr = in6addr_loopback
        return !bindFails(family: AF_INET6, address: &ipv6)
    }

    /// True only when bind reports EADDRINUSE; a missing address family does not count.
    private static func bindFails<Address>(family: Int32, address: inout Address) -> Bool {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        return result != 0 && errno == EADDRINUSE
    }

    /// True when something accepts a connection on `<socketDirectory>/.s.PGSQL.<port>`.
    static func acceptsConnections(socketDirectory: String, port: Int) -> Bool {
        let path = "\(socketDirectory)/.s.PGSQL.\(port)"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        } == 0
    }
}

/// True when a process with this id runs (also when it belongs to another user); a zombie
/// waiting for its parent to collect it does not count.
func processExists(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    // "/proc/<pid>/stat": "<pid> (<name>) <state> ..."; Z is a zombie, X dead.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return true }
    let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
    return state != "Z" && state != "X"
}
