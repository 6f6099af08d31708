import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `cluster.json` records, so later runs find the cluster and reuse its port.
struct ClusterRecord: Codable, Equatable, Sendable {
    var port: Int
    var socketDirectory: String
    var dataDirectory: String
    var logFile: String
    var binDirectory: String
    var serverVersion: String
    /// The private folder under /tmp holding what could not live in the project folder.
    var fallbackDirectory: String?

    static func load(from file: String) -> ClusterRecord? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return try? JSONDecoder().decode(ClusterRecord.self, from: data)
    }

    func save(to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw ClusterError(.directoryNotWritable, path: file, detail: error.localizedDescription)
        }
    }

    var layout: ClusterLayout {
        ClusterLayout(
            dataDirectory: dataDirectory, socketDirectory: socketDirectory, logFile: logFile,
            fallbackDirectory: fallbackDirectory)
    }
}

/// Where the cluster's parts live: `pgdata/`, `socket/` and `postgres.log` in the project's
/// `.growth-report/`, or in a private `/tmp/growth-report-<uid>-<hash>/` when the server user
/// cannot reach that folder, its path would confuse pg_ctl's shell command, or the socket
/// path would exceed the Unix limit of 107 bytes.
struct ClusterLayout: Sendable, Equatable {
    var dataDirectory: String
    var socketDirectory: String
    var logFile: String
    var fallbackDirectory: String?

    /// The layout a cluster made before `cluster.json` existed would have.
    static func standard(in directory: String) -> ClusterLayout {
        ClusterLayout(
            dataDirectory: directory + "/pgdata", socketDirectory: directory + "/socket",
            logFile: directory + "/postgres.log", fallbackDirectory: nil)
    }

    /// Chooses the layout for a new cluster in `directory`, which must exist.
    static func resolve(in directory: String, user: ServerUser, runner: CommandRunner) throws -> ClusterLayout {
        let fallback = fallbackDirectory(for: directory)
        var layout = standard(in: directory)
        let reachable = try canTraverse(directory, user: user, runner: runner)
        if !hasPlainCharacters(directory) || !reachable {
            layout = standard(in: fallback)
            layout.fallbackDirectory = fallback
        }
        if (layout.socketDirectory + "/.s.PGSQL.65535").utf8.count > PortProbe.maximumSocketPathLength {
            layout.socketDirectory = fallback + "/socket"
            layout.fallbackDirectory = fallback
        }
        return layout
    }

    /// `/tmp/growth-report-<uid>-<12 hex digits of the path's FNV-1a hash>`.
    static func fallbackDirectory(for directory: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in directory.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let digits = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return "/tmp/growth-report-\(geteuid())-\(digits.prefix(12))"
    }

    /// pg_ctl runs the server through `/bin/sh` with paths in double quotes, and socket
    /// directories are a comma-separated list: keep such paths to characters that need no quoting.
    static func hasPlainCharacters(_ path: String) -> Bool {
        path.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "/._-+@=:~".unicodeScalars.contains(scalar)))
        }
    }

    /// Whether the server user can reach `directory` (search permission on it and every parent).
    private static func canTraverse(_ directory: String, user: ServerUser, runner: CommandRunner) throws -> Bool {
        guard user.isSwitched else { return true }
        let test = CommandRunner.firstExecutable(["/usr/bin/test", "/bin/test"]) ?? "/usr/bin/test"
        return try runner.runAsServer(test, ["-x", directory]).succeeded
    }

    /// Creates the folders (mode 0700) and the log file, owned by the server user.
    func prepare(for user: ServerUser) throws {
        if let fallbackDirectory { try Self.preparePrivateDirectory(fallbackDirectory, user: user) }
        try createDirectory(socketDirectory, user: user)
        try createDirectory(dataDirectory, user: user)
        if !FileManager.default.fileExists(atPath: logFile) {
            guard
                FileManager.default.createFile(
                    atPath: logFile, contents: nil,
                    attributes: [.posixPermissions: 0o600])
            else {
                throw ClusterError(.directoryNotWritable, path: logFile, detail: "cannot create the log file")
            }
        }
        try user.takeOwnership(of: logFile)
    }

    private func createDirectory(_ path: String, user: ServerUser) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ClusterError(.directoryNotWritable, path: path, detail: "it is a file, not a folder")
            }
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            } catch {
                throw ClusterError(.directoryNotWritable, path: path, detail: systemReason(error))
            }
        }
        chmod(path, 0o700)
        try user.takeOwnership(of: path)
    }

    /// Creates `/tmp/growth-report-…` or accepts it only when it is a real folder (not a link)
    /// owned by us or the server user: /tmp is shared, and anyone could have made it first.
    private static func preparePrivateDirectory(_ path: String, user: ServerUser) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            guard isDirectory, info.st_uid == user.uid || info.st_uid == geteuid() else {
                throw ClusterError(
                    .directoryNotWritable, path: path,
                    detail: "it exists and is not a private folder of this user; remove it")
            }
        } else if mkdir(path, 0o700) != 0 {
            throw ClusterError(.directoryNotWritable, path: path, detail: String(cString: strerror(errno)))
        }
        chmod(path, 0o700)
        try user.takeOwnership(of: path)
    }
}

/// The operating system's reason inside a Foundation file error, e.g. "Permission denied".
public func systemReason(_ error: Error) -> String {
    let error = error as NSError
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return error.localizedDescription
}
