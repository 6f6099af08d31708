import Dispatch
import Foundation
import Rendering

#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP stop a run cleanly: a commit in flight finishes (or never
/// starts), every staging folder is removed, one line goes to stderr, and the process exits
/// with 128 + the signal's number (130, 143, 129). The period folders keep their last complete pack.
enum SignalHandling {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    /// What a command that changes the database leaves when stopped, said instead of the
    /// report files' line (set once, before the command starts its work).
    nonisolated(unsafe) static var databaseStopMessage: String?
    private static let queue = DispatchQueue(label: "growth-report.signals")

    static func install() {
        // A file-size limit (ulimit -f) makes a write fail with EFBIG, reported as exit 73,
        // instead of killing the process half way through a file.
        signal(SIGXFSZ, SIG_IGN)
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            // The default action would end the process at once; the source sees the signal instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if let message = databaseStopMessage {
                    Console.error("Stopped by \(name): \(message)")
                } else if OutputInterruption.stop() {
                    Console.error("Stopped by \(name): this run's unfinished files were removed; the output folder holds its last complete pack.")
                } else {
                    Console.error("Stopped by \(name) before any report file was written.")
                }
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
