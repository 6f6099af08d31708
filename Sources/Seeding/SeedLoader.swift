import Database
import Foundation

/// Loads a `SeedPlan` into a migrated database with `COPY … FROM STDIN`, all tables in one
/// transaction: an interrupted or failed seed leaves the database as it was.
public struct SeedLoader {
    public enum Mode: Sendable {
        /// Refuse a database whose tables hold rows.
        case emptyOnly
        /// Add to what is there (partner-day costs add up; real-time metrics are replaced).
        case append
        /// Empty the six tables first, in the same transaction.
        case replace
    }

    /// What one table's load did.
    public struct TableResult: Sendable {
        public var table: String
        public var rows: Int
        public var seconds: Double
    }

    /// Rows sent so far for a table, and whether the table is done.
    public typealias Progress = (_ table: String, _ rowsSent: Int, _ rowCount: Int, _ elapsed: Double, _ isFinished: Bool) -> Void

    let plan: SeedPlan
    let mode: Mode
    let rowsPerChunk: Int

    public init(plan: SeedPlan, mode: Mode, rowsPerChunk: Int = 8192) {
        self.plan = plan
        self.mode = mode
        self.rowsPerChunk = rowsPerChunk
    }

    /// Loads every table of the plan.
    /// - Throws: `SeedError` when the database is not migrated, holds data (mode `.emptyOnly`)
    ///   or already holds this seed's rows (`.append`); `DatabaseError` from PostgreSQL.
    @discardableResult
    public func load(into connection: PostgresConnection, progress: Progress = { _, _, _, _, _ in }) throws -> [TableResult] {
        do {
            try SchemaCheck.verify(on: connection)
        } catch let mismatch as SchemaMismatch {
            throw SeedError.notMigrated(mismatch.description)
        }
        let results = try connection.transaction { () -> [TableResult] in
            try prepare(connection)
            // Room for the index builds after each table's load (this transaction only).
            try connection.executeScript(named: "seed_index_memory", "SET LOCAL maintenance_work_mem = '256MB'")
            var results: [TableResult] = []
            for generator in plan.generators {
                results.append(try load(generator, into: connection, progress: progress))
            }
            return results
        }
        // Fresh statistics, so the first report after a seed gets good plans. This backend's
        // row counts reach the statistics views up to a second after the commit; flushed first,
        // they are not added on top of the counters ANALYZE resets (PostgreSQL 15 and later).
        if connection.serverVersion >= 150_000 {
            try connection.executeScript(named: "seed_flush_statistics", "SELECT pg_stat_force_next_flush()")
        }
        for table in Schema.tables {
            try connection.executeScript(named: "analyze_\(table)", "ANALYZE \(try connection.quoteIdentifier(table))")
        }
        return results
    }

    private func prepare(_ connection: PostgresConnection) throws {
        switch mode {
        case .replace:
            let tables = try Schema.tables.map(connection.quoteIdentifier).joined(separator: ", ")
            try connection.executeScript(named: "seed_truncate", "TRUNCATE \(tables)")
        case .emptyOnly:
            let populated = try Schema.tables.filter { try hasRows($0, connection) }
            if !populated.isEmpty { throw SeedError.notEmpty(populated) }
        case .append:
            // Rows are keyed by ids derived from the seed: the same seed twice would collide.
            for generator in plan.generators where generator.table != "real_time_metrics" {
                guard let id = firstID(of: generator) else { continue }
                let rows = try connection.query(
                    named: "seed_id_present",
                    "SELECT EXISTS (SELECT 1 FROM \(try connection.quoteIdentifier(generator.table)) WHERE id = $1) AS present",
                    parameters: [.uuid(id)])
                if try rows.first?.decode("present", as: Bool.self) == true { throw SeedError.seedAlreadyLoaded(plan.seed) }
            }
        }
    }

    private func hasRows(_ table: String, _ connection: PostgresConnection) throws -> Bool {
        let rows = try connection.query(
            named: "seed_table_has_rows",
            "SELECT EXISTS (SELECT 1 FROM \(try connection.quoteIdentifier(table))) AS present")
        return try rows.first?.decode("present", as: Bool.self) ?? false
    }

    /// The id of a generator's first row (its first column when that is `id`).
    private func firstID(of generator: any TableGenerator) -> UUID? {
        guard generator.rowCount > 0, generator.columns.first == "id" else { return nil }
        var buffer: [UInt8] = []
        generator.appendRows(0..<1, to: &buffer)
        let field = buffer.prefix { $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\n") }
        return UUID(uuidString: String(decoding: field, as: UTF8.self))
    }

    private func load(
        _ generator: any TableGenerator, into connection: PostgresConnection,
        progress: Progress
    ) throws -> TableResult {
        let start = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - start).seconds }
        // Tables with a natural key get merged on --append: COPY into a staging copy, then upsert.
        let upsert = mode == .append ? Self.appendUpsert[generator.table] : nil
        let target = upsert == nil ? generator.table : "seed_staging_\(generator.table)"
        if upsert != nil {
            try connection.executeScript(
                named: "seed_staging_\(generator.table)",
                """
                CREATE TEMP TABLE \(target) (LIKE \(generator.table) INCLUDING DEFAULTS) ON COMMIT DROP
                """)
        }
        // A table filled from empty gets its report indexes built once after the load: one sort
        // per index instead of a random b-tree descent per row. Same transaction, so nobody sees
        // the table without them; the primary key and unique keys stay, they guard the rows.
        let rebuilt = mode == .append ? [] : Schema.indexes.filter { $0.table == generator.table }
        for index in rebuilt {
            try connection.executeScript(named: "seed_drop_\(index.name)", "DROP INDEX IF EXISTS \(index.name)")
        }
        let queue = ChunkQueue(capacity: 4)
        let chunkRows = rowsPerChunk
        let producer = Thread {
            var next = 0
            while next < generator.rowCount {
                let end = min(next + chunkRows, generator.rowCount)
                var buffer: [UInt8] = []
                buffer.reserveCapacity(chunkRows * 160)
                generator.appendRows(next..<end, to: &buffer)
                guard queue.push(.init(bytes: buffer, rows: end - next)) else { break }
                next = end
            }
            queue.finish()
        }
        producer.stackSize = 1 << 20
        producer.start()
        var sent = 0
        var lastReport = 0.0
        let loaded: Int
        do {
            loaded = try connection.copyIn(named: "seed_copy_\(generator.table)", table: target, columns: generator.columns) { writer in
                while let chunk = queue.pop() {
                    try writer.send(chunk.bytes)
                    sent += chunk.rows
                    let now = elapsed()
                    if now - lastReport >= 0.5 {
                        lastReport = now
                        progress(generator.table, sent, generator.rowCount, now, false)
                    }
                }
            }
        } catch {
            queue.cancel()
            throw error
        }
        if let upsert {
            let columns = generator.columns.joined(separator: ", ")
            try connection.executeScript(
                named: "seed_merge_\(generator.table)",
                "INSERT INTO \(generator.table) (\(columns)) SELECT \(columns) FROM \(target) \(upsert)")
        }
        for index in rebuilt {
            try connection.executeScript(named: "seed_index_\(index.name)", index.createStatement(concurrently: false))
        }
        let seconds = elapsed()
        progress(generator.table, loaded, generator.rowCount, seconds, true)
        return TableResult(table: generator.table, rows: loaded, seconds: seconds)
    }

    /// How `--append` merges rows whose natural key is already present.
    static let appendUpsert: [String: String] = [
        "real_time_metrics": """
        ON CONFLICT (metric_name) DO UPDATE SET metric_value = EXCLUDED.metric_value,
          metric_metadata = EXCLUDED.metric_metadata, last_updated = EXCLUDED.last_updated
        """,
        "partner_costs": """
        ON CONFLICT (partner_name, analytics_period) DO UPDATE SET cost = partner_costs.cost + EXCLUDED.cost
        """,
    ]
}

/// Why `db seed` would not load.
public enum SeedError: Error, Sendable, CustomStringConvertible {
    case notMigrated(String)
    case notEmpty([String])
    case seedAlreadyLoaded(UInt64)

    public var description: String {
        switch self {
        case .notMigrated(let reason):
            "The database is not ready for seeding. \(reason)"
        case .notEmpty(let tables):
            "The database already holds data (\(tables.joined(separator: ", "))); pass --append to add to it or --replace to empty the tables first."
        case .seedAlreadyLoaded(let seed):
            "Rows of --seed \(seed) are already in the database; use another --seed, or --replace."
        }
    }
}
