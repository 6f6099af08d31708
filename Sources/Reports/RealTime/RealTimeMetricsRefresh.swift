import Database
import Foundation

/// The seed plan's three `real_time_metrics` rows, computed from the tables and upserted in one
/// statement (`growth-report metrics refresh`; README, "Real-time metrics"):
///
/// - `daily_signups`: `conversion_events` with `event_type = 'signup'` and `occurred_at` in
///   the 24 hours before the clock, `[asOf − 24 h, asOf)`;
/// - `linkedin_shares`: `viral_metrics` with `action_type = 'linkedin_share'` and `created_at`
///   in the same 24 hours (whatever `source_platform` says);
/// - `partner_conversions`: the sum of `customers_acquired` of the `partnership_analytics` rows
///   whose `analytics_period` is the clock's day in the time zone.
///
/// Each is read by an index range (`conversion_events_occurred_at_idx`,
/// `viral_metrics_created_at_idx`, `partnership_analytics_period_idx`). `last_updated` is the
/// clock, `metric_metadata` the window, the day and the rows read. A row a refresh wrote is
/// only replaced by a refresh with a later clock: two runs at once (cron every minute) leave
/// the later one's values, whichever commits first — the upsert locks the row and compares
/// again. A row written otherwise (the seed, another tool) is replaced whatever its time.
public struct RealTimeMetricsRefresh: Sendable {
    /// The window of the two event counts.
    public static let window: TimeInterval = 86_400

    public var asOf: Date
    public var timeZone: TimeZone

    public init(asOf: Date, timeZone: TimeZone) {
        self.asOf = asOf
        self.timeZone = timeZone
    }

    public var windowStart: Date { asOf.addingTimeInterval(-Self.window) }

    /// The `analytics_period` of `partner_conversions`: the clock's day in the zone.
    public var day: CalendarDate { ReportPeriod.localDate(of: asOf, in: timeZone) }

    /// The three counts, as the upsert computes them (what `EXPLAIN` is asked about).
    public var figures: SQL {
        let start = windowStart, end = asOf
        return """
            SELECT 'daily_signups'::text AS metric_name, count(*)::numeric AS metric_value,
                   jsonb_build_object('unit', 'signups', 'source', 'conversion_events', 'event_type', 'signup',
                                      'window_start', \(start)::timestamptz, 'window_end', \(end)::timestamptz,
                                      'rows_read', count(*)) AS metric_metadata
            FROM conversion_events
            WHERE event_type = 'signup' AND occurred_at >= \(start) AND occurred_at < \(end)
            UNION ALL
            SELECT 'linkedin_shares', count(*)::numeric,
                   jsonb_build_object('unit', 'shares', 'source', 'viral_metrics', 'action_type', 'linkedin_share',
                                      'window_start', \(start)::timestamptz, 'window_end', \(end)::timestamptz,
                                      'rows_read', count(*))
            FROM viral_metrics
            WHERE action_type = 'linkedin_share' AND created_at >= \(start) AND created_at < \(end)
            UNION ALL
            SELECT 'partner_conversions', coalesce(sum(customers_acquired), 0)::numeric,
                   jsonb_build_object('unit', 'customers', 'source', 'partnership_analytics',
                                      'analytics_period', \(day)::date, 'rows_read', count(*))
            FROM partnership_analytics
            WHERE analytics_period = \(day)
            """
    }

    /// The upsert: returns the rows it wrote (a row kept for a later refresh is not among them).
    public var statement: Statement {
        Statement(
            "real_time_metrics_refresh",
            """
            WITH figures AS (
            \(figures)
            )
            INSERT INTO real_time_metrics AS m (metric_name, metric_value, metric_metadata, last_updated)
            SELECT metric_name, metric_value,
                   metric_metadata || jsonb_build_object('refreshed_by', 'growth-report metrics refresh'), \(asOf)
            FROM figures
            ON CONFLICT (metric_name) DO UPDATE
            SET metric_value = EXCLUDED.metric_value, metric_metadata = EXCLUDED.metric_metadata,
                last_updated = EXCLUDED.last_updated
            WHERE m.last_updated IS NULL OR m.last_updated <= EXCLUDED.last_updated
               OR m.metric_metadata ->> 'refreshed_by' IS DISTINCT FROM 'growth-report metrics refresh'
            RETURNING metric_name, metric_value, (metric_metadata ->> 'rows_read')::bigint AS rows_read
            """)
    }

    /// The names refreshed, in the order above.
    public static let names = ["daily_signups", "linkedin_shares", "partner_conversions"]

    /// Runs the upsert in its own transaction.
    /// - Throws: `DatabaseError` (a missing table, a role without INSERT or UPDATE on
    ///   `real_time_metrics`, …).
    public func run(on connection: PostgresConnection) throws -> RealTimeMetricsOutcome {
        let written = try connection.transaction {
            try connection.query(statement) { row in
                RefreshedMetric(
                    name: try row.string("metric_name"), value: try row.decode("metric_value"), rowsRead: try row.int("rows_read"))
            }
        }
        let names = Set(written.map(\.name))
        return RealTimeMetricsOutcome(
            written: Self.names.compactMap { name in written.first { $0.name == name } },
            keptNewer: Self.names.filter { !names.contains($0) })
    }
}

/// One metric as a refresh wrote it.
public struct RefreshedMetric: Sendable, Equatable {
    public var name: String
    public var value: Decimal
    public var rowsRead: Int

    public init(name: String, value: Decimal, rowsRead: Int) {
        self.name = name
        self.value = value
        self.rowsRead = rowsRead
    }
}

/// What a refresh wrote, and which rows it left because a refresh with a later clock had
/// written them already.
public struct RealTimeMetricsOutcome: Sendable, Equatable {
    public var written: [RefreshedMetric]
    public var keptNewer: [String]
}
