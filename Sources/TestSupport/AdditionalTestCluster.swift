import Foundation
import PrivateCluster

/// A test cluster beside the main one, under `.build/<name>/`, stopped when the test process
/// exits. It starts after the main cluster, so the two never race for a port; one left
/// running by an earlier run is stopped first (it keeps the settings it started with), and
/// `fresh` removes its files too.
enum AdditionalTestCluster {
    static func start(_ name: String, options: ClusterOptions, fresh: Bool = false) throws -> ClusterEndpoint {
        _ = try TestDatabase.cluster()
        let cluster = PrivateCluster(directory: TestDatabase.packageRoot.appendingPathComponent(".build/\(name)"))
        if case .running = try cluster.status() { try cluster.stop() }
        if fresh { try cluster.remove() }
        let endpoint = try cluster.start(options)
        lock.withLock {
            if toStop.isEmpty {
                atexit {
                    for cluster in AdditionalTestCluster.lock.withLock({ AdditionalTestCluster.toStop }) { try? cluster.stop() }
                }
            }
            toStop.append(cluster)
        }
        return endpoint
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var toStop: [PrivateCluster] = []
}
