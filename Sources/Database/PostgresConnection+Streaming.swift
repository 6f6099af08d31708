import CLibPQ

extension PostgresConnection {
    /// Runs one statement and hands its rows to `body` one at a time (libpq single-row mode),
    /// so memory stays flat however many rows there are. When `body` throws, the statement is
    /// cancelled and the error passes through.
    public func forEachRow(_ statement: Statement, _ body: (PostgresRow) throws -> Void) throws {
        try forEachRow(named: statement.name, statement.sql, parameters: statement.parameters, body)
    }

    /// Runs one statement and hands its rows to `body` one at a time (see `forEachRow(_:_:)`).
    public func forEachRow(
        named name: String, _ sql: String, parameters: [PostgresValue] = [],
        _ body: (PostgresRow) throws -> Void
    ) throws {
        record(name, sql)
        let encoded = try encode(parameters, statement: name)
        let sent = Self.withOptionalCStrings(encoded.values) { valuePointers in
            PQsendQueryParams(handle, sql, Int32(parameters.count), encoded.types, valuePointers, nil, nil, 0)
        }
        guard sent == 1 else { throw lostConnection(statement: name) }
        guard PQsetSingleRowMode(handle) == 1 else {
            drainResults()
            throw DatabaseError(.queryFailed, statement: name, message: "single-row mode could not be set")
        }
        var columns: PostgresRow.Columns?
        var failure: Error?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if failure != nil { continue } // drain what remains after a failure
            do {
                try check(result, statement: name)
                guard PQresultStatus(result) == PGRES_SINGLE_TUPLE else { continue }
                let shared = columns ?? self.columns(of: result)
                columns = shared
                try body(row(0, of: result, columns: shared, statement: name))
            } catch {
                failure = error
                cancelRunningStatement()
            }
        }
        if let failure { throw failure }
    }

    /// Asks the server to stop the statement this connection is running.
    func cancelRunningStatement() {
        guard let cancel = PQgetCancel(handle) else { return }
        defer { PQfreeCancel(cancel) }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }

    func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}
