import Database
import Foundation
import TestSupport
import Testing

/// The readout through the binary, on hand-built rows whose answers are known: two and three
/// variants, Fisher territory, a sample-ratio mismatch, multiple exposures, null e-mails and
/// conversions after the period — checked in the CSV a user would open.
@Suite struct ABTestScenarioTests {
    static func add(
        _ connection: PostgresConnection, _ test: String, _ variant: String?, users: Int, converting: Int,
        prefix: String, email: Bool = true, convertedAt: String = "2026-11-18 10:00+00"
    ) throws {
        try connection.execute(
            named: "rows",
            """
            INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
            SELECT CASE WHEN $6 THEN $1 || g || '@example.com' END, $2, $3, CASE WHEN g <= $5 THEN 'purchase' END,
                   CASE WHEN g <= $5 THEN $7::timestamptz END, timestamptz '2026-11-17 09:00+00'
            FROM generate_series(1, $4::int) AS g
            """,
            parameters: [
                .text(prefix), .text(test), variant.map(PostgresValue.text) ?? .null, .int(users),
                .int(converting), .bool(email), .text(convertedAt),
            ])
    }

    /// CSV rows keyed by their first two fields.
    static func rows(_ text: String) -> [String: [String: String]] {
        let lines = text.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        var result: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            result[line[0] + "/" + (header.count > 1 && header[1] == "variant" ? line[1] : "")] =
                Dictionary(uniqueKeysWithValues: zip(header, line))
        }
        return result
    }

    @Test func knownAnswersInTheCSV() throws {
        let (connection, conninfo) = try TestDatabase.migrated("scenarios")
        try Self.add(connection, "two", "control", users: 1000, converting: 100, prefix: "a")
        try Self.add(connection, "two", "b", users: 1000, converting: 130, prefix: "b")
        try Self.add(connection, "three", "control", users: 500, converting: 50, prefix: "c")
        try Self.add(connection, "three", "x", users: 500, converting: 45, prefix: "d")
        try Self.add(connection, "three", "y", users: 500, converting: 55, prefix: "e")
        try Self.add(connection, "fisher", "control", users: 18, converting: 0, prefix: "f")
        try Self.add(connection, "fisher", "b", users: 20, converting: 5, prefix: "g")
        try Self.add(connection, "srm", "control", users: 6000, converting: 600, prefix: "h")
        try Self.add(connection, "srm", "b", users: 4000, converting: 800, prefix: "i")
        try Self.add(connection, "dirty", "control", users: 100, converting: 10, prefix: "j")
        try Self.add(connection, "dirty", "b", users: 100, converting: 10, prefix: "k")
        try Self.add(connection, "dirty", "b", users: 5, converting: 0, prefix: "j") // j1…j5 saw both
        try Self.add(connection, "dirty", "control", users: 7, converting: 7, prefix: "n", email: false) // null e-mail
        try Self.add(connection, "dirty", "b", users: 4, converting: 4, prefix: "late", convertedAt: "2026-11-24 10:00+00")
        let folder = try CommandRunner.temporaryDirectory("scenarios")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run([
            "ab-test", "--week", "2026-W47", "--format", "csv", "--database-url", conninfo,
            "--output", folder.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let period = folder.appendingPathComponent("2026-W47")
        let variants = Self.rows(try String(contentsOf: period.appendingPathComponent("ab-test.csv"), encoding: .utf8))
        let tests = Self.rows(try String(contentsOf: period.appendingPathComponent("ab-test-tests.csv"), encoding: .utf8))
        let quality = try String(contentsOf: period.appendingPathComponent("ab-test-data-quality.csv"), encoding: .utf8)

        #expect(variants["two/b"]?["conversion_rate"] == "0.13")
        #expect(variants["two/b"]?["test_used"] == "z-test")
        #expect(variants["two/b"]?["p_value"]?.hasPrefix("0.03548845046") == true) // statsmodels proportions_ztest
        #expect(variants["two/control"]?["p_value"] == "")
        #expect(tests["two/"]?["verdict"] == "ship b")

        #expect(tests["three/"]?["variants"] == "3")
        #expect(tests["three/"]?["omnibus_p_value"]?.isEmpty == false)
        #expect(tests["two/"]?["omnibus_p_value"] == "")

        #expect(variants["fisher/b"]?["test_used"] == "fisher")
        #expect(variants["fisher/b"]?["uplift_rel"] == "") // p_c = 0
        // …and the data-quality table counts it with its reason.
        #expect(
            quality.contains(
                "\"variants without relative uplift: undefined, because the control converted nobody, so a relative change has no baseline\",1\r\n"),
            "\(quality)")

        #expect(tests["srm/"]?["srm_flag"] == "true")
        #expect(tests["srm/"]?["verdict"] == "SRM — results untrustworthy")

        #expect(tests["dirty/"]?["multiple_exposures"] == "5")
        #expect(tests["dirty/"]?["excluded_rows"] == "7")
        #expect(variants["dirty/control"]?["users"] == "95")
        #expect(variants["dirty/b"]?["users"] == "104")
        #expect(variants["dirty/b"]?["conversions"] == "10") // the 4 late ones do not count
        #expect(quality.contains("conversions at or after the readout end (not counted),4\r\n"))
    }
}
