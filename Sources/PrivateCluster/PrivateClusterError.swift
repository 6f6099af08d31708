import Foundation

/// A fault starting, stopping or inspecting the private cluster.
///
/// `message` is one line for the user saying what was wrong and what to do; `detail` holds
/// the last lines of the tool's output or the server log, joined into one line.
public struct ClusterError: Error, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        case serverNotInstalled, directoryNotWritable, portInUse, invalidPort, noUnprivilegedUser
        case runningOnOtherPort, initdbFailed, baseBackupFailed, startFailed, stopFailed
    }

    public var code: Code
    /// The file or folder concerned, when there is one.
    public var path: String?
    /// The port concerned: the busy one, or the one the server already runs on.
    public var port: Int?
    /// The last lines of output or log, one line; shown after the message.
    public var detail: String?

    public init(_ code: Code, path: String? = nil, port: Int? = nil, detail: String? = nil) {
        self.code = code
        self.path = path
        self.port = port
        self.detail = detail
    }

    /// One line: what was wrong and what to do.
    public var message: String {
        let tail = detail.map { ": \($0)" } ?? ""
        switch code {
        case .serverNotInstalled:
            if let path {
                return "\(PrivateCluster.binDirectoryVariable)=\(path) holds no initdb and pg_ctl; "
                    + "point it at PostgreSQL's bin directory or unset it."
            }
            if let detail {
                return "Cannot run PostgreSQL's server programs (\(detail)); "
                    + "install them with: apt-get install postgresql"
            }
            return "PostgreSQL server programs (initdb, pg_ctl) were not found; "
                + "install them with: apt-get install postgresql"
        case .directoryNotWritable:
            return "Cannot write the private cluster folder \(path ?? "?")\(tail); "
                + "run from a writable directory, or move away whatever is in the way."
        case .portInUse:
            if let port { return "Port \(port) is in use; omit --port or choose another." }
            return "No free port for PostgreSQL\(tail); stop other servers or choose one with --port."
        case .invalidPort:
            return "Port \(port.map(String.init) ?? "?") is not a valid port; choose one from 1024 to 65535."
        case .noUnprivilegedUser:
            return "PostgreSQL refuses to run as root and no 'postgres' user exists\(tail); "
                + "install the postgresql package or create the user (useradd --system postgres)."
        case .runningOnOtherPort:
            return "The private cluster already runs on port \(port.map(String.init) ?? "?"); "
                + "stop it with 'growth-report db stop' before choosing another port."
        case .initdbFailed:
            return "initdb could not create the cluster in \(path ?? "?")\(tail)"
        case .baseBackupFailed:
            return "pg_basebackup could not copy the primary into \(path ?? "?")\(tail)"
        case .startFailed:
            return "PostgreSQL did not start\(tail)" + (path.map { " (log: \($0))" } ?? "")
        case .stopFailed:
            return "PostgreSQL did not stop\(tail)" + (path.map { " (log: \($0))" } ?? "")
        }
    }
}

extension ClusterError: LocalizedError {
    public var errorDescription: String? { message }
}

extension ClusterError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { message }
    public var debugDescription: String {
        "ClusterError(\(code), path: \(path ?? "nil"), port: \(port.map(String.init) ?? "nil"), "
            + "detail: \(detail ?? "nil"))"
    }
}
