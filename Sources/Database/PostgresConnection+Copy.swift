import CLibPQ

/// The open end of a `COPY … FROM STDIN`: send rows already in COPY text format.
public struct CopyWriter: ~Copyable {
    let connection: PostgresConnection
    let statement: String

    /// Sends bytes of COPY text (whole rows or not; the server joins them).
    public func send(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(connection.handle, $0.baseAddress, Int32($0.count)) }
        }
        guard status == 1 else { throw connection.lostConnection(statement: statement) }
    }
}

extension PostgresConnection {
    /// Bulk-loads rows with `COPY table (columns) FROM STDIN` in text format. `body` sends the
    /// rows; when it throws, the COPY is aborted and nothing it sent is kept.
    /// - Returns: the number of rows the server loaded.
    @discardableResult
    public func copyIn(
        named name: String, table: String, columns: [String],
        _ body: (borrowing CopyWriter) throws -> Void
    ) throws -> Int {
        let columnList = try columns.map(quoteIdentifier).joined(separator: ", ")
        let sql = "COPY \(try quoteIdentifier(table)) (\(columnList)) FROM STDIN"
        let start = try run(named: name, sql, parameters: [])
        PQclear(start)
        let writer = CopyWriter(connection: self, statement: name)
        do {
            try body(writer)
        } catch {
            _ = PQputCopyEnd(handle, "aborted by growth-report")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw lostConnection(statement: name) }
        let loaded = try copyResults(named: name, after: nil)
        logger.debug("copied", metadata: ["statement": "\(name)", "rows": "\(loaded)"])
        return loaded
    }

    /// The results that end a COPY: the rows the server counted, or the first error (`failure`
    /// first, when the COPY itself went wrong on this side); every result is read either way,
    /// so the connection stays usable.
    private func copyResults(named name: String, after failure: Error?) throws -> Int {
        var rows = 0
        var failure = failure
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            do {
                try check(result, statement: name)
                rows += Int(String(cString: PQcmdTuples(result))) ?? 0
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return rows
    }
}

extension PostgresConnection {
    /// Streams `COPY (query) TO STDOUT` in text format: `body` gets each chunk of COPY text as
    /// the server sends it (whole rows). The query is code text; it binds no values.
    /// - Returns: the number of rows the server sent.
    @discardableResult
    public func copyOut(named name: String, query: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let start = try run(named: name, "COPY (\(query)) TO STDOUT", parameters: [])
        PQclear(start)
        var failure: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                // After a failure of `body` the rest is read and dropped, so the connection stays usable.
                if failure == nil {
                    do { try body(UnsafeRawBufferPointer(start: buffer, count: Int(length))) } catch { failure = error }
                }
                continue
            }
            if length == -2 { throw lostConnection(statement: name) }
            break
        }
        let rows = try copyResults(named: name, after: failure)
        logger.debug("copied out", metadata: ["statement": "\(name)", "rows": "\(rows)"])
        return rows
    }
}
