import Database
import Foundation
import Logging

/// Progress and errors go to stderr, paths written to stdout; everything shown is masked.
enum Console {
    /// Set once the connection settings are known, before anything is printed.
    nonisolated(unsafe) static var masker = SecretMasker.withEnvironment()
    nonisolated(unsafe) static var isQuiet = false
    nonisolated(unsafe) static var logLevel: Logger.Level = .warning

    /// One line on stderr, whatever the message holds (names from the data may carry newlines).
    static func error(_ line: String) {
        let single = line.map { $0.isNewline ? " " : String($0) }.joined()
        write("growth-report: " + masker(single) + "\n")
    }

    /// A progress or status line; nothing with --quiet.
    static func progress(_ line: String) {
        guard !isQuiet else { return }
        write(masker(line) + "\n")
    }

    /// A progress line that overwrites itself on a terminal and is printed only when `final` elsewhere.
    static func transient(_ line: String, final: Bool = false) {
        guard !isQuiet else { return }
        if isatty(2) == 1 {
            write("\r\u{1B}[2K" + masker(line) + (final ? "\n" : ""))
        } else if final {
            write(masker(line) + "\n")
        }
    }

    /// A result for stdout (a path written, a URL to connect to).
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((masker(line) + "\n").utf8))
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
