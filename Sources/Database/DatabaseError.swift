import Foundation

/// A failure talking to PostgreSQL. Its description is one line for the user and never holds
/// a password; `debugDescription` adds the server's detail, still masked.
public struct DatabaseError: Error, Sendable {
    public enum Code: Sendable, Equatable {
        case invalidConfiguration, connectionFailed, authenticationFailed, databaseMissing
        case queryFailed, decodingFailed, invalidParameter, copyFailed, connectionLost
    }

    public var code: Code
    /// The statement's name, never its SQL or its values.
    public var statement: String?
    public var sqlState: String?
    public var message: String

    public init(_ code: Code, statement: String? = nil, sqlState: String? = nil, message: String) {
        self.code = code
        self.statement = statement
        self.sqlState = sqlState
        self.message = message
    }
}
