import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The steps of `PrivateCluster.start`: place, programs, port, initdb, settings, launch.
extension PrivateCluster {
    /// Fails unless the folder exists as a writable folder or can be created: its nearest
    /// existing ancestor must be a writable folder (not a file, not on a read-only disk).
    func checkDirectoryIsWritable() throws {
        var existing = directory
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            existing = existing.deletingLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: existing.path, isDirectory: &isDirectory)
        guard isDirectory.boolValue else {
            throw ClusterError(.directoryNotWritable, path: path, detail: "\(existing.path) is a file, not a folder")
        }
        guard access(existing.path, W_OK | X_OK) == 0 else {
            throw ClusterError(
                .directoryNotWritable, path: path,
                detail: "\(existing.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Creates the folder; true when this call made it.
    func createDirectory() throws -> Bool {
        guard !FileManager.default.fileExists(atPath: path) else { return false }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return true
        } catch {
            throw ClusterError(.directoryNotWritable, path: path, detail: systemReason(error))
        }
    }

    /// The server programs, preferring the recorded ones and those matching the cluster's version.
    func locateServer(runner: CommandRunner) throws -> ServerInstallation {
        let layout = currentLayout()
        let dataVersion = (try? String(contentsOfFile: layout.dataDirectory + "/PG_VERSION", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try ServerInstallation.locate(
            recorded: ClusterRecord.load(from: recordFile)?.binDirectory,
            dataMajorVersion: dataVersion, runner: runner)
    }

    func isCluster(_ dataDirectory: String) -> Bool {
        FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION")
    }

    /// The layout of the cluster that exists, when one does.
    func existingLayout(record: ClusterRecord? = nil) -> ClusterLayout? {
        let record = record ?? ClusterRecord.load(from: recordFile)
        let fallback = ClusterLayout.fallbackDirectory(for: path)
        var fallbackLayout = ClusterLayout.standard(in: fallback)
        fallbackLayout.fallbackDirectory = fallback
        return [record?.layout, .standard(in: path), fallbackLayout]
            .compactMap { $0 }
            .first { isCluster($0.dataDirectory) }
    }

    /// The layout in use: the existing one, else the recorded one, else the standard one.
    func currentLayout(record: ClusterRecord? = nil) -> ClusterLayout {
        let record = record ?? ClusterRecord.load(from: recordFile)
        return existingLayout(record: record) ?? record?.layout ?? .standard(in: path)
    }

    /// The requested port if free, else the recorded port if free, else the first free one.
    func choosePort(requested: Int?, recorded: Int?, layout: ClusterLayout) throws -> Int {
        let socketDirectories = [layout.socketDirectory]
        if let requested {
            guard (1...65535).contains(requested) else { throw ClusterError(.invalidPort, port: requested) }
            guard PortProbe.isFree(requested, socketDirectories: socketDirectories) else {
                throw ClusterError(.portInUse, port: requested)
            }
            return requested
        }
        if let recorded, PortProbe.isFree(recorded, socketDirectories: socketDirectories) { return recorded }
        guard let port = PortProbe.firstFreePort(socketDirectories: socketDirectories) else {
            throw ClusterError(
                .portInUse,
                detail: "none free from \(PortProbe.firstPort) to "
                    + "\(PortProbe.firstPort + PortProbe.searchCount - 1)")
        }
        return port
    }

    /// Runs initdb: role `postgres`, trust on the socket (its folder is mode 0700), UTF8, and
    /// the C.UTF-8 locale, or C where that locale is missing.
    func initialize(
        _ layout: ClusterLayout, server: ServerInstallation, runner: CommandRunner,
        options: ClusterOptions
    ) throws {
        func initdb(locale: String) throws -> CommandResult {
            // A folder left by an interrupted initdb would make initdb refuse; start afresh.
            try emptyDirectory(layout.dataDirectory)
            var arguments = [
                "-D", layout.dataDirectory, "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=\(locale)",
            ]
            if options.durability == .fastUnsafe { arguments.append("--no-sync") }
            logger.debug("Running initdb", metadata: ["data": "\(layout.dataDirectory)", "locale": "\(locale)"])
            return try runner.runAsServer(server.initdb, arguments)
        }
        var result = try initdb(locale: "C.UTF-8")
        if !result.succeeded, result.output.localizedCaseInsensitiveContains("locale") {
            result = try initdb(locale: "C")
        }
        guard result.succeeded else {
            try? emptyDirectory(layout.dataDirectory)
            throw ClusterError(.initdbFailed, path: layout.dataDirectory, detail: result.tail())
        }
    }

    /// `pg_basebackup -R`: the primary's files, streamed WAL, and `standby.signal` with
    /// `primary_conninfo` (its socket), so the server starts as a hot standby of it.
    func copyPrimary(_ primary: ClusterEndpoint, into layout: ClusterLayout, server: ServerInstallation, runner: CommandRunner) throws {
        try emptyDirectory(layout.dataDirectory)
        logger.debug("Running pg_basebackup", metadata: ["data": "\(layout.dataDirectory)", "primary port": "\(primary.port)"])
        let result = try runner.runAsServer(
            server.pgBasebackup,
            [
                "-D", layout.dataDirectory, "-h", primary.socketDirectory, "-p", String(primary.port), "-U", primary.user,
                "-R", "-X", "stream", "-c", "fast", "--no-sync",
            ])
        guard result.succeeded else {
            try? emptyDirectory(layout.dataDirectory)
            throw ClusterError(.baseBackupFailed, path: layout.dataDirectory, detail: result.tail())
        }
    }

    private func emptyDirectory(_ path: String) throws {
        let files = FileManager.default
        do {
            for name in try files.contentsOfDirectory(atPath: path) {
                try files.removeItem(atPath: path + "/" + name)
            }
        } catch {
            throw ClusterError(.directoryNotWritable, path: path, detail: systemReason(error))
        }
    }

    /// Writes `pgdata/growth-report.conf` (port, socket, settings), which `postgresql.conf`
    /// includes last, so it wins and survives a manual `pg_ctl start`.
    func writeSettings(_ layout: ClusterLayout, port: Int, options: ClusterOptions, user: ServerUser) throws {
        let includeLine = "include_if_exists = 'growth-report.conf'"
        let mainFile = layout.dataDirectory + "/postgresql.conf"
        let settingsFile = layout.dataDirectory + "/growth-report.conf"
        let settings: [(name: String, value: String)] =
            [
                ("port", String(port)), ("listen_addresses", ""), ("unix_socket_directories", layout.socketDirectory),
            ] + options.serverSettings
        var text = "# Written by growth-report at each start of its private cluster; edits here are lost.\n"
        for (name, value) in settings {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) else {
                throw ClusterError(.startFailed, detail: "'\(name)' is not a PostgreSQL setting name")
            }
            let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
            text += "\(name) = '\(quoted)'\n"
        }
        do {
            let main = try String(contentsOfFile: mainFile, encoding: .utf8)
            if !main.contains(includeLine) {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mainFile))
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("\n# Settings of growth-report's private cluster.\n\(includeLine)\n".utf8))
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: settingsFile))
        } catch {
            throw ClusterError(.directoryNotWritable, path: layout.dataDirectory, detail: systemReason(error))
        }
        chmod(settingsFile, 0o600)
        try user.takeOwnership(of: settingsFile)
    }

    /// `pg_ctl start -w`, retried while the processes of a killed server still hold its shared
    /// memory; then waits until the socket accepts connections.
    func launch(
        _ layout: ClusterLayout, port: Int, server: ServerInstallation, runner: CommandRunner,
        options: ClusterOptions
    ) throws -> ClusterEndpoint {
        let deadline = Date().addingTimeInterval(TimeInterval(max(1, options.startTimeout)))
        try removeStalePidFile(layout, deadline: deadline)
        while true {
            let logStart = fileSize(layout.logFile)
            let remaining = max(1, Int(deadline.timeIntervalSinceNow.rounded(.up)))
            logger.debug("Starting PostgreSQL", metadata: ["port": "\(port)", "log": "\(layout.logFile)"])
            let result = try runner.runAsServer(
                server.pgCtl,
                [
                    "start", "-D", layout.dataDirectory, "-l", layout.logFile,
                    "-w", "-t", String(remaining), "-s",
                ])
            if result.succeeded { break }
            let log = readLog(layout.logFile, from: logStart)
            if log.contains("pre-existing shared memory block"), deadline.timeIntervalSinceNow > 0 {
                // The children of a postmaster killed with -9 exit on their own, shortly.
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            // Nothing half-done: a server still starting when pg_ctl gave up is stopped.
            stopImmediately(layout, server: server, runner: runner)
            if log.contains(".s.PGSQL.\(port)") && (log.contains("lock file") || log.contains("already in use")) {
                throw ClusterError(.portInUse, port: port)
            }
            // pg_ctl's own words first (why it gave up), then the server's log.
            throw ClusterError(
                .startFailed, path: layout.logFile,
                detail: [result.tail(2), oneLineTail(of: log)].compactMap { $0 }.joined(separator: " | "))
        }
        let endpoint = ClusterEndpoint(socketDirectory: layout.socketDirectory, port: port)
        do {
            if try waitUntilReady(endpoint, logFile: layout.logFile, deadline: deadline) == .gone {
                throw ClusterError(.startFailed, path: layout.logFile, detail: oneLineTail(of: readLog(layout.logFile, from: 0)))
            }
        } catch {
            stopImmediately(layout, server: server, runner: runner)
            throw error
        }
        return endpoint
    }

    /// What became of a server waited for.
    enum Readiness { case ready, gone }

    /// Waits until the server says it is ready and its socket accepts a connection; `.gone`
    /// when it stays gone for two seconds, as a server killed a moment ago does once its
    /// process has ended (until then it looks alive).
    func waitUntilReady(_ endpoint: ClusterEndpoint, logFile: String, deadline: Date) throws -> Readiness {
        let layout = currentLayout()
        // Since when the server has looked gone. A look can catch postmaster.pid while the
        // server rewrites it (or /proc mid-change) on a loaded machine, so only a server that
        // stays gone for two seconds has failed to start.
        var goneSince: Date?
        while true {
            guard let postmaster = PostmasterFile.read(dataDirectory: layout.dataDirectory),
                postmaster.isAlive(dataDirectory: layout.dataDirectory)
            else {
                let since = goneSince ?? Date()
                goneSince = since
                guard Date().timeIntervalSince(since) < 2 else { return .gone }
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            goneSince = nil
            if postmaster.isReady,
                PortProbe.acceptsConnections(socketDirectory: endpoint.socketDirectory, port: endpoint.port)
            {
                return .ready
            }
            guard deadline.timeIntervalSinceNow > 0 else {
                throw ClusterError(.startFailed, path: logFile, detail: "it did not accept connections in time")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Stops a server we could not finish starting, without waiting for clients.
    func stopImmediately(_ layout: ClusterLayout, server: ServerInstallation, runner: CommandRunner) {
        guard let postmaster = PostmasterFile.read(dataDirectory: layout.dataDirectory),
            postmaster.isAlive(dataDirectory: layout.dataDirectory)
        else { return }
        _ = try? runner.runAsServer(
            server.pgCtl,
            [
                "stop", "-D", layout.dataDirectory, "-m", "immediate",
                "-w", "-t", "30", "-s",
            ])
    }

    /// Removes a `postmaster.pid` left by a server that died, once none of its processes
    /// still works in the data directory (after `kill -9` its backends exit on their own).
    ///
    /// PostgreSQL removes a stale file itself only when its process id is free; here a dead
    /// server may linger as a zombie, or its id may belong to another process by now.
    private func removeStalePidFile(_ layout: ClusterLayout, deadline: Date) throws {
        guard let postmaster = PostmasterFile.read(dataDirectory: layout.dataDirectory),
            !postmaster.isAlive(dataDirectory: layout.dataDirectory)
        else { return }
        let dataDirectory = resolvedPath(layout.dataDirectory)
        while processesWorking(in: dataDirectory) {
            guard deadline.timeIntervalSinceNow > 0 else {
                throw ClusterError(
                    .startFailed, path: layout.logFile,
                    detail: "processes of a previous server still run in \(layout.dataDirectory)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        logger.debug("Removing a stale postmaster.pid", metadata: ["pid": "\(postmaster.pid)"])
        try? FileManager.default.removeItem(atPath: layout.dataDirectory + "/postmaster.pid")
        // Likewise the socket's lock in our private socket folder.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.socketDirectory)) ?? []
        for name in names where name.hasPrefix(".s.PGSQL.") && name.hasSuffix(".lock") {
            let lock = layout.socketDirectory + "/" + name
            let owner = (try? String(contentsOfFile: lock, encoding: .utf8))?
                .split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
            guard let owner, !processExists(owner) else { continue }
            try? FileManager.default.removeItem(atPath: lock)
            try? FileManager.default.removeItem(atPath: String(lock.dropLast(".lock".count)))
        }
    }

    /// True when a live process has `directory` as its working directory, as PostgreSQL's do.
    private func processesWorking(in directory: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        for entry in entries {
            guard let pid = pid_t(entry) else { continue }
            let count = readlink("/proc/\(entry)/cwd", &buffer, buffer.count - 1)
            guard count > 0 else { continue }
            let cwd = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if cwd == directory, processExists(pid) { return true }
        }
        return false
    }

    private func fileSize(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    private func readLog(_ path: String, from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }
}
