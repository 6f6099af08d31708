import Database
import Foundation
import TestSupport

/// Hand-built `ab_test_assignments` rows whose answers are known, inserted with parameters.
struct ABTestFixture {
    let connection: PostgresConnection
    /// 2026-W47: Monday 16 Nov to Sunday 22 Nov 2026 (UTC).
    static let periodStart = Date(timeIntervalSince1970: 1_794_787_200) // 2026-11-16 00:00 UTC
    static let periodEnd = periodStart.addingTimeInterval(7 * 86_400)

    init(_ label: String) throws {
        (connection, _) = try TestDatabase.migrated(label)
    }

    /// `users` users of `variant`, the first `converting` of whom converted to `event`.
    /// Times are offsets in hours from the period's start.
    func add(
        test: String?, variant: String?, users: Int, converting: Int, prefix: String,
        assignedAt hours: Double = 24, convertedAfter conversionHours: Double = 2, event: String = "purchase",
        email: Bool = true
    ) throws {
        try connection.execute(
            named: "fixture_rows",
            """
            INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
            SELECT CASE WHEN $7 THEN $1 || g || '@example.com' END, $2, $3,
                   CASE WHEN g <= $5 THEN $8 END,
                   CASE WHEN g <= $5 THEN $6::timestamptz + make_interval(secs => $9::double precision) END,
                   $6::timestamptz
            FROM generate_series(1, $4::int) AS g
            """,
            parameters: [
                .text(prefix), test.map(PostgresValue.text) ?? .null, variant.map(PostgresValue.text) ?? .null,
                .int(users), .int(converting), .timestamp(Self.periodStart.addingTimeInterval(hours * 3600)),
                .bool(email), .text(event), .double(conversionHours * 3600),
            ])
    }
}
