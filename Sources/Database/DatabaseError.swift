import Foundation

/// A failure talking to PostgreSQL. Its description is one line for the user and never holds
/// a password: every message passes through `SecretMasker` before it is stored here.
public struct DatabaseError: Error, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// A malformed URL or conninfo string; nothing was sent.
        case invalidConfiguration
        /// The server could not be reached.
        case connectionFailed
        /// The server refused the user or password.
        case authenticationFailed
        /// The server answered but the database does not exist.
        case databaseMissing
        /// The connection broke while a statement ran.
        case connectionLost
        /// The server rejected a statement.
        case queryFailed
        /// A value did not fit the Swift type asked for.
        case decodingFailed
        /// A parameter cannot be sent (for example text holding a NUL byte).
        case invalidParameter
    }

    public var code: Code
    /// The statement's name, never its SQL or its values.
    public var statement: String?
    public var sqlState: String?
    /// The server's or libpq's message, masked, on one line.
    public var message: String

    public init(_ code: Code, statement: String? = nil, sqlState: String? = nil, message: String) {
        self.code = code
        self.statement = statement
        self.sqlState = sqlState
        self.message = message
    }

    /// True when the server could not be reached or refused the login: the CLI's exit code 69.
    public var isUnavailable: Bool {
        switch code {
        case .connectionFailed, .authenticationFailed, .databaseMissing, .connectionLost: true
        default: false
        }
    }

    /// A hot standby cancelled the statement, or ended the session, to replay changes from its
    /// primary (SQLSTATE 40001 on a replica: a lock or a row version that replay had to take).
    /// Our snapshots are `REPEATABLE READ READ ONLY`, which never fail serialization on a primary.
    public var isRecoveryConflict: Bool { sqlState == "40001" }
}

extension DatabaseError: LocalizedError, CustomStringConvertible {
    public var errorDescription: String? { description }

    public var description: String {
        switch code {
        case .invalidConfiguration:
            "Invalid database URL: \(message); check --database-url or DATABASE_URL."
        case .connectionFailed:
            "Could not connect to PostgreSQL: \(message); check --database-url or DATABASE_URL."
        case .authenticationFailed:
            "PostgreSQL refused the credentials: \(message); check the user and password."
        case .databaseMissing:
            "Could not connect to PostgreSQL: \(message); create the database or check --database-url."
        case .connectionLost:
            "The connection to PostgreSQL was lost\(statement.map { " during '\($0)'" } ?? ""): \(message); check that the server is up (and its log), then run the command again."
        case .queryFailed where sqlState == "57014":
            "Query '\(statement ?? "?")' was cancelled (SQLSTATE 57014): \(message); raise --statement-timeout or check the server's load."
        case .queryFailed where sqlState == "42501":
            "Query '\(statement ?? "?")' was refused (SQLSTATE 42501): \(message); connect as a role with that privilege (the tables' owner for `db` commands) or grant it."
        case .queryFailed:
            "Query '\(statement ?? "?")' failed (SQLSTATE \(sqlState ?? "none")): \(message)"
        case .decodingFailed:
            "Query '\(statement ?? "?")' returned an unexpected value: \(message)"
        case .invalidParameter:
            "Query '\(statement ?? "?")' was not sent: \(message)"
        }
    }
}
