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
        write("growth-report: " + visible(masker(line), newlines: " ") + "\n")
    }

    /// A progress or status line; nothing with --quiet.
    static func progress(_ line: String) {
        guard !isQuiet else { return }
        write(visible(masker(line)) + "\n")
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

    /// A result for stdout (a path written, a URL to connect to).
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((visible(masker(line)) + "\n").utf8))
    }

    /// `text` with every character a terminal would act on written out as `\u{…}`: C0 controls
    /// but tab (line breaks become `newlines` when given), DEL, C1 controls (ESC sequences lose
    /// their ESC), and the bidirectional embeddings, overrides and isolates.
    static func visible(_ text: String, newlines: String? = nil) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if let newlines, scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                if !(scalar == "\n" && previousWasCR) { result += newlines }
                continue
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
