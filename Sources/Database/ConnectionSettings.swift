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
    /// The session `search_path`; nil keeps the server's. `--include-archive` puts the views
    /// of each table with its archived months first.
    public var searchPath: String?

    public init(
        connectionString: String? = nil, statementTimeoutMilliseconds: Int? = nil,
        timeZone: String = "UTC", applicationName: String = "growth-report"
    ) {
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
        SecretMasker.withEnvironment(secrets())
    }

    /// Every password this connection string holds, parsed or as written.
    public func secrets() -> [String] {
        [passwordInConnectionString()].compactMap { $0 } + rawPasswordCandidates()
    }

    /// The password as written, found without libpq: a URL's userinfo after its first ':' or a
    /// conninfo `password=` value. It must be masked even when libpq cannot parse the string
    /// and quotes the broken part in its error.
    func rawPasswordCandidates() -> [String] {
        guard let text = connectionString else { return [] }
        var candidates: [String] = []
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let raw = String(authority[authority.index(after: colon)..<at])
                candidates.append(raw)
                if let decoded = raw.removingPercentEncoding { candidates.append(decoded) }
                // libpq may split a password at '@' or '/': mask the pieces as well.
                candidates += raw.split(whereSeparator: { $0 == "@" || $0 == "/" }).map(String.init)
            }
            if let query = text.range(of: "password=", options: .caseInsensitive) {
                candidates.append(String(text[query.upperBound...].prefix { $0 != "&" && $0 != "#" }))
            }
        } else if let keyword = text.range(of: #"password\s*=\s*"#, options: [.regularExpression, .caseInsensitive]) {
            let value = text[keyword.upperBound...]
            if value.first == "'" {
                candidates.append(String(value.dropFirst().prefix { $0 != "'" }))
            } else {
                candidates.append(String(value.prefix { !$0.isWhitespace }))
            }
        }
        return candidates.filter { !$0.isEmpty }
    }

    /// Checks the connection string with libpq's own parser, without connecting.
    /// - Throws: `DatabaseError.invalidConfiguration` with libpq's reason.
    public func validate() throws {
        try rejectAmbiguousURL()
        _ = try parsedOptions()
    }

    /// A URL whose password holds an unencoded '@' or '/' is read differently by libpq than
    /// intended (part of the password becomes a host or port, and libpq's error would quote it):
    /// refuse it without quoting anything.
    func rejectAmbiguousURL() throws {
        guard let text = connectionString, let schemeEnd = text.range(of: "://") else { return }
        let rest = text[schemeEnd.upperBound...]
        let beforeQuery = rest.prefix { $0 != "?" && $0 != "#" }
        let netloc = beforeQuery.prefix { $0 != "/" }
        let path = beforeQuery.dropFirst(netloc.count)
        let atSigns = netloc.filter { $0 == "@" }.count
        if atSigns > 1 || (path.contains("@") && netloc.contains(":")) {
            throw DatabaseError(
                .invalidConfiguration,
                message: "the user or password contains an unencoded '@' or '/'; percent-encode them (%40, %2F)")
        }
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
            let masker = SecretMasker.withEnvironment(rawPasswordCandidates())
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

    /// libpq's message on one line: a line that starts in lower case continues the sentence
    /// before it, any other starts a new one after "; ".
    static func oneLine(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var result = ""
        for line in lines {
            if !result.isEmpty { result += line.first?.isLowercase == true ? " " : "; " }
            result += line
        }
        return result
    }
}
