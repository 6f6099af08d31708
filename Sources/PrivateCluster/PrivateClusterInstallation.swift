import Foundation

/// The installed PostgreSQL server programs: a bin directory holding `initdb` and `pg_ctl`.
struct ServerInstallation: Sendable, Equatable {
    var binDirectory: String
    /// As `pg_ctl --version` reports it, e.g. "15.14".
    var version: String

    var initdb: String { binDirectory + "/initdb" }
    var pgCtl: String { binDirectory + "/pg_ctl" }
    var pgBasebackup: String { binDirectory + "/pg_basebackup" }
    var majorVersion: String { String(version.split(separator: ".").first ?? "") }

    /// Finds the server programs, in this order: `GROWTH_REPORT_PG_BINDIR`, the directory a
    /// cluster was made with (`recorded`), `pg_config --bindir`, the newest
    /// `/usr/lib/postgresql/*/bin`, then `PATH`. A candidate whose major version matches the
    /// existing cluster's `PG_VERSION` wins over the others.
    static func locate(
        recorded: String? = nil, dataMajorVersion: String? = nil,
        runner: CommandRunner,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws -> ServerInstallation
    {
        if let override = environment[PrivateCluster.binDirectoryVariable], !override.isEmpty {
            guard hasServerPrograms(override) else { throw ClusterError(.serverNotInstalled, path: override) }
            return ServerInstallation(binDirectory: override, version: version(in: override, runner: runner))
        }
        // The programs the cluster was made with, when still there and of its version.
        if let recorded, hasServerPrograms(recorded) {
            let installation = ServerInstallation(binDirectory: recorded, version: version(in: recorded, runner: runner))
            if dataMajorVersion == nil || installation.majorVersion == dataMajorVersion { return installation }
        }
        var candidates: [String] = []
        if let dataMajorVersion { candidates.append("/usr/lib/postgresql/\(dataMajorVersion)/bin") }
        if let pgConfig = pgConfigPath(environment),
            let result = try? runner.run(pgConfig, ["--bindir"]), result.succeeded
        {
            candidates.append(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        candidates += debianBinDirectories()
        candidates += searchPath(environment).filter(hasServerPrograms)

        var seen = Set<String>()
        let installed = candidates.filter { seen.insert($0).inserted && hasServerPrograms($0) }
        guard !installed.isEmpty else { throw ClusterError(.serverNotInstalled) }
        let found = installed.lazy.map { ServerInstallation(binDirectory: $0, version: version(in: $0, runner: runner)) }
        if let dataMajorVersion, let match = found.first(where: { $0.majorVersion == dataMajorVersion }) {
            return match
        }
        return found.first!
    }

    private static func hasServerPrograms(_ directory: String) -> Bool {
        let files = FileManager.default
        return files.isExecutableFile(atPath: directory + "/initdb") && files.isExecutableFile(atPath: directory + "/pg_ctl")
    }

    private static func version(in directory: String, runner: CommandRunner) -> String {
        // "pg_ctl (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
        guard let result = try? runner.run(directory + "/pg_ctl", ["--version"]), result.succeeded else { return "" }
        let words = result.output.split(separator: " ")
        guard let index = words.firstIndex(of: "(PostgreSQL)"), index + 1 < words.count else { return "" }
        return words[index + 1].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func pgConfigPath(_ environment: [String: String]) -> String? {
        searchPath(environment).map { $0 + "/pg_config" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func searchPath(_ environment: [String: String]) -> [String] {
        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    }

    /// Debian's versioned directories, newest first (numerically: 16 before 9.6).
    private static func debianBinDirectories() -> [String] {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return
            versions
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "\(root)/\($0)/bin" }
    }
}
