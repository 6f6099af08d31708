import Database
import Foundation
import TestSupport
import Testing

/// `--replica-url` against a real streaming replica of the test cluster (`pg_basebackup -R`
/// over its socket): reports read there and give what the primary gives; `db` commands that
/// write never go there.
@Suite(.serialized) struct ReplicaTests {
    static func manifestDatabase(_ folder: URL) throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let options = try #require(manifest["options"] as? [[String: String]])
        return try #require(options.first { $0["name"] == "database" }?["value"])
    }

    @Test func aReportFromTheReplicaIsTheReportFromThePrimary() throws {
        let primary = try DoctorCommandTests.seeded("replica_reads")
        var replica = try TestReplica.caughtUp(with: primary)
        let output = try CommandRunner.temporaryDirectory("replica")
        defer { try? FileManager.default.removeItem(at: output) }
        func run(_ name: String, replicaURL: String?) throws -> URL {
            let folder = output.appendingPathComponent(name)
            let result = try CommandRunner.run(
                ["partner-roi"] + DoctorCommandTests.period + ["--quiet", "--format", "csv", "--output", folder.path, "--database-url", primary]
                    + (replicaURL.map { ["--replica-url", $0] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
            return folder.appendingPathComponent("2026-W47")
        }
        let fromPrimary = try run("primary", replicaURL: nil)
        let fromReplica = try run("replica", replicaURL: replica)
        let socket = try TestReplica.cluster().socketDirectory
        let readFrom = try Self.manifestDatabase(fromReplica), primaryRead = try Self.manifestDatabase(fromPrimary)
        #expect(readFrom.contains("@\(socket):"), "\(readFrom)")
        #expect(!primaryRead.contains("@\(socket):"), "\(primaryRead)")
        for file in ["partner-roi.csv", "partner-roi-by-type.csv", "partner-roi-data-quality.csv"] {
            #expect(
                try Data(contentsOf: fromReplica.appendingPathComponent(file)) == Data(contentsOf: fromPrimary.appendingPathComponent(file)),
                "\(file)")
        }

        // A write on the primary reaches the report from the replica once replayed.
        let connection = try DataAttack.connect(primary)
        try connection.executeScript(
            named: "new_partner",
            """
            INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated, analytics_period)
            VALUES ('Replica Check Partner', 'affiliate', 3, 12345.67, '2026-11-18')
            """)
        replica = try TestReplica.caughtUp(with: primary)
        let after = try run("replica_after", replicaURL: replica)
        let csv = try String(contentsOf: after.appendingPathComponent("partner-roi.csv"), encoding: .utf8)
        #expect(csv.contains("Replica Check Partner"), "\(csv.prefix(400))")
    }

    @Test func dbCommandsThatWriteUseThePrimary() throws {
        let primary = try TestDatabase.create("replica_migrate")
        let replica = try TestReplica.caughtUp(with: primary)
        // Were it sent to the replica, CREATE TABLE would fail: a hot standby is read-only.
        let migrate = try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", primary, "--replica-url", replica])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let refresh = try CommandRunner.run([
            "metrics", "refresh", "--quiet", "--as-of", "2026-11-25", "--database-url", primary, "--replica-url", replica,
        ])
        #expect(refresh.status == 0, "\(refresh.stderr)")
        // And the replica is read-only: the same migration sent there on purpose is refused.
        let direct = try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", try TestReplica.caughtUp(with: primary)])
        #expect(direct.status != 0)
        #expect(direct.stderr.contains("read-only transaction") || direct.stderr.contains("recovery"), "\(direct.stderr)")
    }
}
