import Foundation
import PrivateCluster

/// Folders relative to where the tool runs.
enum ProjectPaths {
    /// `.growth-report/`: the private cluster of `demo` and `db start`.
    static var clusterDirectory: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(PrivateCluster.folderName)
    }

    /// The running executable's full path, however it was started (by name from PATH, too).
    static var executable: String {
        Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
    }
}

/// The database the private cluster holds the demo data in.
enum PrivateClusterDatabase {
    static let name = "growth_report"
}
