import Database
import Foundation
import Reports
import TestSupport
import Testing

/// `metrics refresh` against hand-built rows whose answers are known: window edges, the
/// clock's day in a zone, the metadata, and a later clock always winning — in sequence and
/// when two refreshes meet on the row lock.
@Suite struct RealTimeMetricsRefreshTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// Wednesday 25 Nov 2026, 23:30 UTC: 18:30 in New York (the 25th), 08:30 on the 26th in Tokyo.
    static let asOf = Date(timeIntervalSince1970: 1_795_649_400)

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// Rows around the window `[asOf − 24 h, asOf)` and the days 25 and 26 November.
    static func database(_ label: String) throws -> (PostgresConnection, String) {
        let (connection, conninfo) = try TestDatabase.migrated(label)
        let start = asOf.addingTimeInterval(-86_400)
        func at(_ date: Date, _ seconds: Double = 0) -> String { "'\(timestamp(date.addingTimeInterval(seconds)))'" }
        try connection.executeScript(
            named: "rows",
            """
            INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at) VALUES
              ('a@x', 'signup', 0, \(at(start))),         -- the window's first instant: counted
              ('b@x', 'signup', 0, \(at(asOf, -1))),      -- its last second: counted
              ('c@x', 'signup', 0, \(at(asOf))),          -- the clock itself: not
              ('d@x', 'signup', 0, \(at(start, -1))),     -- a second before the window: not
              ('e@x', 'purchase', 10, \(at(asOf, -60)));  -- not a signup
            INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at) VALUES
              ('a@x', 'linkedin_share', 'linkedin', '{}', \(at(start))),
              ('b@x', 'linkedin_share', NULL, '{}', \(at(asOf, -3600))),
              ('c@x', 'linkedin_share', 'linkedin', NULL, \(at(asOf, -1))),
              ('d@x', 'linkedin_share', 'linkedin', '{}', \(at(asOf))),
              ('e@x', 'twitter_share', 'twitter', '{}', \(at(asOf, -60))),
              ('f@x', 'referral', 'linkedin', '{}', \(at(asOf, -60)));
            INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated, analytics_period) VALUES
              ('Acme', 'affiliate', 5, 100, '2026-11-25'), ('Beta', 'influencer', 7, 50, '2026-11-25'),
              ('Acme', 'affiliate', 4, 80, '2026-11-26'), ('Gamma', 'affiliate', 100, 1, '2026-11-24'),
              ('Delta', 'affiliate', NULL, 0, '2026-11-25');
            -- Written by someone else, with a clock ahead of ours: replaced all the same.
            INSERT INTO real_time_metrics VALUES ('daily_signups', 999, '{"source": "seed"}', '2027-01-01T00:00:00Z');
            """)
        return (connection, conninfo)
    }

    static func stored(_ connection: PostgresConnection) throws -> [String: (value: Decimal, metadata: String, updated: Date)] {
        var rows: [String: (value: Decimal, metadata: String, updated: Date)] = [:]
        for row in try connection.query(
            Statement("stored", "SELECT metric_name, metric_value, metric_metadata::text AS metadata, last_updated FROM real_time_metrics"))
        {
            rows[try row.string("metric_name")] = (try row.decode("metric_value"), try row.string("metadata"), try row.timestamp("last_updated"))
        }
        return rows
    }

    @Test func countsTheWindowAndTheDayExactly() throws {
        let (connection, _) = try Self.database("rtm_exact")
        let outcome = try RealTimeMetricsRefresh(asOf: Self.asOf, timeZone: TimeZone(identifier: "America/New_York")!).run(on: connection)
        #expect(outcome.keptNewer.isEmpty)
        #expect(outcome.written.map(\.name) == ["daily_signups", "linkedin_shares", "partner_conversions"])
        #expect(outcome.written.map(\.value) == [2, 3, 12])
        // partner_conversions read three rows of the 25th (one without customers counts as none).
        #expect(outcome.written.map(\.rowsRead) == [2, 3, 3])
        let stored = try Self.stored(connection)
        #expect(stored["daily_signups"]?.value == 2)
        #expect(stored["daily_signups"]?.updated == Self.asOf)
        let metadata = try #require(stored["daily_signups"]?.metadata)
        #expect(metadata.contains(#""window_start": "2026-11-24T23:30:00+00:00""#), "\(metadata)")
        #expect(metadata.contains(#""window_end": "2026-11-25T23:30:00+00:00""#), "\(metadata)")
        #expect(metadata.contains(#""rows_read": 2"#) && metadata.contains(#""refreshed_by": "growth-report metrics refresh""#))
        #expect(!metadata.contains("seed"), "the seed's metadata is replaced, not merged: \(metadata)")
        #expect(try #require(stored["partner_conversions"]?.metadata).contains(#""analytics_period": "2026-11-25""#))

        // In Tokyo the clock's day is the 26th.
        let tokyo = try RealTimeMetricsRefresh(asOf: Self.asOf.addingTimeInterval(1), timeZone: TimeZone(identifier: "Asia/Tokyo")!)
            .run(on: connection)
        #expect(tokyo.written.last == RefreshedMetric(name: "partner_conversions", value: 4, rowsRead: 1))
    }

    @Test func aRefreshWithAnEarlierClockLeavesTheLaterOne() throws {
        let (connection, _) = try Self.database("rtm_order")
        _ = try RealTimeMetricsRefresh(asOf: Self.asOf, timeZone: Self.utc).run(on: connection)
        let earlier = try RealTimeMetricsRefresh(asOf: Self.asOf.addingTimeInterval(-3600), timeZone: Self.utc).run(on: connection)
        #expect(earlier.written.isEmpty)
        #expect(earlier.keptNewer == RealTimeMetricsRefresh.names)
        #expect(try Self.stored(connection)["linkedin_shares"]?.updated == Self.asOf)
        // The same clock again rewrites (a rerun after a fix); a later one too.
        #expect(try RealTimeMetricsRefresh(asOf: Self.asOf, timeZone: Self.utc).run(on: connection).written.count == 3)
        let later = try RealTimeMetricsRefresh(asOf: Self.asOf.addingTimeInterval(60), timeZone: Self.utc).run(on: connection)
        #expect(later.written.count == 3)
        #expect(try Self.stored(connection)["linkedin_shares"]?.updated == Self.asOf.addingTimeInterval(60))
    }

    /// One refresh holds the rows (its transaction open) while the other waits on them; either
    /// order of clocks, the later clock's values are what stays.
    @Test(arguments: [true, false])
    func twoRefreshesAtOnceKeepTheLaterClock(firstIsLater: Bool) throws {
        let label = "rtm_race_\(firstIsLater ? "a" : "b")"
        let (connection, conninfo) = try Self.database(label)
        let late = Self.asOf, early = Self.asOf.addingTimeInterval(-600)
        let first = RealTimeMetricsRefresh(asOf: firstIsLater ? late : early, timeZone: Self.utc)
        let second = RealTimeMetricsRefresh(asOf: firstIsLater ? early : late, timeZone: Self.utc)
        try connection.execute(Statement("begin", "BEGIN"))
        _ = try connection.query(first.statement)
        let finished = DispatchSemaphore(value: 0)
        let outcome = LockedBox<Result<RealTimeMetricsOutcome, Error>?>(nil)
        Thread {
            outcome.value = Result {
                let other = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
                return try second.run(on: other)
            }
            finished.signal()
        }.start()
        // The second waits on the row lock until the first commits.
        #expect(finished.wait(timeout: .now() + 1) == .timedOut)
        try connection.execute(Statement("commit", "COMMIT"))
        #expect(finished.wait(timeout: .now() + 30) == .success)
        let result = try #require(outcome.value).get()
        #expect(result.written.count == (firstIsLater ? 0 : 3))
        let stored = try Self.stored(connection)
        #expect(RealTimeMetricsRefresh.names.allSatisfy { stored[$0]?.updated == late }, "\(stored)")
    }
}

/// A value one thread writes and another reads after a semaphore.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
