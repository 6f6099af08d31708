import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a signal handler needs to stop the process cleanly: the staging folders of the runs
/// still open, and a gate that a commit holds while it renames files, so an interruption
/// lands before the first rename or after the last — never between two.
///
/// ```swift
/// // On SIGTERM, on a thread of its own:
/// OutputInterruption.stop()      // waits for a commit in flight, removes every staging folder
/// _exit(143)
/// ```
public enum OutputInterruption {
    // Recursive: a commit removes its own staging folder (and unregisters it) while it holds the gate.
    private static let gate = NSRecursiveLock()
    nonisolated(unsafe) private static var stagingFolders: Set<String> = []
    nonisolated(unsafe) private static var stopped = false

    /// Waits for a commit in flight, refuses every later one, and removes the staging folders
    /// of all open runs. The period folders keep what they held.
    /// - Returns: whether any run was open (had staged files or was about to).
    @discardableResult
    public static func stop() -> Bool {
        gate.lock()
        stopped = true
        let folders = stagingFolders
        stagingFolders = []
        gate.unlock()
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        return !folders.isEmpty
    }

    static func register(_ folder: URL) {
        gate.lock()
        stagingFolders.insert(folder.path)
        gate.unlock()
    }

    static func unregister(_ folder: URL) {
        gate.lock()
        stagingFolders.remove(folder.path)
        gate.unlock()
    }

    /// Runs `body` (a commit's renames) unless the process is being stopped; `stop()` waits for it.
    static func whileNotStopped<T>(_ path: String, _ body: () throws -> T) throws -> T {
        gate.lock()
        defer { gate.unlock() }
        guard !stopped else { throw OutputError(.interrupted, path: path) }
        return try body()
    }
}
