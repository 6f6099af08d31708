import Foundation
import TestSupport
import Testing

/// Golden files of the CSV and XLSX tests in `Tests/RenderingTests/Golden/`, read from and
/// (with `RECORD_GOLDEN=1`) recorded into the source tree.
enum TabularGolden {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.appendingPathComponent("Tests/RenderingTests/Golden")

    /// Compares `actual` with the golden file `name`, or records it with `RECORD_GOLDEN=1`.
    static func check(_ actual: Data, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if let difference = try GoldenFile.difference(actual, from: directory.appendingPathComponent(name), named: name) {
            Issue.record("\(difference)", sourceLocation: sourceLocation)
        }
    }

    /// A fresh empty folder under the system's temporary folder.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("growth-report-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
