/// Checks that the tables the reports read have the columns and types they expect, so that a
/// database that held its own version of a seed table is caught at migrate time, not mid-report.
public enum SchemaCheck {
    /// Column → `information_schema.columns.data_type`, per table.
    public static let expectedColumns: [String: [String: String]] = [
        "real_time_metrics": [
            "metric_name": "text", "metric_value": "numeric", "metric_metadata": "jsonb",
            "last_updated": "timestamp with time zone",
        ],
        "partnership_analytics": [
            "id": "uuid", "partner_name": "text", "partner_type": "text", "referral_source": "text",
            "customers_acquired": "integer", "revenue_generated": "numeric", "conversion_rate": "numeric",
            "analytics_period": "date", "created_at": "timestamp with time zone",
        ],
        "viral_metrics": [
            "id": "uuid", "user_email": "text", "action_type": "text", "source_platform": "text",
            "reach_metrics": "jsonb", "created_at": "timestamp with time zone",
        ],
        "ab_test_assignments": [
            "id": "uuid", "user_email": "text", "test_name": "text", "variant": "text",
            "conversion_event": "text", "converted_at": "timestamp with time zone",
            "created_at": "timestamp with time zone",
        ],
        "partner_costs": [
            "id": "uuid", "partner_name": "text", "analytics_period": "date", "cost": "numeric",
            "created_at": "timestamp with time zone",
        ],
        "conversion_events": [
            "id": "uuid", "user_email": "text", "event_type": "text", "revenue": "numeric",
            "occurred_at": "timestamp with time zone",
        ],
    ]

    /// - Parameter requireAll: false to check only the tables that exist.
    /// - Throws: `SchemaMismatch` naming the first table and column that differ.
    public static func verify(on connection: PostgresConnection, requireAll: Bool = true) throws {
        let rows = try connection.query(
            named: "schema_columns",
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = ANY($1)
            ORDER BY table_name, ordinal_position
            """, parameters: [.textArray(Schema.tables)])
        var actual: [String: [String: String]] = [:]
        for row in rows {
            actual[try row.string("table_name"), default: [:]][try row.string("column_name")] = try row.string("data_type")
        }
        for table in Schema.tables {
            guard let columns = actual[table] else {
                if requireAll { throw SchemaMismatch(table: table, problem: "is missing", isMissing: true) }
                continue
            }
            for (column, type) in expectedColumns[table, default: [:]].sorted(by: { $0.key < $1.key }) {
                guard let found = columns[column] else {
                    throw SchemaMismatch(table: table, problem: "has no column \(column)")
                }
                if found != type {
                    throw SchemaMismatch(table: table, problem: "column \(column) is \(found), expected \(type)")
                }
            }
        }
    }
}

/// The database holds a table the reports cannot read.
public struct SchemaMismatch: Error, Sendable, CustomStringConvertible {
    public var table: String
    public var problem: String
    /// The table does not exist at all (`db migrate` creates it), rather than differing.
    public var isMissing = false

    public var description: String {
        if isMissing { return "Table \(table) is missing; run `growth-report db migrate` first." }
        return "Table \(table) \(problem), so the reports cannot read it; rename or fix that table, then run `growth-report db migrate` again."
    }
}
