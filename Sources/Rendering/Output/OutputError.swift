import Foundation

/// Writing a run's files failed. `cannotCreateDirectory` and `cannotWrite` mean the output
/// cannot be written (the CLI's exit 73); the others are mistakes of the calling code.
public struct OutputError: Error, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// The output folder, the period folder or the staging folder cannot be made.
        case cannotCreateDirectory
        /// A file cannot be written, read back, renamed into place or its manifest replaced.
        case cannotWrite
        /// A file name that is not one plain path component (or is reserved, like `manifest.json`).
        case invalidFileName
        /// Two files of one run with the same name.
        case duplicateFile
        /// A `write(fileNamed:)` body returned without creating its file.
        case fileNotWritten
        /// The run was already committed or discarded.
        case runFinished
        /// Another run held the period folder's lock for longer than the wait allowed.
        case locked
        /// The process is being stopped by a signal; nothing more is committed.
        case interrupted
    }

    public var code: Code
    /// The path concerned.
    public var path: String
    /// The system's reason (`strerror`), when there is one.
    public var reason: String?

    public init(_ code: Code, path: String, reason: String? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    /// Whether the CLI should exit with 73 (output cannot be written).
    public var isOutputUnwritable: Bool { code == .cannotCreateDirectory || code == .cannotWrite }

    static func posix(_ code: Code, path: String, errno number: Int32 = errno) -> OutputError {
        OutputError(code, path: path, reason: String(cString: strerror(number)))
    }
}

extension OutputError: CustomStringConvertible {
    public var description: String {
        let why = reason.map { ": \($0)" } ?? ""
        return switch code {
        case .cannotCreateDirectory: "Cannot create the output folder \(path)\(why); choose another --output or fix its permissions."
        case .cannotWrite: "Cannot write \(path)\(why); check the free space and permissions of the output folder."
        case .invalidFileName: "Invalid output file name '\(path)': it must be one plain file name."
        case .duplicateFile: "The output file \(path) was written twice in one run."
        case .fileNotWritten: "The output file \(path) was not written."
        case .runFinished: "The output run for \(path) is already committed or discarded."
        case .locked: "Another growth-report run is writing \(path)\(why); try again when it has finished (or raise --lock-timeout)."
        case .interrupted: "Interrupted before \(path) was written; it holds what it held before."
        }
    }
}

extension OutputError: LocalizedError {
    public var errorDescription: String? { description }
}
