import Foundation
import TestSupport
import Testing

/// The sources keep the checked-in `.swift-format` layout: `swift format lint --strict` finds
/// nothing. After an edit, `swift format -i -r Sources Tests Package.swift` applies it.
@Suite struct SourceFormatTests {
    @Test func theSourcesAreFormatted() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "format", "lint", "--strict", "--recursive", "Sources", "Tests", "Package.swift"]
        process.currentDirectoryURL = TestDatabase.packageRoot
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "swift format lint found (run swift format -i -r Sources Tests Package.swift):\n\(report.prefix(4000))")
    }
}
