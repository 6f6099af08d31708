import ArgumentParser
import Database
import Foundation

/// The one place where failures become exit codes (SPEC §5) and one line on stderr.
enum ExitStatus {
    static let success: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let internalError: Int32 = 70
    static let cannotWrite: Int32 = 73

    /// Prints `error` as one line (help and version requests as ArgumentParser does) and
    /// returns the exit code.
    static func report(_ error: Error) -> Int32 {
        let (code, message) = classify(error)
        guard let message else {
            // --help, --version and other clean exits print what ArgumentParser prepared.
            let text = GrowthReport.fullMessage(for: error)
            if !text.isEmpty { print(text) }
            return GrowthReport.exitCode(for: error).rawValue
        }
        Console.error(Console.masker(message))
        return code
    }

    static func classify(_ error: Error) -> (Int32, String?) {
        switch error {
        case let error as DatabaseError:
            switch error.code {
            case .invalidConfiguration: return (usage, error.description)
            case .connectionFailed, .authenticationFailed, .databaseMissing, .connectionLost:
                return (unavailable, error.description)
            case .decodingFailed: return (dataError, error.description)
            case .queryFailed:
                // A table or column missing: the database was not migrated (or differs).
                if error.sqlState == "42P01" || error.sqlState == "42703" {
                    return (dataError, error.description + "; is the database migrated? Run `growth-report db migrate`.")
                }
                // Cancelled by statement_timeout (57014), or the server shutting down: it did not answer.
                if let state = error.sqlState, state.hasPrefix("08") || state.hasPrefix("57") {
                    return (unavailable, error.description)
                }
                return (internalError, error.description)
            case .invalidParameter: return (usage, error.description)
            }
        case let error as ClusterError:
            return (error.exitCode, error.message)
        case let error as SchemaMismatch:
            return (dataError, error.description)
        case let error as CommandFailure:
            return (error.exitCode, error.message)
        case let error as CocoaError where error.code == .fileWriteNoPermission || error.code == .fileWriteVolumeReadOnly:
            return (cannotWrite, "Cannot write: \(error.localizedDescription)")
        default:
            if GrowthReport.exitCode(for: error) == .success { return (0, nil) }
            if GrowthReport.exitCode(for: error) == .validationFailure {
                // ArgumentParser's message without its usage block: one line.
                let text = GrowthReport.message(for: error)
                let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
                return (usage, line + " (see --help)")
            }
            if error is ExitCode { return (GrowthReport.exitCode(for: error).rawValue, nil) }
            return (internalError, "Internal error: \(error)")
        }
    }
}

/// A failure the CLI itself detects, with its exit code and one-line message.
struct CommandFailure: Error {
    var exitCode: Int32
    var message: String

    static func usage(_ message: String) -> CommandFailure { CommandFailure(exitCode: ExitStatus.usage, message: message) }
    static func data(_ message: String) -> CommandFailure { CommandFailure(exitCode: ExitStatus.dataError, message: message) }
    static func cannotWrite(_ message: String) -> CommandFailure { CommandFailure(exitCode: ExitStatus.cannotWrite, message: message) }
}
