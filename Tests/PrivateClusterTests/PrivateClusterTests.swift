import Foundation
import Testing

@testable import PrivateCluster

#if canImport(Glibc)
    import Glibc
#endif

/// Real clusters, each in its own temporary folder; every test stops and deletes what it started.
@Suite struct PrivateClusterTests {
    @Test func startReusesStopsAndStartsAgain() throws {
        try withCluster { cluster in
            let endpoint = try cluster.start(Self.fast)
            #expect(try cluster.status() == .running(endpoint))
            #expect(endpoint.user == "postgres")
            #expect(endpoint.socketDirectory == cluster.directory.path + "/socket")
            let pid = try #require(cluster.serverProcessID())

            let again = try cluster.start(Self.fast)
            #expect(again == endpoint)
            #expect(cluster.serverProcessID() == pid)

            try cluster.stop()
            #expect(try cluster.status() == .stopped(endpoint))
            #expect(cluster.serverProcessID() == nil)
            try cluster.stop()

            let restarted = try cluster.start(Self.fast)
            #expect(restarted.port == endpoint.port)
            #expect(try query("SELECT 1", endpoint.conninfo(database: "postgres")) == "1")

            let record = try String(contentsOfFile: cluster.directory.path + "/cluster.json", encoding: .utf8)
            #expect(record.contains("\"port\" : \(endpoint.port)"))
            #expect(record.contains("\"serverVersion\""))
        }
    }

    @Test func statusOfNeverCreatedFolder() throws {
        try withCluster { cluster in
            #expect(try cluster.status() == .notCreated)
            try cluster.stop()
            #expect(!FileManager.default.fileExists(atPath: cluster.directory.path))
        }
    }

    @Test func startsAgainAfterServerWasKilled() throws {
        try withCluster { cluster in
            let endpoint = try cluster.start(Self.fast)
            let pid = try #require(cluster.serverProcessID())
            #expect(kill(pid, SIGKILL) == 0)
            for _ in 0..<100 where processExists(pid) { Thread.sleep(forTimeInterval: 0.05) }
            #expect(try cluster.status() == .stopped(endpoint))

            let restarted = try cluster.start(Self.fast)
            #expect(restarted == endpoint)
            #expect(cluster.serverProcessID() != pid)
            #expect(try query("SELECT 1", restarted.conninfo(database: "postgres")) == "1")
        }
    }

    /// A server killed a moment ago still looks alive while its process ends: start waits for
    /// it, finds it gone, and starts a new one rather than failing.
    @Test func startsAnewWhenTheServerItFoundRunningEnds() throws {
        try withCluster { cluster in
            let endpoint = try cluster.start(Self.fast)
            try cluster.stop()
            // A stand-in for the dying postmaster: a process named postgres, working in the
            // data directory, recorded in postmaster.pid as ready, with no socket; it ends in 1 s.
            let data = URL(fileURLWithPath: cluster.currentLayout().dataDirectory)
            let binary = cluster.directory.appendingPathComponent("postgres")
            try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: binary.path)
            let dying = Process()
            dying.executableURL = binary
            dying.arguments = ["1"]
            dying.currentDirectoryURL = data
            try dying.run()
            let pidFile = [
                "\(dying.processIdentifier)", data.path, "0", "\(endpoint.port)", endpoint.socketDirectory, "", "0", "ready", "",
            ]
            try Data(pidFile.joined(separator: "\n").utf8).write(to: data.appendingPathComponent("postmaster.pid"))
            #expect(try cluster.status() == .running(endpoint))

            let restarted = try cluster.start(Self.fast)
            dying.waitUntilExit()
            #expect(restarted == endpoint)
            #expect(cluster.serverProcessID() != dying.processIdentifier)
            #expect(try query("SELECT 1", restarted.conninfo(database: "postgres")) == "1")
        }
    }

    @Test func folderUnderAFileIsNotWritable() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let cluster = PrivateCluster(directory: file.appendingPathComponent(".growth-report"))
        let error = try #require(throws: ClusterError.self) { try cluster.start(Self.fast) }
        #expect(error.code == .directoryNotWritable)
        #expect(error.message.contains(file.path))

        let fileCluster = PrivateCluster(directory: file)
        #expect(throws: ClusterError.self) { try fileCluster.start(Self.fast) }
    }

    @Test func explicitPortInUse() throws {
        let listener = try TCPListener()
        defer { listener.close() }
        try withCluster { cluster in
            var options = Self.fast
            options.port = listener.port
            let error = try #require(throws: ClusterError.self) { try cluster.start(options) }
            #expect(error.code == .portInUse)
            #expect(error.port == listener.port)
            #expect(error.message == "Port \(listener.port) is in use; omit --port or choose another.")
            #expect(!FileManager.default.fileExists(atPath: cluster.directory.path))
        }
    }

    @Test func busyRecordedPortMovesToAFreeOne() throws {
        try withCluster { cluster in
            let endpoint = try cluster.start(Self.fast)
            try cluster.stop()
            let listener = try TCPListener(port: endpoint.port)
            defer { listener.close() }
            let moved = try cluster.start(Self.fast)
            #expect(moved.port != endpoint.port)
            #expect(try cluster.status() == .running(moved))
            #expect(try query("SELECT 1", moved.conninfo(database: "postgres")) == "1")
        }
    }

    @Test func explicitPortWhileRunningElsewhere() throws {
        try withCluster { cluster in
            let endpoint = try cluster.start(Self.fast)
            var options = Self.fast
            options.port = endpoint.port + 1
            let error = try #require(throws: ClusterError.self) { try cluster.start(options) }
            #expect(error.code == .runningOnOtherPort)
            #expect(error.port == endpoint.port)
            options.port = endpoint.port
            #expect(try cluster.start(options) == endpoint)
            #expect("\(try cluster.status())".hasPrefix("running on port \(endpoint.port)"))
        }
    }

    @Test func longPathUsesShortSocketFolder() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let deep = root.appendingPathComponent(String(repeating: "long-folder-name-", count: 6))
            .appendingPathComponent(".growth-report")
        let cluster = PrivateCluster(directory: deep)
        defer { try? cluster.remove() }
        let endpoint = try cluster.start(Self.fast)
        #expect(endpoint.socketDirectory.hasPrefix("/tmp/growth-report-"))
        #expect((endpoint.socketDirectory + "/.s.PGSQL.\(endpoint.port)").utf8.count <= 107)
        #expect(try query("SELECT 1", endpoint.conninfo(database: "postgres")) == "1")
        try cluster.remove()
        #expect(!FileManager.default.fileExists(atPath: endpoint.socketDirectory))
    }

    @Test(.enabled(if: geteuid() == 0, "only root can make a folder the postgres user cannot reach"))
    func unreachableFolderUsesPrivateFallback() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let closed = root.appendingPathComponent("closed")
        try FileManager.default.createDirectory(
            at: closed, withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o700])
        let cluster = PrivateCluster(directory: closed.appendingPathComponent(".growth-report"))
        defer { try? cluster.remove() }
        let endpoint = try cluster.start(Self.fast)
        #expect(endpoint.socketDirectory.hasPrefix("/tmp/growth-report-"))
        #expect(try query("SELECT 1", endpoint.conninfo(database: "postgres")) == "1")
        #expect(try cluster.status() == .running(endpoint))
    }

    @Test func connectsWithConninfoAndURL() throws {
        try withCluster { cluster in
            let endpoint = try cluster.start(Self.fast)
            #expect(try query("SELECT current_user", endpoint.conninfo(database: "postgres")) == "postgres")
            #expect(try query("SHOW fsync", endpoint.url(database: "postgres")) == "off")
            #expect(try query("SHOW server_encoding", endpoint.url(database: "template1")) == "UTF8")
        }
    }

    @Test func parallelStartsShareOneCluster() async throws {
        try await withClusterAsync { cluster in
            async let first = Task.detached { try cluster.start(Self.fast) }.value
            async let second = Task.detached { try cluster.start(Self.fast) }.value
            let endpoints = try await [first, second]
            #expect(endpoints[0] == endpoints[1])
            #expect(try cluster.status() == .running(endpoints[0]))
        }
    }

    @Test func missingServerProgramsAreReported() throws {
        let runner = CommandRunner(user: try ServerUser.resolve())
        let error = try #require(throws: ClusterError.self) {
            try ServerInstallation.locate(
                runner: runner,
                environment: [PrivateCluster.binDirectoryVariable: "/nonexistent/bin"])
        }
        #expect(error.code == .serverNotInstalled)
        #expect(error.message.contains("/nonexistent/bin"))
        #expect(
            ClusterError(.serverNotInstalled).message
                == "PostgreSQL server programs (initdb, pg_ctl) were not found; install them with: apt-get install postgresql")
    }

    @Test func endpointStrings() {
        let endpoint = ClusterEndpoint(socketDirectory: "/tmp/a b/it's", port: 54330)
        #expect(
            endpoint.conninfo(database: "growth")
                == #"host='/tmp/a b/it\'s' port=54330 user=postgres dbname=growth"#)
        #expect(
            endpoint.url(database: "growth")
                == "postgresql:///growth?host=%2Ftmp%2Fa%20b%2Fit%27s&port=54330&user=postgres")
        let plain = ClusterEndpoint(socketDirectory: "/abs/socket", port: 5)
        #expect(plain.conninfo(database: "") == "host=/abs/socket port=5 user=postgres dbname=''")
    }

    @Test func settingsFollowDurability() {
        let safe = ClusterOptions(durability: .safe, settings: ["shared_buffers": "64MB", "work_mem": "8MB"])
        #expect(
            safe.serverSettings.map(\.name)
                == ["max_wal_size", "checkpoint_timeout", "shared_buffers", "work_mem"])
        #expect(!ClusterOptions(durability: .safe).serverSettings.contains { $0.name == "fsync" })
        #expect(ClusterOptions(durability: .fastUnsafe).serverSettings.contains { $0 == ("fsync", "off") })
        #expect(ClusterOptions.durabilityFromEnvironment([ClusterOptions.fastModeVariable: "1"]) == .fastUnsafe)
        #expect(ClusterOptions.durabilityFromEnvironment([:]) == .safe)
    }

    // MARK: - Helpers

    static let fast = ClusterOptions(durability: .fastUnsafe, startTimeout: 120)

    private func withCluster(_ body: (PrivateCluster) throws -> Void) throws {
        let root = try temporaryFolder()
        let cluster = PrivateCluster(directory: root.appendingPathComponent(".growth-report"))
        defer {
            try? cluster.remove()
            try? FileManager.default.removeItem(at: root)
        }
        try body(cluster)
    }

    private func withClusterAsync(_ body: (PrivateCluster) async throws -> Void) async throws {
        let root = try temporaryFolder()
        let cluster = PrivateCluster(directory: root.appendingPathComponent(".growth-report"))
        defer {
            try? cluster.remove()
            try? FileManager.default.removeItem(at: root)
        }
        try await body(cluster)
    }
}

/// A folder under /tmp the postgres user can reach (mode 0755), unlike one from mkdtemp.
func temporaryFolder() throws -> URL {
    let url = URL(fileURLWithPath: "/tmp/growth-report-tests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(
        at: url, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o755])
    return url
}

/// Runs one statement with psql and returns its unaligned output.
func query(_ sql: String, _ connection: String) throws -> String {
    let psql = ["/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql", "/usr/local/bin/psql"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(psql, "psql is not installed"))
    process.arguments = ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, connection]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(process.terminationStatus == 0, "psql failed: \(text)")
    return text
}

/// A TCP listener on 127.0.0.1.
final class TCPListener {
    private var descriptor: Int32
    let port: Int

    /// Listens at `port`, or at one the kernel picks when 0.
    init(port: Int = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        try #require(bound, "cannot listen on 127.0.0.1")
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
