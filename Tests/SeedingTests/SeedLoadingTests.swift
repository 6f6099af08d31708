import Database
import Foundation
import Seeding
import TestSupport
import Testing

/// The seed as PostgreSQL stores it: a content checksum per table for a fixed seed, computed
/// by the server over the loaded rows, so the whole path (generation, COPY, types) is pinned.
@Suite struct SeedLoadingTests {
    /// `md5` of every row's text, in id order, per table, for `SmallSeed.plan`.
    /// Re-record (from the printed line) only after an intended change to the generators.
    static let pinned: [String: String] = [
        "ab_test_assignments": "8b6b5af3905ea515b218ec4eacaf055d",
        "conversion_events": "f5f874ba9b7eb552ee67184f7a93c393",
        "partner_costs": "bf0320167b28cc7b34fb12cc917247a8",
        "partnership_analytics": "2f3c95e936fa4fb421f4458c6c3688fc",
        "real_time_metrics": "d00e77d407ee3ebb37a25dddfc225efe",
        "viral_metrics": "1e6e273e9315fafddf7b5a829ea8cbe2",
    ]

    static func contentChecksums(_ connection: PostgresConnection) throws -> [String: String] {
        var sums: [String: String] = [:]
        for table in Schema.tables {
            let key = table == "real_time_metrics" ? "metric_name" : "id"
            let quoted = try connection.quoteIdentifier(table)
            sums[table] = try connection.query(
                named: "checksum_\(table)",
                """
                SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.\(key))) AS sum, count(*) AS n FROM \(quoted) t
                """)[0].string("sum")
        }
        return sums
    }

    @Test func theSameSeedLoadsTheSameRows() throws {
        let (first, _) = try TestDatabase.migrated("seed_a")
        let (second, _) = try TestDatabase.migrated("seed_b")
        let results = try SeedLoader(plan: SmallSeed.plan, mode: .emptyOnly).load(into: first)
        _ = try SeedLoader(plan: SmallSeed.plan, mode: .emptyOnly).load(into: second)
        for result in results {
            #expect(result.rows == SmallSeed.plan.generator(for: result.table)?.rowCount, "\(result.table)")
        }
        let sums = try Self.contentChecksums(first)
        print("content checksums: \(sums.sorted { $0.key < $1.key })")
        #expect(try Self.contentChecksums(second) == sums)
        #expect(sums == Self.pinned)
    }

    @Test func aRefusedSeedChangesNothingAndReplaceIsAtomic() throws {
        let (connection, _) = try TestDatabase.migrated("seed_refuse")
        try SeedLoader(plan: SmallSeed.plan, mode: .emptyOnly).load(into: connection)
        let before = try Self.contentChecksums(connection)
        #expect(throws: SeedError.self) { try SeedLoader(plan: SmallSeed.plan, mode: .emptyOnly).load(into: connection) }
        #expect(throws: SeedError.self) { try SeedLoader(plan: SmallSeed.plan, mode: .append).load(into: connection) }
        #expect(try Self.contentChecksums(connection) == before)
        // A --replace that fails part way (here: a statement timeout) leaves the old rows.
        let conninfo = try TestDatabase.create("seed_timeout")
        let migrated = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        try Migrator().migrate(on: migrated)
        try SeedLoader(plan: SmallSeed.plan, mode: .emptyOnly).load(into: migrated)
        let kept = try Self.contentChecksums(migrated)
        let impatient = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, statementTimeoutMilliseconds: 1))
        #expect(throws: DatabaseError.self) {
            try SeedLoader(plan: SeedPlan(scale: .small, seed: 9, lastDay: SmallSeed.lastDay), mode: .replace).load(into: impatient)
        }
        #expect(try Self.contentChecksums(migrated) == kept)
    }

    /// The report indexes, valid, as `db migrate` made them.
    static func reportIndexes(_ connection: PostgresConnection) throws -> [String] {
        try connection.query(
            named: "report_indexes",
            """
            SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = ANY($1) AND i.indisvalid AND i.indisready
            ORDER BY 1
            """, parameters: [.textArray(Schema.indexes.map(\.name))]
        ).map { try $0.string("definition") }
    }

    @Test func reportIndexesAreRebuiltAfterALoadFromEmptyAndSurviveAFailedOne() throws {
        let (connection, conninfo) = try TestDatabase.migrated("seed_indexes")
        let migrated = try Self.reportIndexes(connection)
        #expect(migrated.count == Schema.indexes.count)
        try SeedLoader(plan: SmallSeed.plan, mode: .emptyOnly).load(into: connection)
        #expect(try Self.reportIndexes(connection) == migrated)
        try SchemaCheck.verify(on: connection)
        // The planner uses them on the loaded rows.
        let plan = try connection.query(
            named: "explain",
            """
            EXPLAIN SELECT count(*) FROM viral_metrics WHERE created_at >= '2026-11-16' AND created_at < '2026-11-17'
            """
        ).map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
        #expect(plan.contains("viral_metrics_created_at_idx"), "\(plan)")
        // A --replace that fails after dropping them leaves them in place.
        let impatient = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, statementTimeoutMilliseconds: 1))
        #expect(throws: DatabaseError.self) {
            try SeedLoader(plan: SeedPlan(scale: .small, seed: 9, lastDay: SmallSeed.lastDay), mode: .replace).load(into: impatient)
        }
        #expect(try Self.reportIndexes(connection) == migrated)
    }
}
