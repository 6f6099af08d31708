import Foundation

/// Where a private cluster listens: a Unix socket directory and a port, for the `postgres` role.
public struct ClusterEndpoint: Sendable, Equatable, Hashable {
    /// Absolute directory holding `.s.PGSQL.<port>`.
    public var socketDirectory: String
    public var port: Int
    /// The role `initdb -U` created; the only one in a fresh cluster.
    public var user: String

    public init(socketDirectory: String, port: Int, user: String = "postgres") {
        self.socketDirectory = socketDirectory
        self.port = port
        self.user = user
    }

    /// A libpq keyword/value connection string, e.g. `host=/abs/socket port=54330 user=postgres dbname=demo`.
    ///
    /// Values are quoted as libpq requires: single quotes when empty or holding spaces, quotes
    /// or backslashes, with `\'` and `\\` inside.
    public func conninfo(database: String) -> String {
        [("host", socketDirectory), ("port", String(port)), ("user", user), ("dbname", database)]
            .map { "\($0.0)=\(Self.quotedConninfoValue($0.1))" }
            .joined(separator: " ")
    }

    /// A libpq connection URI, e.g. `postgresql:///demo?host=%2Fabs%2Fsocket&port=54330&user=postgres`.
    public func url(database: String) -> String {
        let query = [("host", socketDirectory), ("port", String(port)), ("user", user)]
            .map { "\($0.0)=\(Self.percentEncoded($0.1))" }
            .joined(separator: "&")
        return "postgresql:///\(Self.percentEncoded(database))?\(query)"
    }

    static func quotedConninfoValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isWhitespace }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'\(escaped)'"
    }

    static func percentEncoded(_ value: String) -> String {
        // RFC 3986 unreserved characters stay; everything else, '/' included, is escaped.
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// The state of a private cluster as found on disk and in the process table.
public enum ClusterStatus: Sendable, Equatable {
    /// No cluster has been initialised in the directory.
    case notCreated
    /// The cluster exists but no server runs; the endpoint it last used, when recorded.
    case stopped(ClusterEndpoint?)
    /// A server runs for the cluster and listens at the endpoint.
    case running(ClusterEndpoint)

    public var isRunning: Bool {
        if case .running = self { return true }
        return false
    }
}

extension ClusterStatus: CustomStringConvertible {
    /// One line for `db status`, e.g. "running on port 54330 (socket /p/.growth-report/socket)".
    public var description: String {
        switch self {
        case .notCreated: "not created"
        case .stopped(let endpoint?): "stopped (last on port \(endpoint.port))"
        case .stopped(nil): "stopped"
        case .running(let endpoint): "running on port \(endpoint.port) (socket \(endpoint.socketDirectory))"
        }
    }
}
