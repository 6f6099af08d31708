import Foundation

/// Where `db archive --export` writes a month before it is detached: the COPY text, streamed.
public protocol ArchiveExporter {
    /// Writes the export of `partition`; `copy` streams its COPY text to the closure it is
    /// given and returns the rows sent. The file is complete (or absent) when this returns.
    func export(partition: String, copy: ((UnsafeRawBufferPointer) throws -> Void) throws -> Int) throws -> ArchiveExport
}

/// One month's export: the file, its SHA-256, and the rows in it.
public struct ArchiveExport: Sendable, Equatable {
    public var file: String
    public var sha256: String
    public var rows: Int

    public init(file: String, sha256: String, rows: Int) {
        self.file = file
        self.sha256 = sha256
        self.rows = rows
    }
}

/// Moves whole months of a table `db partition` converted to the `archive` schema, by rule:
/// never deleting a row. For each month older than the rule:
///
/// 1. With an exporter: in one transaction that holds the month's partition against writers
///    (`SHARE`; readers go on), its rows are counted, checksummed and written out.
/// 2. One short transaction detaches the partition, moves it to `archive` and records it in
///    `growth_report_archived_months` with the count and checksum of step 1.
/// 3. The archived table is checked against that record (a row written between 1 and 2 means
///    the export is made again from the archived table, which nobody writes any more), and
///    gets a CHECK constraint of its month, so `--include-archive` reads only the months a
///    statement's range reaches.
/// 4. The views of `growth_report_with_archive` (each table with its archived months) are made again.
///
/// A rerun finishes what an interrupted one left (steps 3 and 4) and archives nothing twice.
public struct TableArchiver {
    let connection: PostgresConnection
    public var exporter: (any ArchiveExporter)?
    public var lockTimeout = "5s"
    public var attempts = 10
    public var progress: (String) -> Void = { _ in }

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// A month kept this many months after it ended (counted from the current month's start, UTC).
    public struct Rule: Sendable, Equatable {
        public var table: PartitionedTable
        public var keepMonths: Int

        public init(table: PartitionedTable, keepMonths: Int) {
            self.table = table
            self.keepMonths = keepMonths
        }

        /// Two years for each table, as the seed plan keeps user data; A/B rows only once every
        /// test with rows in the month has none after the cutoff (its readout needs its whole life).
        public static let defaultKeepMonths = 24
    }

    public struct Candidate: Sendable, Equatable {
        public var table: PartitionedTable
        public var month: Month
        public var rows: Int
    }

    public struct Plan: Sendable, Equatable {
        public var rule: Rule
        /// The first month kept.
        public var cutoff: Month
        public var months: [Candidate]
        /// Months past the cutoff kept because a test with rows in them still runs after it.
        public var heldByRunningTests: [Month]
    }

    public func plan(_ rule: Rule) throws -> Plan {
        let table = rule.table
        let maintenance = PartitionMaintenance(connection: connection)
        guard try maintenance.isPartitioned(table), try maintenance.registered().contains(where: { $0.table == table }) else {
            let kind = try maintenance.relationKind(table.name)
            throw PartitioningRefusal(
                kind == "p"
                    ? "\(table.name) is partitioned, but not by growth-report: db archive moves only the monthly partitions `growth-report db partition` made."
                    : "\(table.name) is not partitioned: db archive moves whole months. Run `growth-report db partition \(table.name)` first.")
        }
        let cutoff = try maintenance.currentMonth().adding(-rule.keepMonths)
        var months: [Candidate] = []
        var held: [Month] = []
        for month in try maintenance.months(of: table) where month < cutoff {
            let partition = "public." + (try connection.quoteIdentifier(table.partitionName(month)))
            if table == .abTestAssignments {
                let running = try connection.query(
                    Statement(
                        "archive_tests_running",
                        """
                        SELECT EXISTS (
                          SELECT 1 FROM (SELECT DISTINCT test_name FROM \(raw: partition) WHERE test_name IS NOT NULL) t
                          WHERE EXISTS (SELECT 1 FROM ab_test_assignments a WHERE a.test_name = t.test_name AND a.created_at >= \(cutoff.start))
                        ) AS running
                        """))[0]
                if try running.decode("running", as: Bool.self) {
                    held.append(month)
                    continue
                }
            }
            let rows = try connection.query(Statement("archive_month_rows", "SELECT count(*)::bigint AS rows FROM \(raw: partition)"))[0].int("rows")
            months.append(Candidate(table: table, month: month, rows: rows))
        }
        return Plan(rule: rule, cutoff: cutoff, months: months, heldByRunningTests: held)
    }

    /// Archives the plan's months; returns what it archived, with each export.
    public func apply(_ plan: Plan) throws -> [(Candidate, ArchiveExport?)] {
        try finishEarlierRuns()
        var done: [(Candidate, ArchiveExport?)] = []
        for candidate in plan.months {
            done.append((candidate, try archive(candidate)))
            progress("\(candidate.table.name): archived \(candidate.table.partitionName(candidate.month)) (\(candidate.rows) rows)")
        }
        try finishEarlierRuns()
        try makeViews()
        return done
    }

    private func archive(_ candidate: Candidate) throws -> ArchiveExport? {
        let table = candidate.table
        let name = table.partitionName(candidate.month)
        let partition = "public." + (try connection.quoteIdentifier(name))
        // 1. Counted, checksummed and exported while writers of the month wait.
        let (fingerprint, export) = try connection.transaction {
            try connection.executeScript(named: "archive_lock_timeout", "SET LOCAL lock_timeout = '\(lockTimeout)'")
            try connection.executeScript(named: "archive_hold_month", "LOCK TABLE \(partition) IN SHARE MODE")
            let fingerprint = try self.fingerprint(partition)
            let export = try exporter.map { exporter in
                try exporter.export(partition: name) { sink in
                    try connection.copyOut(named: "archive_export", query: "SELECT * FROM \(partition)", sink)
                }
            }
            if let export, export.rows != fingerprint.rows {
                throw DatabaseError(
                    .queryFailed, statement: "archive_export", message: "the export of \(name) holds \(export.rows) rows, the month \(fingerprint.rows)")
            }
            return (fingerprint, export)
        }
        // 2. Detached, moved and recorded in one short transaction.
        let tests =
            table == .abTestAssignments
            ? try connection.query(
                Statement("archive_month_tests", "SELECT DISTINCT test_name FROM \(raw: partition) WHERE test_name IS NOT NULL ORDER BY 1")
            ).map { try $0.string("test_name") } : []
        var attempt = 1
        while true {
            do {
                try connection.transaction {
                    try connection.executeScript(named: "archive_lock_timeout", "SET LOCAL lock_timeout = '\(lockTimeout)'")
                    try connection.executeScript(
                        named: "archive_detach",
                        """
                        CREATE SCHEMA IF NOT EXISTS \(ArchivedMonth.archiveSchema);
                        \(ArchivedMonth.registryDefinition);
                        ALTER TABLE public.\(try connection.quoteIdentifier(table.name)) DETACH PARTITION \(partition);
                        ALTER TABLE \(partition) SET SCHEMA \(ArchivedMonth.archiveSchema)
                        """)
                    try connection.execute(
                        Statement(
                            "archive_record",
                            """
                            INSERT INTO \(raw: ArchivedMonth.registryTable)
                              (table_name, month, partition_name, rows, checksum, tests, export_file, export_sha256)
                            VALUES (\(table.name), \(candidate.month.start)::date, \(name), \(fingerprint.rows), \(fingerprint.checksum), \(tests),
                                    \(export?.file), \(export?.sha256))
                            """))
                }
                return export
            } catch let error as DatabaseError where (error.sqlState == "55P03" || error.sqlState == "40P01") && attempt < attempts {
                progress("\(table.name): readers held the table for \(lockTimeout); detaching \(name) again (\(attempt) of \(attempts - 1))")
                attempt += 1
            }
        }
    }

    private func fingerprint(_ relation: String) throws -> RowFingerprint {
        try connection.rowFingerprint(of: relation, named: "archive_fingerprint")
    }

    /// Steps 3 for every recorded month that still needs them: the archived table checked
    /// against its record (exported again when rows came in before the detach) and given the
    /// CHECK constraint of its month.
    private func finishEarlierRuns() throws {
        let exists = try connection.query(
            Statement("archive_registry_exists", "SELECT to_regclass(\("public." + ArchivedMonth.registryTable)) IS NOT NULL AS present"))
        guard try exists.first?.decode("present", as: Bool.self) == true else { return }
        let unfinished = try connection.query(
            Statement(
                "archive_unfinished",
                """
                SELECT r.table_name, to_char(r.month, 'YYYY-MM') AS month, r.partition_name, r.rows, r.checksum, r.export_file IS NOT NULL AS exported
                FROM \(raw: ArchivedMonth.registryTable) r
                JOIN pg_class c ON c.relname = r.partition_name
                JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = \(ArchivedMonth.archiveSchema)
                WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conname = r.partition_name || '_month')
                ORDER BY 1, 2
                """))
        for row in unfinished {
            guard let table = PartitionedTable.named(try row.string("table_name")), let month = Month(try row.string("month")) else { continue }
            let name = try row.string("partition_name")
            let archived = ArchivedMonth.archiveSchema + "." + (try connection.quoteIdentifier(name))
            let now = try fingerprint(archived)
            let recordedRows = try row.int("rows"), recordedChecksum = try row.string("checksum")
            let exported = try row.decode("exported", as: Bool.self)
            if now.rows != recordedRows || now.checksum != recordedChecksum {
                progress(
                    "\(table.name): \(name) changed between its export and its detach; recorded again\(exported && exporter != nil ? " and exported again" : "")"
                )
                let export =
                    exported
                    ? try exporter.map { exporter in
                        try exporter.export(partition: name) { sink in
                            try connection.copyOut(named: "archive_export", query: "SELECT * FROM \(archived)", sink)
                        }
                    } : nil
                try connection.execute(
                    Statement(
                        "archive_record_again",
                        """
                        UPDATE \(raw: ArchivedMonth.registryTable) SET rows = \(now.rows), checksum = \(now.checksum),
                          export_file = coalesce(\(export?.file), export_file), export_sha256 = coalesce(\(export?.sha256), export_sha256)
                        WHERE table_name = \(table.name) AND month = \(month.start)::date
                        """))
            }
            let column = try connection.quoteIdentifier(table.timeColumn)
            try connection.executeScript(
                named: "archive_month_constraint",
                """
                ALTER TABLE \(archived) ADD CONSTRAINT \(try connection.quoteIdentifier(name + "_month"))
                  CHECK (\(column) >= '\(month.boundLiteral)' AND \(column) < '\(month.next.boundLiteral)')
                """)
        }
    }

    /// `growth_report_with_archive.<table>`: the table and its archived months, for every table
    /// with an archived month; readable by whoever may read the table, who may also read the
    /// registry (so that their reports say what is archived).
    private func makeViews() throws {
        let archived = try ArchivedMonth.all(on: connection)
        let schema = try connection.quoteIdentifier(ArchivedMonth.withArchiveSchema)
        for table in PartitionedTable.all {
            let months = archived.filter { $0.table == table.name }.map(\.month)
            guard !months.isEmpty else { continue }
            let name = try connection.quoteIdentifier(table.name)
            let branches =
                ["SELECT * FROM public.\(name)"]
                + (try months.map { "SELECT * FROM \(ArchivedMonth.archiveSchema).\(try connection.quoteIdentifier(table.partitionName($0)))" })
            let grants = try connection.query(
                Statement(
                    "archive_view_grants",
                    """
                    SELECT coalesce(string_agg(DISTINCT format('GRANT USAGE ON SCHEMA %s TO %s; GRANT SELECT ON %s.%s TO %s; GRANT SELECT ON public.%s TO %s',
                      \(schema), g.role, \(schema), \(name), g.role, \(ArchivedMonth.registryTable), g.role), '; '), '') AS grants
                    FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS role
                          FROM pg_class c, aclexplode(c.relacl) a
                          WHERE c.oid = to_regclass(\("public." + table.name)) AND a.privilege_type = 'SELECT' AND a.grantee <> c.relowner) g
                    """))[0].string("grants")
            try connection.transaction {
                try connection.executeScript(
                    named: "archive_view",
                    """
                    CREATE SCHEMA IF NOT EXISTS \(schema);
                    DROP VIEW IF EXISTS \(schema).\(name);
                    CREATE VIEW \(schema).\(name) AS
                    \(branches.joined(separator: "\nUNION ALL\n"))
                    """ + (grants.isEmpty ? "" : ";\n" + grants))
            }
        }
    }
}
