import Database
import Foundation
import PrivateCluster

/// A real PostgreSQL for tests: the private cluster code of `demo`, started once per test
/// process under `.build/test-cluster/` in fast (unsafe) durability mode, with a fresh
/// database per test. Nothing is mocked and nothing is skipped: without a server the tests
/// fail and say why.
public enum TestDatabase {
    /// The package's root folder.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // Sources/TestSupport/TestDatabase.swift
        return url
    }()

    private static let endpoint: Result<ClusterEndpoint, Error> = Result {
        let directory = packageRoot.appendingPathComponent(".build/test-cluster")
        let endpoint = try PrivateCluster(directory: directory)
            .start(ClusterOptions(durability: .fastUnsafe))
        stopAtExit(directory: directory)
        try dropEarlierRunsDatabases(on: endpoint)
        return endpoint
    }

    /// The databases earlier test runs left in the cluster, which is the tests' own (each test
    /// makes its databases and keeps them, so a failure can be looked at), dropped when a run
    /// first starts it: otherwise they fill the disk run after run, and the test replica with them.
    private static func dropEarlierRunsDatabases(on endpoint: ClusterEndpoint) throws {
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
        let names = try admin.query(
            named: "earlier_test_databases", "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"
        )
        .map { try $0.string("datname") }
        for name in names {
            try admin.executeScript(named: "drop_test_database", "DROP DATABASE IF EXISTS \(try admin.quoteIdentifier(name)) WITH (FORCE)")
        }
    }

    /// The running test cluster.
    public static func cluster() throws -> ClusterEndpoint {
        try endpoint.get()
    }

    /// Creates an empty database with a unique name and returns its conninfo.
    public static func create(_ label: String = "t") throws -> String {
        try create(label, on: try cluster())
    }

    /// Creates an empty database with a unique name on `endpoint` and returns its conninfo.
    public static func create(_ label: String, on endpoint: ClusterEndpoint) throws -> String {
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
        let safeLabel = label.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }.prefix(20)
        let name = "test_\(safeLabel)_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.executeScript(named: "create_test_database", "CREATE DATABASE \(try admin.quoteIdentifier(name))")
        return endpoint.conninfo(database: name)
    }

    /// A connection to a fresh database.
    public static func connect(_ label: String = "t", timeZone: String = "UTC") throws -> (PostgresConnection, String) {
        let conninfo = try create(label)
        return (try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, timeZone: timeZone)), conninfo)
    }

    /// A fresh database with the schema of `db migrate`.
    public static func migrated(_ label: String = "t") throws -> (PostgresConnection, String) {
        let (connection, conninfo) = try connect(label)
        try Migrator().migrate(on: connection)
        return (connection, conninfo)
    }

    nonisolated(unsafe) private static var clusterToStop: PrivateCluster?

    private static func stopAtExit(directory: URL) {
        clusterToStop = PrivateCluster(directory: directory)
        atexit {
            try? TestDatabase.clusterToStop?.stop()
        }
    }
}
