import Database
import Foundation
import TestSupport
import Testing

@Suite struct MigrationTests {
    /// The seed plan's four tables, column for column: (name, type, default, nullable).
    static let seedPlanColumns: [String: [[String?]]] = [
        "real_time_metrics": [
            ["metric_name", "text", nil, "NO"],
            ["metric_value", "numeric", nil, "YES"],
            ["metric_metadata", "jsonb", nil, "YES"],
            ["last_updated", "timestamp with time zone", "now()", "YES"],
        ],
        "partnership_analytics": [
            ["id", "uuid", "gen_random_uuid()", "NO"],
            ["partner_name", "text", nil, "NO"],
            ["partner_type", "text", nil, "NO"],
            ["referral_source", "text", nil, "YES"],
            ["customers_acquired", "integer", "0", "YES"],
            ["revenue_generated", "numeric(10,2)", "0", "YES"],
            ["conversion_rate", "numeric(5,2)", nil, "YES"],
            ["analytics_period", "date", nil, "YES"],
            ["created_at", "timestamp with time zone", "now()", "YES"],
        ],
        "viral_metrics": [
            ["id", "uuid", "gen_random_uuid()", "NO"],
            ["user_email", "text", nil, "YES"],
            ["action_type", "text", nil, "YES"],
            ["source_platform", "text", nil, "YES"],
            ["reach_metrics", "jsonb", nil, "YES"],
            ["created_at", "timestamp with time zone", "now()", "YES"],
        ],
        "ab_test_assignments": [
            ["id", "uuid", "gen_random_uuid()", "NO"],
            ["user_email", "text", nil, "YES"],
            ["test_name", "text", nil, "YES"],
            ["variant", "text", nil, "YES"],
            ["conversion_event", "text", nil, "YES"],
            ["converted_at", "timestamp with time zone", nil, "YES"],
            ["created_at", "timestamp with time zone", "now()", "YES"],
        ],
    ]

    static func columns(of table: String, _ connection: PostgresConnection) throws -> [[String?]] {
        try connection.query(
            named: "columns",
            """
            SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                   pg_get_expr(d.adbin, d.adrelid) AS column_default,
                   CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS nullable
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, parameters: [.text(table)]
        ).map {
            [try $0.string("name"), try $0.string("type"), try $0.decodeIfPresent("column_default", as: String.self), try $0.string("nullable")]
        }
    }

    @Test func seedTablesMatchTheSeedPlanColumnForColumn() throws {
        let (connection, _) = try TestDatabase.migrated("plan")
        for (table, expected) in Self.seedPlanColumns {
            #expect(try Self.columns(of: table, connection) == expected, "\(table)")
        }
        let primaryKeys = try connection.query(
            named: "pk",
            """
            SELECT c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
            WHERE c.contype = 'p' AND c.conrelid::regclass::text = ANY($1) ORDER BY 1
            """, parameters: [.textArray(Array(Self.seedPlanColumns.keys))]
        ).map { "\(try $0.string("tbl")) \(try $0.string("def"))" }
        #expect(
            primaryKeys == [
                "ab_test_assignments PRIMARY KEY (id)", "partnership_analytics PRIMARY KEY (id)",
                "real_time_metrics PRIMARY KEY (metric_name)", "viral_metrics PRIMARY KEY (id)",
            ])
    }

    @Test func productTablesHaveTheirConstraints() throws {
        let (connection, _) = try TestDatabase.migrated("product")
        #expect(
            try Self.columns(of: "partner_costs", connection) == [
                ["id", "uuid", "gen_random_uuid()", "NO"], ["partner_name", "text", nil, "NO"],
                ["analytics_period", "date", nil, "NO"], ["cost", "numeric(10,2)", nil, "NO"],
                ["created_at", "timestamp with time zone", "now()", "YES"],
            ])
        #expect(
            try Self.columns(of: "conversion_events", connection) == [
                ["id", "uuid", "gen_random_uuid()", "NO"], ["user_email", "text", nil, "NO"],
                ["event_type", "text", nil, "NO"], ["revenue", "numeric(12,2)", "0", "NO"],
                ["occurred_at", "timestamp with time zone", "now()", "NO"],
            ])
        #expect {
            try connection.execute(
                named: "negative", "INSERT INTO partner_costs (partner_name, analytics_period, cost) VALUES ($1, $2, $3)",
                parameters: [.text("p"), .date(CalendarDate(year: 2026, month: 1, day: 1)!), .decimal(-1)])
        } throws: { ($0 as? DatabaseError)?.sqlState == "23514" }
    }

    @Test func migratingTwiceKeepsDataAndChangesNothing() throws {
        let (connection, _) = try TestDatabase.migrated("twice")
        try connection.execute(
            named: "insert", "INSERT INTO viral_metrics (user_email, action_type) VALUES ($1, $2)",
            parameters: [.text("a@example.com"), .text("referral")])
        let second = try Migrator().migrate(on: connection)
        #expect(second.applied.isEmpty && second.indexesBuilt.isEmpty && second.changedSinceApplied.isEmpty)
        #expect(try connection.query(named: "count", "SELECT count(*) AS n FROM viral_metrics")[0].int("n") == 1)
        let versions = try connection.query(named: "history", "SELECT version FROM growth_report_migrations ORDER BY version").map { try $0.int("version") }
        #expect(versions == Schema.migrations.map(\.version))
        try SchemaCheck.verify(on: connection)
    }

    @Test func anIndexDroppedAfterItsMigrationIsBuiltAgain() throws {
        let (connection, _) = try TestDatabase.migrated("repair")
        try connection.execute(
            named: "insert", "INSERT INTO ab_test_assignments (user_email, test_name, variant) VALUES ($1, $2, $3)",
            parameters: [.text("a@example.com"), .text("t"), .text("control")])
        try connection.execute(named: "drop", "DROP INDEX ab_test_assignments_test_created_idx")
        let dryRun = try Migrator().pendingSQL(on: connection)
        #expect(dryRun.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS ab_test_assignments_test_created_idx"))
        #expect(!dryRun.contains("nothing to do"))
        let outcome = try Migrator().migrate(on: connection)
        #expect(outcome.applied.isEmpty && outcome.indexesBuilt == ["ab_test_assignments_test_created_idx"])
        let again = try Migrator().migrate(on: connection)
        #expect(again.indexesBuilt.isEmpty)
        #expect(try Migrator().pendingSQL(on: connection).contains("nothing to do"))
    }

    @Test func everyReportIndexExistsAndIsValid() throws {
        let (connection, _) = try TestDatabase.migrated("indexes")
        let rows = try connection.query(
            named: "indexes",
            """
            SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = ANY($1)
            """, parameters: [.textArray(Schema.indexes.map(\.name))])
        #expect(Set(try rows.map { try $0.string("name") }) == Set(Schema.indexes.map(\.name)))
        #expect(try rows.allSatisfy { try $0.decode("valid", as: Bool.self) })
    }

    @Test func existingSeedTablesWithDataGetTheRestConcurrently() throws {
        let (connection, _) = try TestDatabase.connect("existing")
        // A database that grew from the seed plan: its four tables, holding rows, no product tables.
        let seedOnly = Migrator(migrations: [Schema.migrations[0]])
        try seedOnly.migrate(on: connection)
        try connection.executeScript(named: "drop_history", "DROP TABLE growth_report_migrations")
        try connection.execute(
            named: "rows",
            """
            INSERT INTO ab_test_assignments (user_email, test_name, variant) SELECT 'u' || g || '@example.com', 'checkout', 'control'
            FROM generate_series(1, 1000) g
            """)
        let outcome = try Migrator().migrate(on: connection)
        #expect(outcome.applied == Schema.migrations.map(\.version))
        #expect(outcome.indexesBuilt.count == Schema.indexes.count)
        #expect(try connection.query(named: "count", "SELECT count(*) AS n FROM ab_test_assignments")[0].int("n") == 1000)
    }

    @Test func anInvalidIndexFromAnInterruptedBuildIsRebuilt() throws {
        let (connection, _) = try TestDatabase.migrated("invalid")
        try connection.execute(
            named: "rows", "INSERT INTO conversion_events (user_email, event_type) VALUES ($1, $2)",
            parameters: [.text("a@example.com"), .text("signup")])
        // Mark the index invalid, as an interrupted CREATE INDEX CONCURRENTLY leaves it.
        try connection.executeScript(
            named: "invalidate",
            """
            UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'conversion_events_occurred_at_idx'::regclass;
            DELETE FROM growth_report_migrations WHERE version = 3;
            """)
        let outcome = try Migrator().migrate(on: connection)
        #expect(outcome.indexesBuilt == ["conversion_events_occurred_at_idx"])
        let valid = try connection.query(
            named: "valid", "SELECT indisvalid AS v FROM pg_index WHERE indexrelid = 'conversion_events_occurred_at_idx'::regclass")
        #expect(try valid[0].decode("v", as: Bool.self))
    }

    @Test func anInterruptedMigrationLeavesNothingBehind() throws {
        let (connection, conninfo) = try TestDatabase.connect("interrupted")
        try Migrator(migrations: [Schema.migrations[0]]).migrate(on: connection)
        try connection.executeScript(named: "forget", "DROP TABLE growth_report_migrations")
        // Another session holds viral_metrics, so building its index waits until the timeout.
        let blocker = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        try blocker.execute(named: "begin", "BEGIN")
        try blocker.execute(named: "lock", "LOCK TABLE viral_metrics IN ACCESS EXCLUSIVE MODE")
        let impatient = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, statementTimeoutMilliseconds: 500))
        #expect { try Migrator().migrate(on: impatient) } throws: { ($0 as? DatabaseError)?.sqlState == "57014" }
        try blocker.execute(named: "commit", "COMMIT")
        let left = try connection.query(
            named: "left",
            """
            SELECT to_regclass('partner_costs') IS NULL AS no_costs, to_regclass('growth_report_migrations') IS NULL AS no_history
            """)[0]
        #expect(try left.decode("no_costs", as: Bool.self))
        #expect(try left.decode("no_history", as: Bool.self))
        // And a later run completes.
        #expect(try Migrator().migrate(on: connection).applied == Schema.migrations.map(\.version))
    }

    @Test func dryRunPrintsTheSQLAndChangesNothing() throws {
        let (connection, _) = try TestDatabase.connect("dry")
        let sql = try Migrator().pendingSQL(on: connection)
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS viral_metrics"))
        #expect(sql.contains("CREATE INDEX IF NOT EXISTS conversion_events_occurred_at_idx"))
        #expect(try connection.query(named: "none", "SELECT to_regclass('viral_metrics') IS NULL AS absent")[0].decode("absent", as: Bool.self))
        try Migrator().migrate(on: connection)
        #expect(try Migrator().pendingSQL(on: connection).contains("nothing to do"))
    }

    @Test func aForeignVersionOfASeedTableIsCaught() throws {
        let (connection, _) = try TestDatabase.connect("foreign")
        try connection.executeScript(named: "foreign", "CREATE TABLE viral_metrics (id bigint PRIMARY KEY, user_email text)")
        #expect { try Migrator().migrate(on: connection) } throws: { error in
            (error as? SchemaMismatch)?.table == "viral_metrics"
        }
        // Nothing of the run is left: it was one transaction.
        #expect(try connection.query(named: "none", "SELECT to_regclass('partner_costs') IS NULL AS absent")[0].decode("absent", as: Bool.self))
    }
}
