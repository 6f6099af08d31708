import Foundation
import Logging

/// Applies `Schema.migrations` to a database: idempotent, never dropping or rewriting data.
///
/// Tables and the indexes of empty tables are created in one transaction, which also records
/// the migrations it completed; if anything fails there, nothing is left behind. An index on a
/// table that already holds rows is built with `CREATE INDEX CONCURRENTLY` afterwards, outside
/// any transaction, so writers are never blocked; a concurrent build that was interrupted
/// leaves an invalid index, which the next run drops and builds again. Two runs at once are
/// serialised by an advisory lock.
public struct Migrator {
    public struct Outcome: Sendable, Equatable {
        /// Versions applied by this run.
        public var applied: [Int] = []
        /// Indexes built by this run.
        public var indexesBuilt: [String] = []
        /// Migrations applied earlier whose definition has changed since.
        public var changedSinceApplied: [Int] = []
        /// Month partitions created ahead for tables `db partition` converted.
        public var partitionsCreated: [String] = []
    }

    public static let historyTable = "growth_report_migrations"
    static let lockKey = 7_402_113_509 // an arbitrary constant shared by every growth-report migrate

    let migrations: [Migration]
    let logger: Logger

    public init(migrations: [Migration] = Schema.migrations, logger: Logger = .silent("growth-report.migrate")) {
        self.migrations = migrations
        self.logger = logger
    }

    /// The SQL a run would execute on this database, in order, without changing anything.
    public func pendingSQL(on connection: PostgresConnection) throws -> String {
        let applied = try appliedChecksums(on: connection)
        var script = "-- growth-report db migrate (dry run): nothing has been changed.\n"
        script +=
            "CREATE TABLE IF NOT EXISTS \(Self.historyTable) (version integer PRIMARY KEY, name text NOT NULL, "
            + "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());\n"
        for migration in migrations where applied[migration.version] == nil {
            script += "\n-- migration \(migration.version): \(migration.name)\n"
            if migration.indexes.isEmpty {
                script += migration.sql + "\n"
            } else {
                for index in migration.indexes {
                    let concurrently = try tableHasRows(index.table, on: connection)
                    script += index.createStatement(concurrently: concurrently) + "\n"
                }
            }
        }
        var repairs: [IndexDefinition] = []
        for migration in migrations where applied[migration.version] != nil {
            for index in migration.indexes where try tableExists(index.table, on: connection) {
                if try !indexExists(index.name, on: connection) || !indexIsValid(index, on: connection) { repairs.append(index) }
            }
        }
        if !repairs.isEmpty {
            script += "\n-- indexes of applied migrations that are missing or invalid, built again\n"
            for index in repairs {
                if try PartitionMaintenance(connection: connection).relationKind(index.table) == "p" {
                    script += "-- \(index.reason)\nCREATE INDEX IF NOT EXISTS \(index.name) ON ONLY \(index.table) \(index.columns);\n"
                    script += "-- then on each partition CREATE INDEX CONCURRENTLY and ALTER INDEX \(index.name) ATTACH PARTITION\n"
                } else {
                    script += index.createStatement(concurrently: true) + "\n"
                }
            }
        }
        let maintenance = PartitionMaintenance(connection: connection)
        var months: [String] = []
        for (table, ahead) in try maintenance.registered() where try maintenance.isPartitioned(table) {
            months += try maintenance.missingMonths(of: table, monthsAhead: ahead).map(table.partitionName)
        }
        if !months.isEmpty {
            script += "\n-- the next months' partitions of tables db partition converted, each created and attached:\n"
            script += months.map { "--   \($0)\n" }.joined()
        }
        if applied.count == migrations.count && repairs.isEmpty && months.isEmpty { script += "\n-- every migration is applied; nothing to do.\n" }
        return script
    }

    /// Applies whatever is missing.
    @discardableResult
    public func migrate(on connection: PostgresConnection) throws -> Outcome {
        // Poll rather than block: a session waiting in pg_advisory_lock holds a snapshot that a
        // concurrent CREATE INDEX CONCURRENTLY of the other run would wait for (a deadlock).
        var announced = false
        while try connection.query(
            named: "migrate_lock", "SELECT pg_try_advisory_lock($1) AS locked",
            parameters: [.int(Self.lockKey)]
        ).first?.decode("locked", as: Bool.self) != true {
            if !announced {
                logger.info("waiting for another growth-report db migrate to finish")
                announced = true
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        defer { _ = try? connection.execute(named: "migrate_unlock", "SELECT pg_advisory_unlock($1)", parameters: [.int(Self.lockKey)]) }

        var outcome = Outcome()
        var deferredIndexes: [IndexDefinition] = []
        var deferredVersions: [Migration] = []
        try connection.transaction {
            try connection.executeScript(
                named: "migrate_history_table",
                """
                CREATE TABLE IF NOT EXISTS \(Self.historyTable) (
                  version integer PRIMARY KEY,
                  name text NOT NULL,
                  checksum text NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let applied = try appliedChecksums(on: connection)
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    if checksum != migration.checksum { outcome.changedSinceApplied.append(migration.version) }
                    // An index of an applied migration that was dropped since (or left invalid) is
                    // built again, concurrently, so `db migrate` repairs what `db doctor` finds.
                    for index in migration.indexes where try tableExists(index.table, on: connection) {
                        deferredIndexes.append(index)
                    }
                    continue
                }
                if migration.indexes.isEmpty {
                    logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    try connection.executeScript(named: "migration_\(migration.version)_\(migration.name)", migration.sql)
                    try record(migration, on: connection)
                    outcome.applied.append(migration.version)
                    continue
                }
                // Indexes name columns: a table that differs from the schema is reported as such.
                try SchemaCheck.verify(on: connection, requireAll: false)
                var concurrent: [IndexDefinition] = []
                for index in migration.indexes {
                    if try tableHasRows(index.table, on: connection) {
                        concurrent.append(index)
                    } else {
                        try dropIfInvalid(index, on: connection, concurrently: false)
                        if try !indexExists(index.name, on: connection) {
                            try connection.executeScript(named: "index_\(index.name)", index.createStatement(concurrently: false))
                            outcome.indexesBuilt.append(index.name)
                        }
                    }
                }
                if concurrent.isEmpty {
                    try record(migration, on: connection)
                    outcome.applied.append(migration.version)
                } else {
                    deferredIndexes += concurrent
                    deferredVersions.append(migration)
                }
            }
        }
        // Outside the transaction: CREATE INDEX CONCURRENTLY cannot run inside one.
        let maintenance = PartitionMaintenance(connection: connection)
        for index in deferredIndexes {
            if try maintenance.relationKind(index.table) == "p" {
                if try !indexExists(index.name, on: connection) || !indexIsValid(index, on: connection) {
                    logger.info("building a partitioned index partition by partition", metadata: ["index": "\(index.name)"])
                    try buildOnPartitions(index, on: connection)
                    outcome.indexesBuilt.append(index.name)
                }
                continue
            }
            try dropIfInvalid(index, on: connection, concurrently: true)
            if try !indexExists(index.name, on: connection) {
                logger.info("building index concurrently", metadata: ["index": "\(index.name)"])
                try connection.executeScript(named: "index_\(index.name)", index.createStatement(concurrently: true))
                outcome.indexesBuilt.append(index.name)
            }
        }
        for migration in deferredVersions {
            try record(migration, on: connection)
            outcome.applied.append(migration.version)
        }
        // Tables `db partition` converted get their next months.
        outcome.partitionsCreated = try maintenance.createMissingMonths()
        return outcome
    }

    /// An index of a partitioned table (PostgreSQL cannot build one concurrently): created on
    /// the parent alone, built concurrently on each partition, and attached; the parent's index
    /// is valid once every partition's is attached. An interrupted run leaves it invalid, and
    /// the next one goes on where it stopped.
    private func buildOnPartitions(_ index: IndexDefinition, on connection: PostgresConnection) throws {
        let name = try connection.quoteIdentifier(index.name)
        try connection.executeScript(
            named: "index_\(index.name)_parent",
            "CREATE INDEX IF NOT EXISTS \(name) ON ONLY public.\(try connection.quoteIdentifier(index.table)) \(index.columns)")
        let partitions = try connection.query(
            Statement(
                "index_partitions",
                """
                SELECT c.relname AS partition,
                  EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_class ic ON ic.oid = ii.inhrelid JOIN pg_index x ON x.indexrelid = ic.oid
                          WHERE ii.inhparent = to_regclass(\("public." + index.name)) AND x.indrelid = c.oid) AS attached
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass(\("public." + index.table))
                ORDER BY c.relname
                """)
        ) { (try $0.string("partition"), try $0.decode("attached", as: Bool.self)) }
        let suffix = index.name.hasPrefix(index.table + "_") ? String(index.name.dropFirst(index.table.count + 1)) : index.name
        for (partition, attached) in partitions where !attached {
            let partitionIndex = try connection.quoteIdentifier(String((partition + "_" + suffix).prefix(63)))
            try connection.executeScript(
                named: "index_\(index.name)_partition",
                "DROP INDEX CONCURRENTLY IF EXISTS public.\(partitionIndex)")
            try connection.executeScript(
                named: "index_\(index.name)_partition",
                "CREATE INDEX CONCURRENTLY \(partitionIndex) ON public.\(try connection.quoteIdentifier(partition)) \(index.columns)")
            try connection.executeScript(named: "index_\(index.name)_attach", "ALTER INDEX public.\(name) ATTACH PARTITION public.\(partitionIndex)")
        }
    }

    private func appliedChecksums(on connection: PostgresConnection) throws -> [Int: String] {
        let exists = try connection.query(
            named: "migrate_history_exists",
            "SELECT to_regclass($1) IS NOT NULL AS present",
            parameters: [.text("public." + Self.historyTable)])
        guard try exists.first?.decode("present", as: Bool.self) == true else { return [:] }
        let rows = try connection.query(named: "migrate_history", "SELECT version, checksum FROM \(Self.historyTable)")
        var result: [Int: String] = [:]
        for row in rows { result[try row.int("version")] = try row.string("checksum") }
        return result
    }

    private func record(_ migration: Migration, on connection: PostgresConnection) throws {
        try connection.execute(
            named: "migrate_record",
            "INSERT INTO \(Self.historyTable) (version, name, checksum) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING",
            parameters: [.int(migration.version), .text(migration.name), .text(migration.checksum)])
    }

    private func tableExists(_ table: String, on connection: PostgresConnection) throws -> Bool {
        let exists = try connection.query(
            named: "migrate_table_exists", "SELECT to_regclass($1) IS NOT NULL AS present",
            parameters: [.text("public." + table)])
        return try exists.first?.decode("present", as: Bool.self) == true
    }

    private func tableHasRows(_ table: String, on connection: PostgresConnection) throws -> Bool {
        guard try tableExists(table, on: connection) else { return false }
        let rows = try connection.query(
            named: "migrate_table_has_rows",
            "SELECT EXISTS (SELECT 1 FROM \(try connection.quoteIdentifier(table))) AS has_rows")
        return try rows.first?.decode("has_rows", as: Bool.self) ?? false
    }

    private func indexExists(_ name: String, on connection: PostgresConnection) throws -> Bool {
        let rows = try connection.query(
            named: "migrate_index_exists", "SELECT to_regclass($1) IS NOT NULL AS present",
            parameters: [.text("public." + name)])
        return try rows.first?.decode("present", as: Bool.self) ?? false
    }

    /// False for an index left invalid by an interrupted build; true when valid or absent.
    private func indexIsValid(_ index: IndexDefinition, on connection: PostgresConnection) throws -> Bool {
        let rows = try connection.query(
            named: "migrate_index_valid",
            """
            SELECT i.indisvalid AS valid FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND n.nspname = 'public'
            """, parameters: [.text(index.name)])
        return try rows.first?.decode("valid", as: Bool.self) ?? true
    }

    /// An interrupted `CREATE INDEX CONCURRENTLY` leaves an invalid index that `IF NOT EXISTS`
    /// would keep; drop it so it is built again.
    private func dropIfInvalid(_ index: IndexDefinition, on connection: PostgresConnection, concurrently: Bool) throws {
        guard try !indexIsValid(index, on: connection) else { return }
        logger.warning("dropping an invalid index left by an interrupted build", metadata: ["index": "\(index.name)"])
        try connection.executeScript(
            named: "drop_invalid_\(index.name)",
            "DROP INDEX \(concurrently ? "CONCURRENTLY " : "")IF EXISTS \(try connection.quoteIdentifier(index.name))")
    }
}
