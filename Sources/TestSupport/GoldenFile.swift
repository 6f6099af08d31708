import Foundation

/// Golden files in the source tree: compared byte for byte, or recorded with `RECORD_GOLDEN=1`.
public enum GoldenFile {
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    /// A difference from the golden file, its first differing line shown.
    public struct Difference: Error, CustomStringConvertible {
        public var description: String
    }

    /// Compares `actual` with the file at `url` (named `name` in messages), or records it with
    /// `RECORD_GOLDEN=1`; nil when they agree (or it was recorded), else what differs.
    public static func difference(_ actual: Data, from url: URL, named name: String) throws -> Difference? {
        if isRecording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url)
            return nil
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            return Difference(description: "No golden file \(name); run the tests with RECORD_GOLDEN=1 to record it.")
        }
        guard expected != actual else { return nil }
        let expectedLines = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
        let actualLines = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
        let first =
            zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expectedLines.count, actualLines.count)
        let expectedLine = first < expectedLines.count ? expectedLines[first] : "<end>"
        let actualLine = first < actualLines.count ? actualLines[first] : "<end>"
        return Difference(
            description: """
                \(name) differs from its golden file at line \(first + 1) \
                (RECORD_GOLDEN=1 re-records after a deliberate change):
                expected: \(expectedLine.prefix(400))
                actual:   \(actualLine.prefix(400))
                """)
    }

    /// What `scripts/read-xlsx.py` (openpyxl) reads back from the workbook at `url`, as JSON.
    public static func xlsxReadBack(_ url: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.packageRoot.appendingPathComponent("scripts/read-xlsx.py").path, url.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Difference(
                description: "scripts/read-xlsx.py failed (\(process.terminationStatus)); "
                    + "it needs python3 and openpyxl, which scripts/install-dependencies installs: \(message)")
        }
        return data
    }
}
