import Database
import Digest
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `db archive --export DIR`: each month as `<partition>.copy.gz` (COPY text, gzip) and
/// `<partition>.copy.gz.sha256` (as `sha256sum -c` reads it). Written under a hidden name and
/// renamed when complete, so a file of that name is always whole.
struct GzipArchiveExporter: ArchiveExporter {
    let directory: URL

    func export(partition: String, copy: ((UnsafeRawBufferPointer) throws -> Void) throws -> Int) throws -> ArchiveExport {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.cannotWrite(
                "Cannot create the --export folder \(directory.path): \(error.localizedDescription). \(partition) stays where it is.")
        }
        let name = "\(partition).copy.gz"
        let file = directory.appendingPathComponent(name)
        let partial = directory.appendingPathComponent(".\(name).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil), let output = FileHandle(forWritingAtPath: partial.path) else {
            throw CommandFailure.cannotWrite("Cannot write \(partial.path) (--export). \(partition) stays where it is.")
        }
        defer { try? FileManager.default.removeItem(at: partial) }
        // A gzip that stops reading (a full disk) must fail the write, not end this process.
        signal(SIGPIPE, SIG_IGN)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-c", "-6"]
        let input = Pipe()
        gzip.standardInput = input
        gzip.standardOutput = output
        let errors = Pipe()
        gzip.standardError = errors
        try gzip.run()
        let descriptor = input.fileHandleForWriting.fileDescriptor
        var writeFailure: Int32 = 0
        let rows: Int
        do {
            rows = try copy { chunk in
                var offset = 0
                while offset < chunk.count {
                    let written = write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        writeFailure = errno
                        throw CommandFailure.cannotWrite(
                            "Cannot write the export of \(partition) (gzip stopped: \(String(cString: strerror(errno)))). \(partition) stays where it is.")
                    }
                    offset += written
                }
            }
        } catch {
            try? input.fileHandleForWriting.close()
            gzip.waitUntilExit()
            throw error
        }
        try input.fileHandleForWriting.close()
        gzip.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try output.synchronize()
        try output.close()
        guard gzip.terminationStatus == 0, writeFailure == 0 else {
            throw CommandFailure.cannotWrite(
                "Cannot write \(file.path): gzip \(message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "failed" : message.trimmingCharacters(in: .whitespacesAndNewlines)). \(partition) stays where it is."
            )
        }
        let sha256 = try Self.sha256(of: partial)
        try Self.replace(file, with: partial)
        let checksum = directory.appendingPathComponent(name + ".sha256")
        let checksumPartial = directory.appendingPathComponent(".\(name).sha256.partial")
        do {
            try Data("\(sha256)  \(name)\n".utf8).write(to: checksumPartial)
            try Self.replace(checksum, with: checksumPartial)
        } catch {
            throw CommandFailure.cannotWrite("Cannot write \(checksum.path): \(error.localizedDescription). \(partition) stays where it is.")
        }
        return ArchiveExport(file: file.path, sha256: sha256, rows: rows)
    }

    static func sha256(of file: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw CommandFailure.cannotWrite("Cannot read \(file.path) back. The month stays where it is.")
        }
        defer { try? handle.close() }
        var digest = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { digest.update($0) }
        }
        return digest.finalizeHex()
    }

    private static func replace(_ file: URL, with partial: URL) throws {
        guard rename(partial.path, file.path) == 0 else {
            throw CommandFailure.cannotWrite("Cannot rename \(partial.path) to \(file.path): \(String(cString: strerror(errno))). The month stays where it is.")
        }
    }
}
