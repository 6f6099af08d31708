import Database
import Foundation
import TestSupport

/// Hand-built `viral_metrics` rows whose answers are known, inserted with parameters.
struct ViralFixture {
    let connection: PostgresConnection
    /// 2026-W47: Monday 16 Nov to Sunday 22 Nov 2026 (UTC).
    static let periodStart = Date(timeIntervalSince1970: 1_794_787_200) // 2026-11-16 00:00 UTC
    static let periodEnd = periodStart.addingTimeInterval(7 * 86_400)

    init(_ label: String) throws {
        (connection, _) = try TestDatabase.migrated(label)
    }

    /// One row; `reach` is JSON text (nil: SQL NULL), `hours` an offset from the period's start.
    func add(
        email: String?, action: String? = "referral", platform: String? = "linkedin", reach: String?,
        hours: Double = 24
    ) throws {
        try connection.execute(
            named: "viral_fixture_row",
            """
            INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
            VALUES ($1, $2, $3, $4::jsonb, $5)
            """,
            parameters: [
                email.map(PostgresValue.text) ?? .null, action.map(PostgresValue.text) ?? .null,
                platform.map(PostgresValue.text) ?? .null, reach.map(PostgresValue.jsonb) ?? .null,
                .timestamp(Self.periodStart.addingTimeInterval(hours * 3600)),
            ])
    }

    /// `{"impressions": i, "clicks": c, "conversions": v}`.
    static func reach(_ impressions: Int, _ clicks: Int, _ conversions: Int) -> String {
        #"{"impressions": \#(impressions), "clicks": \#(clicks), "conversions": \#(conversions)}"#
    }
}
