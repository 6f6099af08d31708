import Foundation
import PrivateCluster

/// Two shard servers beside the main test cluster (`.build/test-shard-0/`, `-1/`), for the
/// tables that are hash partitions made of `postgres_fdw` foreign tables; stopped at exit.
public enum TestShards {
    private static let endpoints: Result<[ClusterEndpoint], Error> = Result {
        try (0..<2).map { try AdditionalTestCluster.start("test-shard-\($0)", options: ClusterOptions(durability: .fastUnsafe)) }
    }

    /// The running shard servers.
    public static func servers() throws -> [ClusterEndpoint] {
        try endpoints.get()
    }
}
