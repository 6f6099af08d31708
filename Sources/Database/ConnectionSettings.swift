import CLibPQ
import Foundation

/// Where to connect and how: a URL or conninfo string, or nothing (libpq's `PG*` variables
/// and `.pgpass`), plus the session settings every connection gets.
public struct ConnectionSettings: Sendable {
    /// `postgresql://…` or `host=… dbname=…`; nil leaves everything to libpq's environment.
    public var connectionString: String?
    /// `statement_timeout` in milliseconds; nil keeps the server's.
    public var statementTimeoutMilliseconds: Int?
    /// The session `TimeZone`, an IANA name; timestamps are decoded with their offset either way.
    public var timeZone: String
    public var applicationName: String

    public init(connectionString: String? = nil, statementTimeoutMilliseconds: Int? = nil,
                timeZone: String = "UTC", applicationName: String = "growth-report") {
        self.connectionString = connectionString
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.timeZone = timeZone
        self.applicationName = applicationName
    }

    /// The password written in the connection string, if any, so it can be masked.
    public func passwordInConnectionString() -> String? {
        (try? parsedOptions())?["password"]
    }

    /// The masker for everything this connection may print.
    public func masker() -> SecretMasker {
        SecretMasker.withEnvironment([passwordInConnectionString()].compactMap { $0 })
    }

    /// Checks the connection string with libpq's own parser, without connecting.
    /// - Throws: `DatabaseError.invalidConfiguration` with libpq's reason.
    public func validate() throws {
        _ = try parsedOptions()
    }

    /// The options libpq reads from the connection string (keyword → value), empty without one.
    public func parsedOptions() throws -> [String: String] {
        guard let connectionString else { return [:] }
        if connectionString.utf8.contains(0) {
            throw DatabaseError(.invalidConfiguration, message: "it contains a NUL byte")
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "libpq could not parse it"
            if let errorMessage { PQfreemem(errorMessage) }
            // libpq's reasons quote parts of the string; mask before anything keeps them.
            let masker = SecretMasker.withEnvironment()
            throw DatabaseError(.invalidConfiguration, message: masker(Self.oneLine(reason)))
        }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { result[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return result
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
