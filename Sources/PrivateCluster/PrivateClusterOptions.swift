import Foundation

/// How `PrivateCluster.start` runs the server.
public struct ClusterOptions: Sendable, Equatable {
    /// Durability trades safety for speed: tests throw their cluster away, so they need none.
    public enum Durability: Sendable, Equatable {
        /// PostgreSQL's defaults: a crash loses nothing committed.
        case safe
        /// `fsync`, `synchronous_commit` and `full_page_writes` off: a crash of the machine can
        /// corrupt the cluster. For tests and throw-away demos only.
        case fastUnsafe
    }

    /// The environment variable that selects `.fastUnsafe` when set to 1, true or yes.
    public static let fastModeVariable = "GROWTH_REPORT_PG_FAST"

    /// The port to use; nil reuses the recorded one, else the first free one from 54330.
    public var port: Int?
    public var durability: Durability
    /// Further server settings (`name: value`), applied last; they win over the defaults.
    public var settings: [String: String]
    /// How long to wait for the server to accept connections, in seconds.
    public var startTimeout: Int
    /// A streaming replica of this primary instead of a fresh cluster: created by
    /// `pg_basebackup -R` from the primary's socket (its `local replication` trust), then
    /// started as a hot standby.
    public var replicaOf: ClusterEndpoint?

    public init(
        port: Int? = nil, durability: Durability? = nil, settings: [String: String] = [:],
        startTimeout: Int = 60, replicaOf: ClusterEndpoint? = nil
    ) {
        self.port = port
        self.durability = durability ?? Self.durabilityFromEnvironment()
        self.settings = settings
        self.startTimeout = startTimeout
        self.replicaOf = replicaOf
    }

    /// `.fastUnsafe` when `GROWTH_REPORT_PG_FAST` asks for it, else `.safe`.
    public static func durabilityFromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Durability {
        let value = environment[fastModeVariable]?.lowercased() ?? ""
        return ["1", "true", "yes", "on"].contains(value) ? .fastUnsafe : .safe
    }

    /// The settings written to the cluster's `growth-report.conf`, in order.
    ///
    /// Bulk loads (seeding) are the heavy work here, so WAL and checkpoints get room.
    var serverSettings: [(name: String, value: String)] {
        var result: [(name: String, value: String)] = [
            ("shared_buffers", "256MB"),
            ("max_wal_size", "4GB"),
            ("checkpoint_timeout", "30min"),
        ]
        if durability == .fastUnsafe {
            result += [("fsync", "off"), ("synchronous_commit", "off"), ("full_page_writes", "off")]
        }
        for name in settings.keys.sorted() {
            result.removeAll { $0.name == name }
            result.append((name, settings[name]!))
        }
        return result
    }
}
