import Foundation
import Testing

/// Golden files of the CSV and XLSX tests in `Tests/RenderingTests/Golden/`, read from and
/// (with `RECORD_GOLDEN=1`) recorded into the source tree.
enum TabularGolden {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.appendingPathComponent("Tests/RenderingTests/Golden")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file `name`, or records it with `RECORD_GOLDEN=1`.
    static func check(_ actual: Data, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if isRecording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url)
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            Issue.record("No golden file \(name); run the tests with RECORD_GOLDEN=1 to record it.", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
            let actualLines = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
            let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLines.count, actualLines.count)
            let expectedLine = first < expectedLines.count ? expectedLines[first] : "<end>"
            let actualLine = first < actualLines.count ? actualLines[first] : "<end>"
            Issue.record("""
                \(name) differs from its golden file at line \(first + 1) \
                (RECORD_GOLDEN=1 re-records after a deliberate change):
                expected: \(expectedLine.prefix(400))
                actual:   \(actualLine.prefix(400))
                """, sourceLocation: sourceLocation)
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
