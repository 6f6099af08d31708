import Database
import Foundation
import TestSupport
import Testing

/// `growth-report metrics refresh` as cron runs it: the three values on stdout, the same in
/// the table; bad options and a role that may only read, one line and their exit codes.
@Suite struct MetricsRefreshCommandTests {
    static let clock = "2026-11-22T18:00:00Z"

    @Test func refreshesTheThreeRowsFromTheSeededTables() throws {
        let conninfo = try DoctorCommandTests.seeded("metrics_refresh")
        let result = try CommandRunner.run(["metrics", "refresh", "--as-of", Self.clock, "--database-url", conninfo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.errorLines.last
                == "Refreshed 3 of 3 metrics as of 22 Nov 2026, 18:00 UTC (the 24 hours before it; partner_conversions for 2026-11-22).",
            "\(result.stderr)")
        // What the statement wrote, against the definitions counted here independently.
        let connection = try DataAttack.connect(conninfo)
        let expected = try #require(
            try connection.query(
                named: "expected",
                """
                SELECT (SELECT count(*) FROM conversion_events WHERE event_type = 'signup'
                          AND occurred_at >= '2026-11-21T18:00:00Z' AND occurred_at < '2026-11-22T18:00:00Z') AS signups,
                       (SELECT count(*) FROM viral_metrics WHERE action_type = 'linkedin_share'
                          AND created_at >= '2026-11-21T18:00:00Z' AND created_at < '2026-11-22T18:00:00Z') AS shares,
                       (SELECT coalesce(sum(customers_acquired), 0) FROM partnership_analytics
                          WHERE analytics_period = '2026-11-22') AS customers
                """
            ).first)
        let values = [try expected.int("signups"), try expected.int("shares"), try expected.int("customers")]
        #expect(values.allSatisfy { $0 > 0 }, "the seed has rows in the window: \(values)")
        #expect(
            result.stdout.split(separator: "\n").map(String.init)
                == zip(["daily_signups", "linkedin_shares", "partner_conversions"], values).map { "\($0)\t\($1)" })
        let stored = try connection.query(
            named: "stored", "SELECT metric_name, metric_value::bigint AS v, last_updated FROM real_time_metrics ORDER BY 1")
        #expect(try stored.map { try $0.int("v") } == values)
        #expect(try stored.allSatisfy { try $0.timestamp("last_updated") == Date(timeIntervalSince1970: 1_795_370_400) })

        // Run again with an earlier clock: nothing replaced, and it says so.
        let earlier = try CommandRunner.run(["metrics", "refresh", "--as-of", "2026-11-22T17:59:00Z", "--database-url", conninfo])
        #expect(earlier.status == 0, "\(earlier.stderr)")
        #expect(earlier.stdout.isEmpty)
        #expect(earlier.errorLines.contains { $0.hasPrefix("Kept daily_signups, linkedin_shares, partner_conversions: a refresh with a later clock") })
    }

    @Test func badOptionsAreOneLineAndExit64() throws {
        let conninfo = try DataAttack.tinyNamed("metrics_bad").conninfo
        for (arguments, needle) in [
            (["--timezone", "Mars/Olympus"], "Unknown --timezone 'Mars/Olympus'"),
            (["--as-of", "yesterday"], "--as-of"),
        ] {
            let result = try CommandRunner.run(["metrics", "refresh", "--database-url", conninfo] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            DataAttack.expectOneErrorLine(result, "\(arguments)")
            #expect(result.stderr.contains(needle), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aSelectOnlyRoleExits77AndChangesNothing() throws {
        let (name, conninfo) = try DataAttack.tinyNamed("metrics_select_only")
        let role = try DataAttackPrivilegeTests.Role()
        try role.grantSelect(on: conninfo, database: name)
        let before = try DataAttack.checksums(conninfo)
        let result = try CommandRunner.run(["metrics", "refresh", "--as-of", Self.clock, "--database-url", role.login(conninfo)])
        DataAttackPrivilegeTests.expectPermissionDenied(result, "metrics refresh", naming: "table real_time_metrics")
        #expect(try DataAttack.checksums(conninfo) == before)
    }
}
