import ArgumentParser
import Database
import Foundation
import PrivateCluster
import Rendering
import Reports

/// The one place where failures become exit codes (SPEC §5) and one line on stderr.
enum ExitStatus {
    static let success: Int32 = 0
    /// `db doctor`: the report is written and at least one check failed.
    static let checkFailed: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let internalError: Int32 = 70
    static let cannotWrite: Int32 = 73
    static let temporaryFailure: Int32 = 75
    static let noPermission: Int32 = 77
    static let interrupted: Int32 = 130
    static let terminated: Int32 = 143

    /// Every exit code with its meaning, as `--help` and the README list them (SPEC §5).
    static let table: [(code: Int32, meaning: String)] = [
        (success, "success"),
        (checkFailed, "db doctor: a check failed; check: an alert is new (the report is written)"),
        (usage, "bad usage or option value"),
        (dataError, "data that stops the report"),
        (unavailable, "database or mail server unreachable, or login refused"),
        (internalError, "internal error"),
        (cannotWrite, "output cannot be written"),
        (temporaryFailure, "try again later: statement timeout, folder locked"),
        (noPermission, "permission denied: the role lacks a privilege"),
        (interrupted, "interrupted by SIGINT; previous output intact"),
        (terminated, "terminated by SIGTERM (129: SIGHUP); same"),
    ]

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
                // Cancelled by --statement-timeout (57014), a lock wait that timed out (55P03) or a
                // replica's recovery conflict (40001): it may well work on the next try.
                if let state = error.sqlState, ["57014", "55P03", "40001"].contains(state) {
                    return (temporaryFailure, error.description)
                }
                // The role lacks a privilege (42501) or may not do this as it is (e.g. a read-only transaction, 25006).
                if let state = error.sqlState, state == "42501" || state == "25006" {
                    return (noPermission, error.description)
                }
                // The server shutting down or gone: it did not answer.
                if let state = error.sqlState, state.hasPrefix("08") || state.hasPrefix("57") {
                    return (unavailable, error.description)
                }
                return (internalError, error.description)
            case .invalidParameter: return (usage, error.description)
            }
        case let error as ClusterError:
            return (error.exitCode, error.message)
        case let error as DocumentError:
            return (internalError, error.description)
        case let error as HTMLRenderingError:
            // A document the templates cannot show is ours; a template of --templates is the user's.
            return (error.code == .invalidDocument ? internalError : usage, error.localizedDescription)
        case let error as MailHeaderError:
            return (usage, error.description)
        case let error as XLSXError where error.code == .tooLarge:
            return (dataError, error.localizedDescription)
        case let error as OutputError:
            switch error.code {
            case .locked, .interrupted: return (temporaryFailure, error.localizedDescription)
            case .cannotCreateDirectory, .cannotWrite: return (cannotWrite, error.localizedDescription)
            case .invalidFileName, .duplicateFile, .fileNotWritten, .runFinished: return (internalError, error.localizedDescription)
            }
        case let error as ReportFiles.WriteFailure:
            return (cannotWrite, error.message)
        case let error as ABTestError:
            // Weights that do not fit the test's variants are a bad option; the rest is the data.
            if case .weightsDoNotFit = error { return (usage, error.description) }
            return (dataError, error.description)
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
