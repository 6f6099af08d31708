import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster private to one project, in its `.growth-report/` folder, made and run
/// with the installed server programs (initdb, pg_ctl) and reachable only through a Unix socket.
///
/// Layout: `pgdata/` (the cluster), `socket/`, `postgres.log`, `cluster.json` (port, paths,
/// bin directory, version; later runs reuse them) and `lock` (held while one process creates,
/// starts or stops the cluster). As root, the server runs as the `postgres` user. Each
/// method either completes or leaves things as they were, and fails with a `ClusterError`.
public struct PrivateCluster: Sendable {
    /// The environment variable naming the bin directory to take initdb and pg_ctl from.
    public static let binDirectoryVariable = "GROWTH_REPORT_PG_BINDIR"

    /// The private folder, absolute, e.g. `<cwd>/.growth-report`.
    public let directory: URL
    let logger: Logger

    public init(directory: URL, logger: Logger = .silentCluster("growth-report.cluster")) {
        self.directory = directory.absoluteURL.standardizedFileURL
        self.logger = logger
    }

    /// The folder name under the project directory: `.growth-report`.
    public static let folderName = ".growth-report"

    var path: String { directory.path }
    var recordFile: String { path + "/cluster.json" }
    var lockFile: String { path + "/lock" }

    /// Starts the cluster on `port` (else the recorded one, else the first free from 54330)
    /// with the durability `GROWTH_REPORT_PG_FAST` selects; see `start(_:)`.
    @discardableResult
    public func start(port: Int? = nil) throws -> ClusterEndpoint {
        try start(ClusterOptions(port: port))
    }

    /// Creates the cluster if needed, starts it if stopped, reuses it if running, and returns
    /// once it accepts connections.
    ///
    /// Settings apply when the server starts; a running server keeps the ones it has.
    /// - Throws: `ClusterError` — `.serverNotInstalled`, `.directoryNotWritable`, `.portInUse`,
    ///   `.runningOnOtherPort`, `.noUnprivilegedUser`, `.initdbFailed`, `.startFailed`.
    @discardableResult
    public func start(_ options: ClusterOptions) throws -> ClusterEndpoint {
        // Checks that change nothing come first, so a fault leaves no folder behind.
        try checkDirectoryIsWritable()
        let user = try ServerUser.resolve()
        let runner = CommandRunner(user: user)
        let server = try locateServer(runner: runner)
        if let port = options.port {
            switch try status() {
            case .running(let endpoint) where endpoint.port != port:
                throw ClusterError(.runningOnOtherPort, port: endpoint.port)
            case .running: break
            case .stopped(let recorded):
                guard PortProbe.isFree(port, socketDirectories: recorded.map { [$0.socketDirectory] } ?? []) else {
                    throw ClusterError(.portInUse, port: port)
                }
            case .notCreated:
                guard PortProbe.isFree(port, socketDirectories: []) else { throw ClusterError(.portInUse, port: port) }
            }
        }

        let createdDirectory = try createDirectory()
        let lock = try ClusterLock(path: lockFile)
        defer { lock.release() }
        var layout: ClusterLayout?
        var createdFallback = false
        do {
            // Another process may have created or started the cluster while we waited. A server
            // killed a moment ago looks alive until its process has ended: it is started anew.
            if case .running(let endpoint) = try status() {
                if let port = options.port, port != endpoint.port {
                    throw ClusterError(.runningOnOtherPort, port: endpoint.port)
                }
                let readiness = try waitUntilReady(
                    endpoint, logFile: currentLayout().logFile,
                    deadline: Date().addingTimeInterval(TimeInterval(options.startTimeout)))
                if readiness == .ready {
                    logger.debug("Reusing the running private cluster", metadata: ["port": "\(endpoint.port)"])
                    return endpoint
                }
                logger.debug("The running private cluster ended while we waited; starting it", metadata: ["port": "\(endpoint.port)"])
            }
            let record = ClusterRecord.load(from: recordFile)
            let chosen = try existingLayout() ?? ClusterLayout.resolve(in: path, user: user, runner: runner)
            layout = chosen
            createdFallback = chosen.fallbackDirectory.map { !FileManager.default.fileExists(atPath: $0) } ?? false
            try chosen.prepare(for: user)
            let port = try choosePort(requested: options.port, recorded: record?.port, layout: chosen)
            if !isCluster(chosen.dataDirectory) {
                if let primary = options.replicaOf {
                    try copyPrimary(primary, into: chosen, server: server, runner: runner)
                } else {
                    try initialize(chosen, server: server, runner: runner, options: options)
                }
            }
            try writeSettings(chosen, port: port, options: options, user: user)
            let endpoint = try launch(chosen, port: port, server: server, runner: runner, options: options)
            let newRecord = ClusterRecord(
                port: port, socketDirectory: chosen.socketDirectory, dataDirectory: chosen.dataDirectory,
                logFile: chosen.logFile, binDirectory: server.binDirectory, serverVersion: server.version,
                fallbackDirectory: chosen.fallbackDirectory)
            do {
                try newRecord.save(to: recordFile)
            } catch {
                stopImmediately(chosen, server: server, runner: runner)
                throw error
            }
            return endpoint
        } catch {
            // Nothing half-done: what this call created goes again.
            if createdFallback, let fallback = layout?.fallbackDirectory {
                try? FileManager.default.removeItem(atPath: fallback)
            }
            if createdDirectory { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
    }

    /// Stops the server with `pg_ctl stop -m fast`; does nothing when it is not running.
    /// - Throws: `ClusterError.stopFailed` with the last output lines.
    public func stop() throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard case .running = try status() else { return }
        let lock = try ClusterLock(path: lockFile)
        defer { lock.release() }
        guard case .running = try status() else { return }
        let layout = currentLayout()
        let runner = CommandRunner(user: try ServerUser.resolve())
        let server = try locateServer(runner: runner)
        let result = try runner.runAsServer(
            server.pgCtl,
            [
                "stop", "-D", layout.dataDirectory, "-m", "fast",
                "-w", "-t", "60", "-s",
            ])
        if !result.succeeded, try status().isRunning {
            throw ClusterError(.stopFailed, path: layout.logFile, detail: result.tail())
        }
        logger.debug("Stopped the private cluster", metadata: ["directory": "\(path)"])
    }

    /// Whether the cluster exists and runs, from its files and the process table; changes nothing.
    /// - Throws: `ClusterError.directoryNotWritable` when the folder's path names a file.
    public func status() throws -> ClusterStatus {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .notCreated }
        guard isDirectory.boolValue else {
            throw ClusterError(.directoryNotWritable, path: path, detail: "it is a file, not a folder")
        }
        let record = ClusterRecord.load(from: recordFile)
        let layout = currentLayout(record: record)
        guard isCluster(layout.dataDirectory) else { return .notCreated }
        if let postmaster = PostmasterFile.read(dataDirectory: layout.dataDirectory),
            postmaster.isAlive(dataDirectory: layout.dataDirectory)
        {
            return .running(
                ClusterEndpoint(
                    socketDirectory: postmaster.socketDirectory ?? layout.socketDirectory,
                    port: postmaster.port ?? record?.port ?? 5432))
        }
        return .stopped(record.map { ClusterEndpoint(socketDirectory: $0.socketDirectory, port: $0.port) })
    }

    /// The process id of the running server (the postmaster), or nil when it is not running.
    public func serverProcessID() -> Int32? {
        let layout = currentLayout()
        guard let postmaster = PostmasterFile.read(dataDirectory: layout.dataDirectory),
            postmaster.isAlive(dataDirectory: layout.dataDirectory)
        else { return nil }
        return postmaster.pid
    }

    /// Stops the server and deletes the cluster: the folder and any fallback folder under /tmp.
    public func remove() throws {
        try stop()
        let fallback =
            ClusterRecord.load(from: recordFile)?.fallbackDirectory
            ?? ClusterLayout.fallbackDirectory(for: path)
        do {
            if FileManager.default.fileExists(atPath: fallback) { try FileManager.default.removeItem(atPath: fallback) }
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(at: directory) }
        } catch {
            throw ClusterError(.directoryNotWritable, path: path, detail: systemReason(error))
        }
    }
}
