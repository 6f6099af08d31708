import Foundation
import Reports

/// `check --state FILE`: the alerts the last run reported, with their values, so that an alert
/// that still fires with the same value is not reported and mailed again ("only if changed").
///
/// JSON, written to a temporary file beside it and renamed, so a killed run leaves the old state
/// or the new one; a lock file (`FILE.lock`, `flock`) keeps two runs from reading the same state
/// and both sending. An alert that stops firing leaves the state, so it is sent when it fires
/// again.
final class CheckState {
    struct Entry: Codable, Equatable {
        var rule: String
        var subject: String
        var fingerprint: String
        var firstSent: String
    }

    struct File: Codable {
        var format: String
        var alerts: [Entry]
    }

    static let format = "growth-report check state 1"

    let url: URL
    private(set) var entries: [Entry]
    private let lock: Int32

    /// Takes the lock (waiting up to `timeout`), then reads the state; an absent file is an
    /// empty state.
    /// - Throws: `CommandFailure` (64 for a file that is not a state, 73 when it cannot be read
    ///   or the lock not made, 75 when another run holds the lock).
    init(url: URL, timeout: Duration) throws {
        self.url = url
        let lockPath = url.path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure.cannotWrite("Cannot open \(lockPath) to lock the state file: \(String(cString: strerror(errno))).")
        }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                close(descriptor)
                throw CommandFailure(
                    exitCode: ExitStatus.temporaryFailure,
                    message: "Another check run holds \(url.path) (its lock \(lockPath)); try again when it has finished.")
            }
            usleep(100_000)
        }
        lock = descriptor
        guard FileManager.default.fileExists(atPath: url.path) else {
            entries = []
            return
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            close(descriptor)
            throw CommandFailure.cannotWrite("Cannot read the state file \(url.path): \(error.localizedDescription).")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.format == Self.format else {
            close(descriptor)
            throw CommandFailure.usage(
                "\(url.path) is not a check state file (written by growth-report check --state); name another file or remove it.")
        }
        entries = file.alerts
    }

    deinit { close(lock) }

    /// What was sent, as the evaluation compares it.
    var sent: CheckSentAlerts {
        CheckSentAlerts(Dictionary(entries.map { (CheckSentAlerts.key(rule: $0.rule, subject: $0.subject), $0.fingerprint) }) { a, _ in a })
    }

    /// Records the alerts firing now (new and repeated) and forgets the rest; atomic.
    /// - Throws: `CommandFailure.cannotWrite`.
    func save(_ alerts: [CheckAlert], at time: String) throws {
        let before = Dictionary(entries.map { (CheckSentAlerts.key(rule: $0.rule, subject: $0.subject), $0) }) { a, _ in a }
        entries = alerts.map { alert in
            let previous = before[CheckSentAlerts.key(rule: alert.rule, subject: alert.subject)]
            let kept = previous?.fingerprint == alert.fingerprint ? previous?.firstSent : nil
            return Entry(rule: alert.rule, subject: alert.subject, fingerprint: alert.fingerprint, firstSent: kept ?? time)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            let data = try encoder.encode(File(format: Self.format, alerts: entries))
            try data.write(to: temporary)
            let descriptor = open(temporary.path, O_RDONLY)
            if descriptor >= 0 {
                fsync(descriptor)
                close(descriptor)
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure.cannotWrite("Cannot write the state file \(url.path): \(error.localizedDescription); the alerts will be sent again next run.")
        }
    }
}
