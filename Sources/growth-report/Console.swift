import Database
import Foundation
import Logging
import Rendering

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#endif

/// Progress and errors go to stderr, paths written to stdout; everything shown is masked and
/// has its terminal control characters made visible (text from the data cannot move the
/// cursor, clear the screen, set the window title or reorder a line).
enum Console {
    /// Set once the connection settings are known, before anything is printed.
    nonisolated(unsafe) static var masker = SecretMasker.withEnvironment()
    nonisolated(unsafe) static var isQuiet = false
    nonisolated(unsafe) static var logLevel: Logger.Level = .warning

    /// One line on stderr, whatever the message holds (names from the data may carry newlines).
    static func error(_ line: String) {
        write("growth-report: " + visible(masker(line), lineFeeds: .replaced(" ")) + "\n")
    }

    /// A progress or status message (it may span lines); nothing with --quiet.
    static func progress(_ line: String) {
        guard !isQuiet else { return }
        write(visible(masker(line), lineFeeds: .kept) + "\n")
    }

    /// A progress line that overwrites itself on a terminal and is printed only when `final` elsewhere.
    static func transient(_ line: String, final: Bool = false) {
        guard !isQuiet else { return }
        if isatty(2) == 1 {
            write("\r\u{1B}[2K" + visible(masker(line)) + (final ? "\n" : ""))
        } else if final {
            write(visible(masker(line)) + "\n")
        }
    }

    /// A result for stdout (a URL to connect to, the SQL a dry run would apply).
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((visible(masker(text), lineFeeds: .kept) + "\n").utf8))
    }

    /// A path written, on a line of its own whatever its name holds (scripts read one per line).
    static func outputPath(_ path: String) {
        FileHandle.standardOutput.write(Data((visible(masker(path)) + "\n").utf8))
    }

    /// What `visible` does with line breaks.
    enum LineFeeds {
        /// Every break is written out as `\u{…}`, like any other control.
        case escaped
        /// A line feed stays (the text is ours and spans lines); a carriage return, which would
        /// let a line overwrite itself, is written out.
        case kept
        /// Every break (CR LF counted once) becomes the given text: an error stays one line.
        case replaced(String)
    }

    /// `text` with every character a terminal would act on written out as `\u{…}`: C0 controls
    /// but tab (line breaks as `lineFeeds` says), DEL, C1 controls (ESC sequences lose their
    /// ESC), and the bidirectional embeddings, overrides and isolates.
    static func visible(_ text: String, lineFeeds: LineFeeds = .escaped) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch lineFeeds {
            case .kept where scalar == "\n":
                result.unicodeScalars.append(scalar)
                continue
            case .replaced(let replacement)
            where scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}":
                if !(scalar == "\n" && previousWasCR) { result += replacement }
                continue
            default:
                break
            }
            if isTerminalControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// To the real stderr, also while libxlsxwriter's output is being captured.
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(StandardErrorCapture.descriptor, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(written)
        }
    }
}
