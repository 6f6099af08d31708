import Foundation
import Logging

/// Writes log lines to stderr after masking passwords in the message and every metadata value.
struct MaskingLogHandler: LogHandler {
    let label: String
    /// One level for the whole run, set from --verbose / --quiet once they are parsed.
    var logLevel: Logger.Level {
        get { Console.logLevel }
        set { Console.logLevel = newValue }
    }
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "[\(event.level)] \(label): \(event.message)" + (details.isEmpty ? "" : " " + details)
        Console.write(Console.visible(Console.masker(text)) + "\n")
    }
}
