import CLibPQ
import Foundation
import Logging

/// One libpq connection, owned by one task: the only code that calls `PQ*`.
///
/// Every value travels as a `$n` parameter (`PQexecParams`); statements carry a name that
/// errors and logs use instead of their SQL. Session settings: `DateStyle=ISO`, the report's
/// `TimeZone`, `statement_timeout` when given, `application_name=growth-report`, and `jit`
/// off: the reports' statements aggregate 10⁵–10⁶ rows, where compiling them with LLVM costs
/// more than it saves (0.3–0.6 s for the A/B counts, more as cost estimates grow with
/// history; benchmarks/results/reports-large.md has the figures).
public final class PostgresConnection {
    let handle: OpaquePointer
    let masker: SecretMasker
    let logger: Logger
    /// Each distinct statement run so far (name and SQL), for the reproducibility record.
    public private(set) var statementsRun: [(name: String, sql: String)] = []
    /// The statements of each open `recordingStatements` scope, outermost first.
    private var recorders: [[RanStatement]] = []
    /// Set while `--measure-server-time` runs its EXPLAIN ANALYZE of a statement: not recorded.
    private var isMeasuring = false
    /// When set, every query is first run under `EXPLAIN (ANALYZE, TIMING OFF)` and the server's
    /// own planning and execution time recorded in `serverTimes`: what benchmarks compare to.
    public var measuresServerTime = false
    /// Planning + execution milliseconds of each measured statement, as PostgreSQL reports them.
    public private(set) var serverTimes: [(name: String, milliseconds: Double)] = []

    /// Connects and applies the session settings.
    /// - Throws: `DatabaseError` — `.invalidConfiguration` for a malformed URL (nothing is sent),
    ///   `.connectionFailed`, `.authenticationFailed` or `.databaseMissing`.
    public init(settings: ConnectionSettings, logger: Logger = .silent("growth-report.database")) throws {
        try settings.validate()
        let masker = settings.masker()
        // With expand_dbname the connection string may hold every setting; keywords after it win,
        // so application_name is always ours, and the defaults before it yield to the user's.
        var keywords: [String] = []
        var values: [String] = []
        let namesService = (try? settings.parsedOptions()["service"]) != nil
        for (keyword, value) in Self.networkDefaults(environment: ProcessInfo.processInfo.environment, namesService: namesService) {
            keywords.append(keyword)
            values.append(value)
        }
        if let connectionString = settings.connectionString {
            keywords.append("dbname")
            values.append(connectionString)
        }
        keywords.append("application_name")
        values.append(settings.applicationName)
        let connection = Self.withCStringArrays(keywords, values) { keywordPointers, valuePointers in
            PQconnectdbParams(keywordPointers, valuePointers, 1)
        }
        guard let connection else {
            throw DatabaseError(.connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = masker(ConnectionSettings.oneLine(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw DatabaseError(Self.classifyConnectionFailure(message), message: message)
        }
        self.handle = connection
        self.masker = masker
        self.logger = logger
        logger.debug("connected", metadata: ["target": "\(masker(target))"])
        var parameters: [PostgresValue] = [.text(settings.timeZone)]
        // Server notices ("relation … already exists, skipping") go to the debug log, not stderr.
        PQsetNoticeProcessor(
            connection,
            { context, message in
                guard let context, let message else { return }
                let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
                connection.logger.debug(
                    "server notice", metadata: ["notice": "\(connection.masker(String(cString: message)).trimmingCharacters(in: .whitespacesAndNewlines))"])
            }, Unmanaged.passUnretained(self).toOpaque())
        var sql =
            "SELECT set_config('DateStyle', 'ISO, MDY', false), set_config('IntervalStyle', 'postgres', false), "
            + "set_config('extra_float_digits', '3', false), set_config('client_min_messages', 'warning', false), "
            + "set_config('TimeZone', $1, false), set_config('jit', 'off', false)"
        // A run stopped by a signal (or killed) ends its query within seconds: the server checks
        // that the client is still there instead of finishing a statement nobody will read.
        if serverVersion >= 140000 { sql += ", set_config('client_connection_check_interval', '5s', false)" }
        if let timeout = settings.statementTimeoutMilliseconds {
            sql += ", set_config('statement_timeout', $2, false)"
            parameters.append(.text("\(timeout)ms"))
        }
        if let searchPath = settings.searchPath {
            sql += ", set_config('search_path', $\(parameters.count + 1), false)"
            parameters.append(.text(searchPath))
        }
        try execute(named: "session_settings", sql, parameters: parameters)
    }

    deinit { PQfinish(handle) }

    /// `user@host:port/database` of the live connection, without the password.
    public var target: String {
        func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
        return "\(text(PQuser(handle)))@\(text(PQhost(handle))):\(text(PQport(handle)))/\(text(PQdb(handle)))"
    }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ statement: Statement) throws -> [PostgresRow] {
        try query(named: statement.name, statement.sql, parameters: statement.parameters)
    }

    /// Runs one statement and maps each row.
    public func query<T>(_ statement: Statement, _ transform: (PostgresRow) throws -> T) throws -> [T] {
        try query(statement).map(transform)
    }

    /// Runs one statement for its effect; returns the number of rows it touched.
    @discardableResult
    public func execute(_ statement: Statement) throws -> Int {
        try execute(named: statement.name, statement.sql, parameters: statement.parameters)
    }

    /// Runs `body` and returns, with its value, every distinct statement it ran (name and SQL,
    /// in the order first run): one report's own record, whatever ran before or beside it.
    /// Scopes nest; a statement counts in every scope open when it runs.
    public func recordingStatements<T>(_ body: () throws -> T) throws -> (value: T, statements: [RanStatement]) {
        let depth = recorders.count
        recorders.append([])
        defer { recorders.removeLast(recorders.count - depth) }
        let value = try body()
        return (value, recorders[depth])
    }

    /// Adds statements that ran earlier (for a model now reused) to every open scope, in place,
    /// as if they ran now.
    public func recordReused(_ statements: [RanStatement]) {
        for statement in statements {
            for index in recorders.indices where !recorders[index].contains(statement) { recorders[index].append(statement) }
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(named name: String, _ sql: String, parameters: [PostgresValue] = []) throws -> [PostgresRow] {
        let result = try run(named: name, sql, parameters: parameters)
        defer { PQclear(result) }
        return rows(of: result, statement: name)
    }

    /// Runs one statement and maps each row.
    public func query<T>(
        named name: String, _ sql: String, parameters: [PostgresValue] = [],
        _ transform: (PostgresRow) throws -> T
    ) throws -> [T] {
        try query(named: name, sql, parameters: parameters).map(transform)
    }

    /// Runs one statement for its effect; returns the number of rows it touched.
    @discardableResult
    public func execute(named name: String, _ sql: String, parameters: [PostgresValue] = []) throws -> Int {
        let result = try run(named: name, sql, parameters: parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs a fixed script of several statements with no values in it (DDL). Values never go
    /// through here: a script takes no parameters.
    public func executeScript(named name: String, _ sql: String) throws {
        record(name, sql)
        let start = ContinuousClock.now
        guard let result = PQexec(handle, sql) else { throw lostConnection(statement: name) }
        defer { PQclear(result) }
        try check(result, statement: name)
        logger.debug("ran", metadata: ["statement": "\(name)", "ms": "\(Self.milliseconds(since: start))"])
    }

    /// Quotes an identifier that comes from code (a table or column name), as libpq does.
    public func quoteIdentifier(_ identifier: String) throws -> String {
        guard let pointer = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
            throw DatabaseError(.invalidParameter, message: "cannot quote identifier '\(identifier)'")
        }
        defer { PQfreemem(pointer) }
        return String(cString: pointer)
    }

    // MARK: - Internals shared by the extensions

    func run(named name: String, _ sql: String, parameters: [PostgresValue]) throws -> OpaquePointer {
        record(name, sql)
        if measuresServerTime, Self.isQuery(sql) { try measureServerTime(named: name, sql, parameters: parameters) }
        let encoded = try encode(parameters, statement: name)
        let start = ContinuousClock.now
        let result = Self.withOptionalCStrings(encoded.values) { valuePointers in
            PQexecParams(handle, sql, Int32(parameters.count), encoded.types, valuePointers, nil, nil, 0)
        }
        guard let result else { throw lostConnection(statement: name) }
        do { try check(result, statement: name) } catch {
            PQclear(result)
            throw error
        }
        logger.debug("ran", metadata: ["statement": "\(name)", "ms": "\(Self.milliseconds(since: start))"])
        return result
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> String {
        String(format: "%.1f", (ContinuousClock.now - start).seconds * 1000)
    }

    static func isQuery(_ sql: String) -> Bool {
        let head = sql.drop { $0.isWhitespace }.prefix(6).uppercased()
        return head.hasPrefix("SELECT") || head.hasPrefix("WITH")
    }

    private func measureServerTime(named name: String, _ sql: String, parameters: [PostgresValue]) throws {
        measuresServerTime = false
        isMeasuring = true
        defer {
            measuresServerTime = true
            isMeasuring = false
        }
        let plan = try query(named: "explain_\(name)", "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, parameters: parameters)
        guard let text = try plan.first?.decodeIfPresent("QUERY PLAN", as: String.self),
            let first = (try? JSONDecoder().decode([ExplainedTimes].self, from: Data(text.utf8)))?.first
        else { return }
        serverTimes.append((name, first.planningTime + first.executionTime))
    }

    /// The times in one plan of `EXPLAIN (ANALYZE, FORMAT JSON)`, in milliseconds.
    private struct ExplainedTimes: Decodable {
        var planningTime: Double
        var executionTime: Double

        enum CodingKeys: String, CodingKey {
            case planningTime = "Planning Time"
            case executionTime = "Execution Time"
        }
    }

    func record(_ name: String, _ sql: String) {
        if isMeasuring { return } // a measurement, not part of the report
        if !statementsRun.contains(where: { $0.name == name && $0.sql == sql }) { statementsRun.append((name, sql)) }
        let ran = RanStatement(name: name, sql: sql)
        for index in recorders.indices where !recorders[index].contains(ran) { recorders[index].append(ran) }
    }

    func encode(_ parameters: [PostgresValue], statement: String) throws -> (types: [UInt32], values: [String?]) {
        var types: [UInt32] = []
        var values: [String?] = []
        for (index, parameter) in parameters.enumerated() {
            let text = parameter.encoded
            if let text, text.utf8.contains(0) {
                throw DatabaseError(
                    .invalidParameter, statement: statement,
                    message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot hold")
            }
            types.append(parameter.typeOID)
            values.append(text)
        }
        return (types, values)
    }

    /// Throws when `result` is an error; the message is masked and on one line.
    func check(_ result: OpaquePointer, statement: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_EMPTY_QUERY:
            return
        default:
            func field(_ code: Int32) -> String? {
                PQresultErrorField(result, code).map { String(cString: $0) }
            }
            let sqlState = field(Int32(UInt8(ascii: "C")))
            // A FATAL error ends the session: lost, but its SQLSTATE still says why (a replica's
            // recovery conflict terminates an idle transaction with 40001).
            if PQstatus(handle) != CONNECTION_OK {
                var lost = lostConnection(statement: statement)
                lost.sqlState = sqlState
                throw lost
            }
            var message = field(Int32(UInt8(ascii: "M"))) ?? String(cString: PQresultErrorMessage(result))
            if let detail = field(Int32(UInt8(ascii: "D"))) { message += " (\(detail))" }
            throw DatabaseError(
                .queryFailed, statement: statement, sqlState: sqlState,
                message: masker(ConnectionSettings.oneLine(message)))
        }
    }

    func lostConnection(statement: String) -> DatabaseError {
        let message = masker(ConnectionSettings.oneLine(String(cString: PQerrorMessage(handle))))
        return DatabaseError(
            .connectionLost, statement: statement,
            message: message.isEmpty ? "no answer from the server" : message)
    }

    func rows(of result: OpaquePointer, statement: String) -> [PostgresRow] {
        let columns = self.columns(of: result)
        let rowCount = PQntuples(result)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount { rows.append(self.row(row, of: result, columns: columns, statement: statement)) }
        return rows
    }

    func columns(of result: OpaquePointer) -> PostgresRow.Columns {
        PostgresRow.Columns(names: (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) })
    }

    func row(_ row: Int32, of result: OpaquePointer, columns: PostgresRow.Columns, statement: String) -> PostgresRow {
        var values: [String?] = []
        values.reserveCapacity(columns.names.count)
        for column in 0..<Int32(columns.names.count) {
            if PQgetisnull(result, row, column) == 1 {
                values.append(nil)
            } else {
                let length = Int(PQgetlength(result, row, column))
                let pointer = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                values.append(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
            }
        }
        return PostgresRow(columns: columns, values: values, statement: statement)
    }

    static func classifyConnectionFailure(_ message: String) -> DatabaseError.Code {
        let lowered = message.lowercased()
        // Option values libpq checks only when it connects ("port=notaport"): still a malformed URL.
        let malformed = [
            "invalid integer value", "invalid port number", "invalid connection option", "invalid value for parameter",
            "invalid sslmode value", "invalid target_session_attrs value", "invalid gssencmode value",
        ]
        if malformed.contains(where: lowered.contains) { return .invalidConfiguration }
        if lowered.contains("database \"") && lowered.contains("does not exist") { return .databaseMissing }
        let authentication = [
            "password authentication failed", "no password supplied", "authentication failed",
            "role \"", "pg_hba.conf", "password is required", "peer authentication",
        ]
        if authentication.contains(where: lowered.contains) { return .authenticationFailed }
        return .connectionFailed
    }

    /// A server that vanishes from the network must not leave a cron job waiting for hours on
    /// TCP's own timeouts: connecting gives up after 30 s (unless `PGCONNECT_TIMEOUT` says
    /// otherwise), and keepalives find a dead peer within about two minutes while a long
    /// statement runs. A connection string's own values win; Unix sockets ignore keepalives.
    /// With a service (`service=` or `PGSERVICE`) there are none: libpq fills only what is still
    /// unset from `pg_service.conf`, and its values must win too.
    static func networkDefaults(environment: [String: String], namesService: Bool = false) -> [(String, String)] {
        if namesService || environment["PGSERVICE"]?.isEmpty == false { return [] }
        var defaults = [("keepalives", "1"), ("keepalives_idle", "60"), ("keepalives_interval", "10"), ("keepalives_count", "6")]
        if environment["PGCONNECT_TIMEOUT"] == nil { defaults.append(("connect_timeout", "30")) }
        return defaults
    }

    /// The value libpq uses for `keyword` on this connection (for tests of the defaults).
    func option(_ keyword: String) -> String? {
        guard let options = PQconninfo(handle) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let name = option.pointee.keyword {
            if String(cString: name) == keyword { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    static func withCStringArrays<R>(
        _ keywords: [String], _ values: [String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let keywordCopies = keywords.map { strdup($0) } + [nil]
        let valueCopies = values.map { strdup($0) } + [nil]
        defer { (keywordCopies + valueCopies).forEach { free($0) } }
        let keywordPointers = keywordCopies.map { UnsafePointer($0) }
        let valuePointers = valueCopies.map { UnsafePointer($0) }
        return keywordPointers.withUnsafeBufferPointer { k in
            valuePointers.withUnsafeBufferPointer { v in body(k.baseAddress!, v.baseAddress!) }
        }
    }

    static func withOptionalCStrings<R>(_ values: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = values.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// A statement that ran: its name and SQL (its values are data and stay out of records).
public struct RanStatement: Sendable, Equatable, Hashable {
    public var name: String
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}
