import Database
import Foundation
import Rendering
import Reports
import TestSupport

/// A migrated database with rows in all six tables, loaded with `INSERT … SELECT
/// generate_series` and analyzed, and report-like statements over it for 2026-W47.
struct DoctorFixture {
    static let utc = TimeZone(identifier: "UTC")!
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!

    let connection: PostgresConnection
    let conninfo: String

    /// `viralRows` viral actions spread evenly over the `viralDays` days before the period's
    /// end; partners, tests and conversions over 26 weeks.
    init(
        _ label: String, viralRows: Int = 40_000, viralDays: Int = 182, seeds: Bool = true,
        on database: (String) throws -> (PostgresConnection, String) = TestDatabase.migrated
    ) throws {
        (connection, conninfo) = try database(label)
        if seeds { try seed(viralRows: viralRows, viralDays: viralDays) }
    }

    func seed(viralRows: Int, viralDays: Int) throws {
        let end = Self.period.end, last = Self.period.last
        let span = Double(viralDays * 86_400)
        try connection.execute(
            Statement(
                "seed_viral",
                """
                INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
                SELECT 'user' || (g % 5000) || '@example.com', (ARRAY['linkedin_share', 'referral', 'review'])[1 + g % 3],
                       (ARRAY['linkedin', 'twitter', 'youtube', 'email'])[1 + g % 4],
                       jsonb_build_object('impressions', g % 200, 'clicks', g % 20, 'conversions', g % 3),
                       \(end) - make_interval(secs => (g::float8 / \(viralRows)::float8) * \(PostgresValue.double(span)))
                FROM generate_series(1, \(viralRows)) AS g
                """))
        try connection.execute(
            Statement(
                "seed_partners",
                """
                INSERT INTO partnership_analytics (partner_name, partner_type, referral_source, customers_acquired,
                                                   revenue_generated, conversion_rate, analytics_period)
                SELECT 'partner ' || p, (ARRAY['celebrity', 'youtube', 'tech'])[1 + p % 3], 'ref-' || p, p % 7,
                       (p * 10.5)::numeric(10,2), 2.5, \(last)::date - d
                FROM generate_series(1, 20) AS p, generate_series(0, 181) AS d
                """))
        try connection.execute(
            Statement(
                "seed_costs",
                """
                INSERT INTO partner_costs (partner_name, analytics_period, cost)
                SELECT 'partner ' || p, \(last)::date - d, (p * 3.25)::numeric(10,2)
                FROM generate_series(1, 20) AS p, generate_series(0, 181) AS d
                """))
        try connection.execute(
            Statement(
                "seed_ab",
                """
                INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
                SELECT 'user' || g || '@example.com', 'test_' || (g % 6), CASE WHEN g % 2 = 0 THEN 'control' ELSE 'B' END,
                       CASE WHEN g % 9 = 0 THEN 'signup' END, CASE WHEN g % 9 = 0 THEN \(end) - make_interval(hours => g % 4000) END,
                       \(end) - make_interval(hours => g % 4368)
                FROM generate_series(1, 20000) AS g
                """))
        try connection.execute(
            Statement(
                "seed_conversions",
                """
                INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
                SELECT 'user' || (g % 5000) || '@example.com', CASE WHEN g % 4 = 0 THEN 'purchase' ELSE 'signup' END,
                       (g % 50)::numeric(12,2), \(end) - make_interval(mins => g * 26)
                FROM generate_series(1, 10000) AS g
                """))
        try connection.execute(
            Statement(
                "seed_real_time",
                """
                INSERT INTO real_time_metrics (metric_name, metric_value, last_updated)
                SELECT 'metric_' || g, g * 1.5, \(end) FROM generate_series(1, 5) AS g
                """))
        try analyze()
    }

    /// Fresh planner statistics, with this session's row counts flushed first so the counts
    /// since the last ANALYZE start from zero.
    func analyze() throws {
        try connection.query(Statement("flush_stats", "SELECT pg_stat_force_next_flush()"))
        try connection.execute(Statement("analyze", "ANALYZE"))
    }

    /// A readout of `statements()` (or those given) on this database.
    func readout(analyzes: Bool = false, _ reports: [DoctorReport.ReportStatements]? = nil) throws -> DoctorReadout {
        try DoctorReport(period: Self.period, analyzes: analyzes).readout(of: reports ?? Self.statements(), on: connection)
    }

    /// Statements shaped like the reports': each reads the period's rows through a range on
    /// the indexed column; a begin statement that the doctor skips; a NULL cast in the SQL.
    static func statements(_ period: ReportPeriod = period) -> [DoctorReport.ReportStatements] {
        let start = period.start, end = period.end, previous = period.previous
        let event: String? = nil
        return [
            .init(
                report: "viral",
                statements: [
                    Statement(
                        "viral_tallies",
                        """
                        SELECT count(*) AS actions, count(DISTINCT user_email COLLATE "C") AS users
                        FROM viral_metrics WHERE created_at >= \(start) AND created_at < \(end)
                        """),
                    Statement(
                        "viral_groups",
                        """
                        SELECT source_platform, action_type, count(*) AS actions,
                               coalesce(sum(CASE WHEN jsonb_typeof(reach_metrics -> 'clicks') = 'number' THEN (reach_metrics -> 'clicks')::numeric END), 0) AS clicks
                        FROM viral_metrics WHERE created_at >= \(start) AND created_at < \(end)
                        GROUP BY source_platform, action_type ORDER BY 1, 2
                        """),
                ]),
            .init(
                report: "partner-roi",
                statements: [
                    Statement(
                        "partner_roi_lines",
                        """
                        SELECT partner_name, sum(customers_acquired) AS customers, sum(revenue_generated) AS revenue
                        FROM partnership_analytics WHERE analytics_period BETWEEN \(previous.first) AND \(period.last)
                        GROUP BY partner_name ORDER BY partner_name
                        """)
                ]),
            .init(
                report: "ab-test",
                statements: [
                    Statement(
                        "ab_test_active",
                        """
                        SELECT DISTINCT test_name FROM ab_test_assignments
                        WHERE created_at >= \(start) AND created_at < \(end) ORDER BY test_name
                        """)
                ]),
            .init(
                report: "attribution",
                statements: [
                    Statement(
                        "attribution_conversions",
                        """
                        SELECT event_type, count(*) AS conversions FROM conversion_events
                        WHERE occurred_at >= \(start) AND occurred_at < \(end)
                          AND (\(event)::text IS NULL OR event_type = \(event)::text)
                        GROUP BY event_type ORDER BY event_type
                        """)
                ]),
            .init(
                report: "exec-summary",
                statements: [
                    Statement("begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
                    Statement("real_time_metrics", "SELECT metric_name, metric_value FROM real_time_metrics ORDER BY metric_name"),
                    Statement("commit", "COMMIT"),
                ]),
        ]
    }

    static func context(_ readout: DoctorReadout, options: [Reproducibility.Setting] = []) -> ReportContext {
        ReportContext(
            period: period, asOf: period.end, readoutEnd: period.end,
            reproducibility: ReportContext.reproducibility(
                period: period, asOf: period.end, generatedAt: period.end, toolVersion: "test", options: options,
                statements: []))
    }

    /// Whether the server can create hypopg (the Debian package postgresql-NN-hypopg).
    func hypopgIsAvailable() throws -> Bool {
        try connection.query(Statement("hypopg_available", "SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'hypopg'"))
            .first?.int("n") == 1
    }
}

extension DoctorReadout {
    func plan(_ name: String) -> StatementPlan? { statements.first { $0.name == name } }
}
