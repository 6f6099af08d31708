import Foundation

/// The month partitions of a table `db partition` converted: which exist, and the next months
/// created ahead of time (by `db partition` and by every `db migrate`).
///
/// A new month is created as a table of its own and then attached, so the parent takes only
/// `SHARE UPDATE EXCLUSIVE` (readers and writers go on); rows of that month that had landed in
/// the default partition are moved into it first, in the same transaction. Months are only
/// ever added after the newest one: an archived month (`db archive`) is never made again.
public struct PartitionMaintenance {
    let connection: PostgresConnection
    /// How long a statement may wait for a lock before the run gives up (exit 75).
    var lockTimeout = "5s"

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Whether `public.<table>` is a partitioned table (of anyone's making).
    public func isPartitioned(_ table: PartitionedTable) throws -> Bool {
        try relationKind(table.name) == "p"
    }

    /// `r` (a plain table), `p` (partitioned), nil (absent), or another relkind.
    func relationKind(_ name: String, schema: String = "public") throws -> String? {
        try connection.query(
            Statement(
                "partition_relkind",
                """
                SELECT c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = \(schema) AND c.relname = \(name)
                """)
        ).first?.string("kind")
    }

    /// The tables this tool partitioned, with how many months ahead each keeps.
    public func registered() throws -> [(table: PartitionedTable, monthsAhead: Int)] {
        let exists = try connection.query(
            Statement("partition_registry_exists", "SELECT to_regclass(\("public." + PartitionedTable.registryTable)) IS NOT NULL AS present"))
        guard try exists.first?.decode("present", as: Bool.self) == true else { return [] }
        return try connection.query(
            Statement("partition_registry", "SELECT table_name, months_ahead FROM \(raw: PartitionedTable.registryTable) ORDER BY table_name")
        ).compactMap { row in
            guard let table = PartitionedTable.named(try row.string("table_name")) else { return nil }
            return (table, try row.int("months_ahead"))
        }
    }

    /// The months whose partitions are attached to `public.<table>`, oldest first.
    public func months(of table: PartitionedTable) throws -> [Month] {
        try connection.query(
            Statement(
                "partition_months",
                """
                SELECT substring(c.relname FROM \("^" + table.name + "_([0-9]{4}_[0-9]{2})$")) AS suffix
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass(\("public." + table.name))
                """)
        ).compactMap { row in
            guard let suffix = try row.text("suffix") else { return nil }
            return Month(suffix.replacingOccurrences(of: "_", with: "-"))
        }.sorted()
    }

    /// The server's current month in UTC.
    public func currentMonth() throws -> Month {
        Month(containing: try connection.query(Statement("partition_now", "SELECT now() AS now"))[0].timestamp("now"))
    }

    /// The months after the newest partition up to the current month plus `monthsAhead`.
    public func missingMonths(of table: PartitionedTable, monthsAhead: Int) throws -> [Month] {
        let target = try currentMonth().adding(monthsAhead)
        guard let newest = try months(of: table).last else { return try currentMonth().through(target) }
        return newest.next.through(target)
    }

    /// Creates the missing months of every registered table; returns the partitions made.
    @discardableResult
    public func createMissingMonths() throws -> [String] {
        var created: [String] = []
        for (table, ahead) in try registered() where try isPartitioned(table) {
            for month in try missingMonths(of: table, monthsAhead: ahead) {
                try create(month, of: table)
                created.append(table.partitionName(month))
            }
        }
        return created
    }

    /// Creates and attaches the partition of `month`, moving its rows out of the default partition.
    public func create(_ month: Month, of table: PartitionedTable) throws {
        let parent = try connection.quoteIdentifier(table.name)
        let partition = try connection.quoteIdentifier(table.partitionName(month))
        let defaultPartition = try connection.quoteIdentifier(table.defaultPartitionName)
        let column = try connection.quoteIdentifier(table.timeColumn)
        let hasDefault = try relationKind(table.defaultPartitionName) != nil
        try connection.transaction {
            try connection.executeScript(named: "partition_lock_timeout", "SET LOCAL lock_timeout = '\(lockTimeout)'")
            if hasDefault {
                // First, so that nothing lands there for the month between the move and the attach.
                try connection.executeScript(named: "partition_lock_default", "LOCK TABLE public.\(defaultPartition) IN ACCESS EXCLUSIVE MODE")
            }
            try connection.executeScript(
                named: "partition_create_month",
                "CREATE TABLE public.\(partition) (LIKE public.\(parent) INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
            if hasDefault {
                try connection.execute(
                    Statement(
                        "partition_move_from_default",
                        """
                        WITH moved AS (
                          DELETE FROM public.\(raw: defaultPartition) WHERE \(raw: column) >= \(month.start) AND \(raw: column) < \(month.next.start)
                          RETURNING *
                        )
                        INSERT INTO public.\(raw: partition) SELECT * FROM moved
                        """))
            }
            try connection.executeScript(
                named: "partition_attach_month",
                "ALTER TABLE public.\(parent) ATTACH PARTITION public.\(partition) FOR VALUES FROM ('\(month.boundLiteral)') TO ('\(month.next.boundLiteral)')"
            )
        }
    }
}
