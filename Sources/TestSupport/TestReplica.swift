import Database
import Foundation
import PrivateCluster

/// A hot standby of the main test cluster, streaming from it over its socket, under
/// `.build/test-replica/`: made afresh by `pg_basebackup -R` in each test process (a replica
/// of an earlier run's primary may have lost the WAL it needs), stopped at exit.
public enum TestReplica {
    private static let endpoint: Result<ClusterEndpoint, Error> = Result {
        try AdditionalTestCluster.start(
            "test-replica", options: ClusterOptions(durability: .fastUnsafe, replicaOf: try TestDatabase.cluster()), fresh: true)
    }

    /// The running replica.
    public static func cluster() throws -> ClusterEndpoint {
        try endpoint.get()
    }

    /// The replica's conninfo for the database of `primaryConninfo`, once it has replayed
    /// everything the primary had written when this was called.
    /// - Throws: when the replica is not there within `timeout` seconds.
    public static func caughtUp(with primaryConninfo: String, timeout: TimeInterval = 60) throws -> String {
        let replica = try cluster()
        let primary = try PostgresConnection(settings: ConnectionSettings(connectionString: primaryConninfo))
        // The insert position: with synchronous_commit off (the test cluster's fast mode) a
        // commit may not be written yet, and pg_current_wal_lsn() could stop short of it.
        let position = try primary.query(Statement("primary_lsn", "SELECT pg_current_wal_insert_lsn()::text AS lsn"))[0].string("lsn")
        let database = try primary.query(Statement("database", "SELECT current_database() AS name"))[0].string("name")
        let conninfo = replica.conninfo(database: database)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            // The database appears on the replica once its CREATE DATABASE is replayed.
            if let standby = try? PostgresConnection(settings: ConnectionSettings(connectionString: conninfo)),
                let row = try? standby.query(
                    Statement("replayed", "SELECT pg_last_wal_replay_lsn() >= \(position)::pg_lsn AS done")
                ).first,
                (try? row.decode("done", as: Bool.self)) == true
            {
                return conninfo
            }
            guard Date() < deadline else {
                throw DatabaseError(.connectionFailed, message: "the test replica did not replay up to \(position) within \(Int(timeout)) s")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
