import Foundation

/// Converts a plain event table into monthly range partitions on its time column, online:
///
/// 1. A partitioned copy is built in the schema `growth_report_partitioning`: the same columns
///    and defaults, primary key `(id, <time column>)`, one partition per month and a default one.
/// 2. A trigger on the plain table mirrors every insert, update and delete into the copy from
///    then on (and refuses TRUNCATE), so writers go on during the move.
/// 3. The rows are copied in bounded batches of the table's blocks (`ctid` ranges), each its own
///    transaction; each batch locks its rows `FOR SHARE`, so a concurrent update is mirrored
///    after the batch or copied by it, never lost.
/// 4. The other indexes are built and the copy analysed; then, in one snapshot, both tables
///    must hold the same number of rows with the same checksum.
/// 5. The swap, one short transaction: the plain table moves to the schema
///    `growth_report_replaced` (kept, never dropped by the tool), the copy and its partitions to
///    `public`, privileges and owner follow, and the table is recorded as partitioned.
///
/// Readers read the plain table until the swap. Stopped at any point (a signal, a killed
/// server), the database holds the plain table, complete; the next run removes the unfinished
/// copy and starts again. A table that is partitioned already is left as it is, apart from the
/// months ahead.
public struct TablePartitioner {
    public static let stagingSchema = "growth_report_partitioning"
    public static let replacedSchema = "growth_report_replaced"

    let connection: PostgresConnection
    public var monthsAhead = 3
    /// About this many rows per copy batch (a batch is a whole number of blocks).
    public var batchRows = 50_000
    /// Rows outside these many years back and ahead of the server's clock go to the default
    /// partition rather than to months of their own (a mistyped year makes no thousand tables).
    public var yearsOfMonths = (back: 50, ahead: 10)
    /// How long the swap waits for the table (readers of it finish first) before trying again.
    public var swapLockTimeout = "3s"
    public var swapAttempts = 10
    /// A line per step and every tenth of the copy.
    public var progress: (String) -> Void = { _ in }

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// What a run would do to one table.
    public struct Plan: Sendable, Equatable {
        public enum State: Sendable, Equatable {
            /// A plain table: converted.
            case plain(rowEstimate: Int, months: [Month], indexes: [String])
            /// Partitioned by this tool: only the missing months ahead are created.
            case partitioned(missing: [Month])
            /// Partitioned by someone else: left alone.
            case partitionedElsewhere
        }
        public var table: PartitionedTable
        public var state: State
    }

    public struct Outcome: Sendable, Equatable {
        public var table: PartitionedTable
        /// Rows copied by the batches (rows written meanwhile came through the trigger).
        public var rowsCopied = 0
        /// Month partitions of the converted table, or those created ahead.
        public var monthsCreated: [Month] = []
        /// Where the plain table is kept; nil when nothing was converted.
        public var keptAs: String?
        public var state: Plan.State
    }

    /// The checksums of the plain table and its copy differ: ours, exit 70; the plain table stays.
    public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    // MARK: - Plan

    public func plan(_ table: PartitionedTable) throws -> Plan {
        let maintenance = PartitionMaintenance(connection: connection)
        switch try maintenance.relationKind(table.name) {
        case "p":
            let registered = try maintenance.registered().first { $0.table == table }
            guard let registered else { return Plan(table: table, state: .partitionedElsewhere) }
            return Plan(table: table, state: .partitioned(missing: try maintenance.missingMonths(of: table, monthsAhead: registered.monthsAhead)))
        case "r":
            try refusals(table)
            return Plan(
                table: table, state: .plain(rowEstimate: try rowEstimate(table), months: try monthsToCreate(table), indexes: try indexes(table).map(\.name)))
        case nil:
            throw PartitioningRefusal("\(table.name) does not exist; run `growth-report db migrate` first.")
        case let kind?:
            throw PartitioningRefusal("public.\(table.name) is not a table (relkind \(kind)); db partition converts tables only.")
        }
    }

    /// Every reason to leave the table as it is, checked before anything changes.
    private func refusals(_ table: PartitionedTable) throws {
        let name = try connection.quoteIdentifier(table.name)
        let column = try connection.quoteIdentifier(table.timeColumn)
        let nulls = try connection.query(
            Statement("partition_null_keys", "SELECT count(*)::bigint AS rows FROM public.\(raw: name) WHERE \(raw: column) IS NULL"))[0].int("rows")
        if nulls > 0 {
            throw PartitioningRefusal(
                "\(table.name) has \(nulls) rows without \(table.timeColumn); the partition key becomes part of the primary key and may not be NULL. Set \(table.timeColumn) on them (or delete them), then run db partition again."
            )
        }
        let facts = try connection.query(
            Statement(
                "partition_preflight",
                """
                SELECT c.relrowsecurity AS row_security,
                  (SELECT string_agg(DISTINCT v.oid::regclass::text, ', ') FROM pg_depend d
                     JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
                    WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = c.oid AND v.oid <> c.oid) AS views,
                  (SELECT string_agg(t.tgname, ', ') FROM pg_trigger t
                    WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgname NOT LIKE 'growth_report_%') AS triggers,
                  (SELECT string_agg(i.indexrelid::regclass::text, ', ') FROM pg_index i
                    WHERE i.indrelid = c.oid AND i.indisunique AND NOT i.indisprimary) AS unique_indexes,
                  (SELECT string_agg(p.pubname, ', ') FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
                    WHERE pr.prrelid = c.oid) AS publications,
                  to_regclass(\(Self.replacedSchema + "." + table.name)) IS NOT NULL AS replaced_exists
                FROM pg_class c WHERE c.oid = to_regclass(\("public." + table.name))
                """))[0]
        if try facts.decode("row_security", as: Bool.self) {
            throw PartitioningRefusal("\(table.name) has row-level security; its policies would not follow the partitioned table. Move them by hand.")
        }
        if let views = try facts.text("views") {
            throw PartitioningRefusal(
                "Views read \(table.name) (\(views)); they would go on reading the plain table. Drop them, run db partition, and create them again.")
        }
        if let triggers = try facts.text("triggers") {
            throw PartitioningRefusal("\(table.name) has triggers (\(triggers)) that would not follow the partitioned table. Drop them first.")
        }
        if let unique = try facts.text("unique_indexes") {
            throw PartitioningRefusal(
                "\(table.name) has unique indexes besides its primary key (\(unique)); on a partitioned table a unique index must include \(table.timeColumn). Drop or change them first."
            )
        }
        if let publications = try facts.text("publications") {
            throw PartitioningRefusal(
                "\(table.name) is published for logical replication (\(publications)); add the partitioned table to the publication by hand after db partition. Remove it first."
            )
        }
        if try facts.decode("replaced_exists", as: Bool.self) {
            throw PartitioningRefusal(
                "\(Self.replacedSchema).\(table.name) exists, kept by an earlier conversion; drop it (or rename it) before converting \(table.name) again."
            )
        }
    }

    private func rowEstimate(_ table: PartitionedTable) throws -> Int {
        let row = try connection.query(
            Statement(
                "partition_row_estimate", "SELECT greatest(reltuples, 0)::bigint AS rows FROM pg_class WHERE oid = to_regclass(\("public." + table.name))"))
        return try row[0].int("rows")
    }

    /// The first month holding rows (no earlier than `yearsOfMonths.back`) to the later of the
    /// last month holding rows (no later than `yearsOfMonths.ahead`) and now plus `monthsAhead`.
    func monthsToCreate(_ table: PartitionedTable) throws -> [Month] {
        let column = try connection.quoteIdentifier(table.timeColumn)
        let row = try connection.query(
            Statement(
                "partition_time_span",
                """
                SELECT now() AS now, (SELECT min(\(raw: column)) FROM public.\(raw: try connection.quoteIdentifier(table.name))) AS first,
                  (SELECT max(\(raw: column)) FROM public.\(raw: try connection.quoteIdentifier(table.name))) AS last
                """))[0]
        let now = Month(containing: try row.timestamp("now"))
        let earliest = now.adding(-12 * yearsOfMonths.back), latest = now.adding(12 * yearsOfMonths.ahead)
        let first = try row.decodeIfPresent("first", as: Date.self).map(Month.init(containing:)).map { max($0, earliest) } ?? now
        let last = try row.decodeIfPresent("last", as: Date.self).map(Month.init(containing:)).map { min($0, latest) } ?? now
        return min(first, now).through(max(last, now.adding(monthsAhead)))
    }

    /// The plain table's indexes other than its primary key, with the definition to build on the copy.
    private func indexes(_ table: PartitionedTable) throws -> [(name: String, definition: String)] {
        try connection.query(
            Statement(
                "partition_indexes",
                """
                SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = to_regclass(\("public." + table.name)) AND NOT i.indisprimary
                ORDER BY c.relname
                """)
        ) { (try $0.string("name"), try $0.string("definition")) }
    }

    // MARK: - Apply

    public func apply(_ plan: Plan) throws -> Outcome {
        switch plan.state {
        case .partitionedElsewhere:
            return Outcome(table: plan.table, state: plan.state)
        case .partitioned(let missing):
            let maintenance = PartitionMaintenance(connection: connection)
            for month in missing { try maintenance.create(month, of: plan.table) }
            return Outcome(table: plan.table, monthsCreated: missing, state: plan.state)
        case .plain(_, let months, _):
            return try convert(plan.table, months: months, state: plan.state)
        }
    }

    private func convert(_ table: PartitionedTable, months: [Month], state: Plan.State) throws -> Outcome {
        let names = try Names(table, connection: connection)
        try removeUnfinishedCopy(names)
        try buildCopy(table, names: names, months: months)
        progress("\(table.name): writes are mirrored into the partitioned copy; copying rows")
        let copied = try copyRows(table, names: names)
        progress("\(table.name): \(copied) rows copied; building indexes")
        for index in try indexes(table) {
            guard let range = index.definition.range(of: " USING ") else { continue }
            try connection.executeScript(
                named: "partition_copy_index",
                "CREATE INDEX \(try connection.quoteIdentifier(index.name)) ON \(names.staging)\(index.definition[range.lowerBound...])")
        }
        try connection.executeScript(named: "partition_analyze", "ANALYZE \(names.staging)")
        do {
            try verify(table, names: names)
        } catch let failure as VerificationFailure {
            // The copy stays to be looked at; the plain table stops feeding it.
            try connection.executeScript(
                named: "partition_stop_mirror", "DROP FUNCTION \(names.mirror)() CASCADE; DROP FUNCTION \(names.refuseTruncate)() CASCADE")
            throw failure
        }
        progress("\(table.name): the copy holds every row (count and checksum); swapping")
        try swap(table, names: names, months: months)
        return Outcome(table: table, rowsCopied: copied, monthsCreated: months, keptAs: "\(Self.replacedSchema).\(table.name)", state: state)
    }

    /// Quoted names of one conversion's objects.
    private struct Names {
        var plain: String, staging: String, stagingSchema: String, mirror: String, refuseTruncate: String
        var partitionColumn: String

        init(_ table: PartitionedTable, connection: PostgresConnection) throws {
            let schema = try connection.quoteIdentifier(TablePartitioner.stagingSchema)
            stagingSchema = schema
            plain = "public." + (try connection.quoteIdentifier(table.name))
            staging = schema + "." + (try connection.quoteIdentifier(table.name))
            mirror = schema + "." + (try connection.quoteIdentifier(table.name + "_mirror"))
            refuseTruncate = schema + "." + (try connection.quoteIdentifier(table.name + "_refuse_truncate"))
            partitionColumn = try connection.quoteIdentifier(table.timeColumn)
        }
    }

    /// An earlier run's copy, stopped before its swap: dropped with its trigger functions
    /// (and so their triggers on the plain table).
    private func removeUnfinishedCopy(_ names: Names) throws {
        try connection.transaction {
            try connection.executeScript(named: "partition_lock_timeout", "SET LOCAL lock_timeout = '\(swapLockTimeout)'")
            try connection.executeScript(
                named: "partition_remove_unfinished",
                """
                DROP FUNCTION IF EXISTS \(names.mirror)() CASCADE;
                DROP FUNCTION IF EXISTS \(names.refuseTruncate)() CASCADE;
                DROP TABLE IF EXISTS \(names.staging) CASCADE
                """)
        }
    }

    private func buildCopy(_ table: PartitionedTable, names: Names, months: [Month]) throws {
        let id = try connection.quoteIdentifier("id")
        let primaryKey = try connection.quoteIdentifier(table.name + "_pkey")
        try connection.executeScript(
            named: "partition_create_copy",
            """
            CREATE SCHEMA IF NOT EXISTS \(names.stagingSchema);
            CREATE TABLE \(names.staging) (
              LIKE \(names.plain) INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS INCLUDING GENERATED
            ) PARTITION BY RANGE (\(names.partitionColumn));
            ALTER TABLE \(names.staging) ADD CONSTRAINT \(primaryKey) PRIMARY KEY (\(id), \(names.partitionColumn))
            """)
        // One transaction per partition: a long history makes hundreds, more locks than one may hold.
        for month in months {
            try connection.executeScript(
                named: "partition_create_month",
                "CREATE TABLE \(names.stagingSchema).\(try connection.quoteIdentifier(table.partitionName(month))) PARTITION OF \(names.staging) FOR VALUES FROM ('\(month.boundLiteral)') TO ('\(month.next.boundLiteral)')"
            )
        }
        try connection.executeScript(
            named: "partition_create_default",
            "CREATE TABLE \(names.stagingSchema).\(try connection.quoteIdentifier(table.defaultPartitionName)) PARTITION OF \(names.staging) DEFAULT")
        // The trigger waits for writers in flight (SHARE ROW EXCLUSIVE): every row is either
        // committed before it, and in the blocks the copy reads, or written after, and mirrored.
        try connection.transaction {
            try connection.executeScript(named: "partition_lock_timeout", "SET LOCAL lock_timeout = '\(swapLockTimeout)'")
            try connection.executeScript(
                named: "partition_create_mirror",
                """
                CREATE FUNCTION \(names.mirror)() RETURNS trigger LANGUAGE plpgsql AS $mirror$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    DELETE FROM \(names.staging) WHERE \(id) = OLD.\(id) AND \(names.partitionColumn) = OLD.\(names.partitionColumn);
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    INSERT INTO \(names.staging) SELECT NEW.* ON CONFLICT DO NOTHING;
                  END IF;
                  RETURN NULL;
                END
                $mirror$;
                CREATE FUNCTION \(names.refuseTruncate)() RETURNS trigger LANGUAGE plpgsql AS $refuse$
                BEGIN
                  RAISE EXCEPTION 'growth-report db partition is moving this table into monthly partitions; TRUNCATE it after the move';
                END
                $refuse$;
                CREATE TRIGGER growth_report_partition_mirror AFTER INSERT OR UPDATE OR DELETE ON \(names.plain)
                  FOR EACH ROW EXECUTE FUNCTION \(names.mirror)();
                CREATE TRIGGER growth_report_partition_refuse_truncate BEFORE TRUNCATE ON \(names.plain)
                  FOR EACH STATEMENT EXECUTE FUNCTION \(names.refuseTruncate)()
                """)
        }
    }

    /// The plain table's blocks as they were once the trigger was in place, in batches; returns
    /// the rows copied.
    private func copyRows(_ table: PartitionedTable, names: Names) throws -> Int {
        let size = try connection.query(
            Statement(
                "partition_table_blocks",
                """
                SELECT (pg_relation_size(c.oid) / current_setting('block_size')::bigint)::bigint AS blocks,
                  CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN (c.reltuples / c.relpages)::float8 ELSE 100 END AS rows_per_block
                FROM pg_class c WHERE c.oid = to_regclass(\("public." + table.name))
                """))[0]
        let blocks = try size.int("blocks")
        let rowsPerBlock = try size.decode("rows_per_block", as: Double.self)
        let step = max(1, Int((Double(batchRows) / max(rowsPerBlock, 1)).rounded(.down)))
        var copied = 0
        var reported = 0
        var start = 0
        while start < blocks {
            let end = min(blocks, start + step)
            // The last batch reads to the end of the table: rows after `blocks` came through the trigger.
            let upper = end == blocks ? "(4294967295,0)" : "(\(end),0)"
            let row = try connection.query(
                Statement(
                    "partition_copy_batch",
                    """
                    WITH batch AS (
                      SELECT * FROM \(raw: names.plain) WHERE ctid >= \("(\(start),0)")::tid AND ctid < \(upper)::tid FOR SHARE
                    ), copied AS (
                      INSERT INTO \(raw: names.staging) SELECT * FROM batch ON CONFLICT DO NOTHING RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM copied)::bigint AS copied
                    """))[0]
            copied += try row.int("copied")
            start = end
            let tenth = blocks > 0 ? start * 10 / blocks : 10
            if tenth > reported {
                reported = tenth
                progress("\(table.name): copied \(copied) rows (\(tenth * 10) % of the table's blocks)")
            }
        }
        return copied
    }

    /// Both tables in one snapshot: the same rows, by count and by a checksum of every row's text.
    private func verify(_ table: PartitionedTable, names: Names) throws {
        let (plain, copy) = try connection.transaction(.snapshot) {
            (
                try connection.rowFingerprint(of: names.plain, named: "partition_verify_plain"),
                try connection.rowFingerprint(of: names.staging, named: "partition_verify_copy")
            )
        }
        guard plain == copy else {
            throw VerificationFailure(
                message:
                    "The partitioned copy of \(table.name) differs from the table (\(copy); the table: \(plain)); the table is unchanged and the copy is left in \(Self.stagingSchema) to look at."
            )
        }
    }

    private func swap(_ table: PartitionedTable, names: Names, months: [Month]) throws {
        let partitions = try (months.map(table.partitionName) + [table.defaultPartitionName]).map { try connection.quoteIdentifier($0) }
        let registry = PartitionedTable.registryDefinition
        var attempt = 1
        while true {
            do {
                var held = ContinuousClock.now
                try connection.transaction {
                    try connection.executeScript(named: "partition_lock_timeout", "SET LOCAL lock_timeout = '\(swapLockTimeout)'")
                    try connection.executeScript(named: "partition_swap_lock", "LOCK TABLE \(names.plain) IN ACCESS EXCLUSIVE MODE")
                    held = ContinuousClock.now
                    let ownership = try connection.query(
                        Statement(
                            "partition_swap_owner",
                            """
                            SELECT quote_ident(pg_get_userbyid(c.relowner)) AS owner,
                              coalesce((SELECT string_agg(format('GRANT %s ON %s TO %s%s', a.privilege_type, \(names.plain),
                                  CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                                  CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END), '; ')
                                FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner), '') AS grants
                            FROM pg_class c WHERE c.oid = to_regclass(\("public." + table.name))
                            """))[0]
                    let owner = try ownership.string("owner"), grants = try ownership.string("grants")
                    var script = """
                        CREATE SCHEMA IF NOT EXISTS \(try connection.quoteIdentifier(Self.replacedSchema));
                        DROP TRIGGER growth_report_partition_mirror ON \(names.plain);
                        DROP TRIGGER growth_report_partition_refuse_truncate ON \(names.plain);
                        ALTER TABLE \(names.plain) SET SCHEMA \(try connection.quoteIdentifier(Self.replacedSchema));
                        ALTER TABLE \(names.staging) SET SCHEMA public;
                        """
                    for partition in partitions { script += "\nALTER TABLE \(names.stagingSchema).\(partition) SET SCHEMA public;" }
                    script += "\nALTER TABLE \(names.plain) OWNER TO \(owner);"
                    for partition in partitions { script += "\nALTER TABLE public.\(partition) OWNER TO \(owner);" }
                    if !grants.isEmpty { script += "\n\(grants);" }
                    script += """

                        DROP FUNCTION \(names.mirror)();
                        DROP FUNCTION \(names.refuseTruncate)();
                        \(registry);
                        """
                    try connection.executeScript(named: "partition_swap", script)
                    try connection.execute(
                        Statement(
                            "partition_register",
                            """
                            INSERT INTO \(raw: PartitionedTable.registryTable) (table_name, partition_column, months_ahead)
                            VALUES (\(table.name), \(table.timeColumn), \(monthsAhead))
                            ON CONFLICT (table_name) DO UPDATE SET partition_column = EXCLUDED.partition_column,
                              months_ahead = EXCLUDED.months_ahead, partitioned_at = now()
                            """))
                }
                let milliseconds = Int((held.duration(to: .now).seconds * 1000).rounded())
                progress("\(table.name): swapped; readers and writers waited for the table \(milliseconds) ms")
                return
            } catch let error as DatabaseError where error.sqlState == "55P03" && attempt < swapAttempts {
                progress("\(table.name): readers held the table for \(swapLockTimeout); trying the swap again (\(attempt) of \(swapAttempts - 1))")
                attempt += 1
            }
        }
    }
}
