import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// libxlsxwriter prints its own `[ERROR] …` and `[WARNING] …` lines on stderr. While a
/// workbook is written, stderr (descriptor 2) goes into a pipe instead, so those lines reach
/// the user only folded into the tool's one error line. The tool's own messages keep going to
/// the terminal through `descriptor`.
public enum StandardErrorCapture {
    private static let lock = NSRecursiveLock()
    nonisolated(unsafe) private static var saved: Int32 = -1

    /// Where the tool writes its own stderr lines: the real stderr, also while a capture runs.
    /// Read without the lock (an aligned word), so a signal handler's line is never held up by
    /// a workbook being written.
    public static var descriptor: Int32 {
        let current = saved
        return current >= 0 ? current : 2
    }

    /// Runs `body` with stderr captured; returns its result and what the library printed
    /// (at most 64 KiB; the library's writes beyond that fail quietly). When stderr cannot be
    /// redirected, `body` runs as it is.
    static func capturing<T>(_ body: () throws -> T) -> (result: Result<T, Error>, printed: String) {
        lock.lock()
        defer { lock.unlock() }
        var pipeEnds: [Int32] = [-1, -1]
        guard saved < 0, pipe(&pipeEnds) == 0 else {
            return (Result { try body() }, "")
        }
        let (reader, writer) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(reader, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writer, F_SETFD, FD_CLOEXEC)
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
        _ = fcntl(writer, F_SETFL, fcntl(writer, F_GETFL) | O_NONBLOCK)
        fflush(nil)
        let original = dup(2)
        guard original >= 0, dup2(writer, 2) >= 0 else {
            if original >= 0 { close(original) }
            close(reader)
            close(writer)
            return (Result { try body() }, "")
        }
        _ = fcntl(original, F_SETFD, FD_CLOEXEC)
        saved = original
        let result = Result { try body() }
        fflush(nil)
        dup2(original, 2)
        close(original)
        saved = -1
        close(writer)
        var printed = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(reader, &buffer, buffer.count)
            if count <= 0 { break }
            printed.append(contentsOf: buffer[0..<count])
        }
        close(reader)
        return (result, String(decoding: printed, as: UTF8.self))
    }

    /// The library's lines as one clause: `[ERROR] workbook_close(): Error creating 'x.xlsx'.
    /// System error = No space left on device` → `Error creating 'x.xlsx'. System error = No
    /// space left on device`.
    static func clause(_ printed: String) -> String? {
        let lines = printed.split(whereSeparator: \.isNewline).map { line -> String in
            var text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = String(text[text.index(after: close)...]) }
            if let call = text.range(of: "(): ") { text = String(text[call.upperBound...]) }
            return text.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }
}
