import Database
import Foundation
import Reports
import TestSupport

/// Hand-built `conversion_events` and `viral_metrics` rows whose credits are worked out by hand,
/// inserted with parameters. Times are given relative to `noon`, Wednesday 18 Nov 2026 (UTC).
struct AttributionFixture {
    let connection: PostgresConnection
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: TimeZone(identifier: "UTC")!)!
    /// 2026-11-18 12:00 UTC, inside 2026-W47.
    static let noon = Date(timeIntervalSince1970: 1_794_787_200 + 2 * 86_400 + 12 * 3_600)
    static let day: TimeInterval = 86_400

    init(_ label: String) throws {
        (connection, _) = try TestDatabase.migrated(label)
    }

    /// One conversion of `user` at `at`.
    func convert(_ user: String, at: Date = noon, revenue: String = "0", event: String = "purchase") throws {
        try connection.execute(
            named: "fixture_conversion",
            """
            INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at) VALUES ($1, $2, $3::numeric, $4)
            """, parameters: [.text(user), .text(event), .text(revenue), .timestamp(at)])
    }

    /// One growth action of `user` on `platform` (nil: a null platform) at `at`, with an optional id.
    func touch(_ user: String, _ platform: String?, at: Date, id: String? = nil) throws {
        try connection.execute(
            named: "fixture_touch",
            """
            INSERT INTO viral_metrics (id, user_email, action_type, source_platform, created_at)
            VALUES (coalesce($1::uuid, gen_random_uuid()), $2, 'referral', $3, $4)
            """,
            parameters: [
                id.map(PostgresValue.text) ?? .null, .text(user), platform.map(PostgresValue.text) ?? .null,
                .timestamp(at),
            ])
    }

    /// The readout of 2026-W47 with `options`.
    func readout(_ options: AttributionOptions = AttributionOptions()) throws -> AttributionReport.Readout {
        try AttributionReport(period: Self.period, options: options).readout(on: connection)
    }
}

extension AttributionResult {
    /// Credited conversions per channel under `model`, channels with none left out.
    func conversions(_ model: AttributionModel) -> [String: Double] {
        var result: [String: Double] = [:]
        for credit in byModel[model] ?? [] where credit.conversions != 0 { result[credit.channel] = credit.conversions }
        return result
    }

    /// Credited revenue per channel under `model`, channels with none left out.
    func revenue(_ model: AttributionModel) -> [String: Decimal] {
        var result: [String: Decimal] = [:]
        for credit in byModel[model] ?? [] where credit.revenue != 0 { result[credit.channel] = credit.revenue }
        return result
    }
}

/// `lhs` and `rhs` hold the same keys with values within `tolerance`.
func isClose(_ lhs: [String: Double], _ rhs: [String: Double], tolerance: Double = 1e-9) -> Bool {
    Set(lhs.keys) == Set(rhs.keys) && lhs.allSatisfy { abs($0.value - rhs[$0.key]!) <= tolerance }
}

func money(_ text: String) -> Decimal { Decimal(string: text)! }
