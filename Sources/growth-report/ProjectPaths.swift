import Foundation

/// Folders relative to where the tool runs.
enum ProjectPaths {
    /// `.growth-report/`: the private cluster of `demo` and `db start`.
    static var clusterDirectory: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".growth-report")
    }
}

/// The database the private cluster holds the demo data in.
enum PrivateClusterDatabase {
    static let name = "growth_report"
}
