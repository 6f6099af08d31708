import Database
import Foundation
import PrivateCluster

/// A second, small test cluster that loads `pg_stat_statements` at start
/// (`shared_preload_libraries`), under `.build/test-cluster-pg-stat-statements/`: the main test
/// cluster does not load it, so both sides of "is statement tracking on" can be tested. It
/// starts after the main cluster, so the two never race for a port, and stops at exit.
public enum StatementStatisticsDatabase {
    /// The server settings that differ from the main test cluster.
    public static let settings = [
        "shared_preload_libraries": "pg_stat_statements",
        "pg_stat_statements.track": "all",
        "shared_buffers": "32MB",
    ]

    private static let endpoint: Result<ClusterEndpoint, Error> = Result {
        try AdditionalTestCluster.start("test-cluster-pg-stat-statements", options: ClusterOptions(durability: .fastUnsafe, settings: settings))
    }

    /// The running cluster.
    public static func cluster() throws -> ClusterEndpoint {
        try endpoint.get()
    }

    /// A connection to a fresh database on this cluster.
    public static func connect(_ label: String = "t", timeZone: String = "UTC") throws -> (PostgresConnection, String) {
        let conninfo = try TestDatabase.create(label, on: try cluster())
        return (try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, timeZone: timeZone)), conninfo)
    }

    /// A fresh database with the schema of `db migrate`.
    public static func migrated(_ label: String = "t") throws -> (PostgresConnection, String) {
        let (connection, conninfo) = try connect(label)
        try Migrator().migrate(on: connection)
        return (connection, conninfo)
    }
}
