import Database
import Foundation
import TestSupport
import Testing

/// docs/scale-out.md, checked where it can be: the three event tables sharded by `user_email`
/// with PostgreSQL's own machinery — hash partitions that are `postgres_fdw` foreign tables on
/// two other servers — and every report of the weekly pack gives the CSV it gives on one server.
@Suite struct ShardedTablesTests {
    @Test func everyReportGivesTheSameCSVThroughHashPartitionsOnTwoShardServers() throws {
        let conninfo = try DoctorCommandTests.seeded("sharded")
        let connection = try DataAttack.connect(conninfo)
        let output = try CommandRunner.temporaryDirectory("sharded")
        defer { try? FileManager.default.removeItem(at: output) }
        let single = try PartitionCommandTests.weeklyCSV(conninfo, output: output, name: "one-server")
        let totals = try PartitionCommandTests.tables.map { try PartitionCommandTests.fingerprint(connection, $0) }

        // Each shard: a database with the tables of db migrate, empty.
        var script = "CREATE EXTENSION postgres_fdw;\n"
        for (index, shard) in try TestShards.servers().enumerated() {
            let database = try TestDatabase.create("shard\(index)", on: shard)
            let migrate = try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", database])
            #expect(migrate.status == 0, "\(migrate.stderr)")
            let name = try #require(database.split(separator: " ").first { $0.hasPrefix("dbname=") }?.dropFirst(7))
            script += """
                CREATE SERVER shard\(index) FOREIGN DATA WRAPPER postgres_fdw
                  OPTIONS (host '\(shard.socketDirectory)', port '\(shard.port)', dbname '\(name)', async_capable 'true', fetch_size '10000');
                CREATE USER MAPPING FOR CURRENT_USER SERVER shard\(index) OPTIONS (user '\(shard.user)');

                """
        }
        // Each event table becomes hash partitions by user_email, one per shard; its rows move there.
        for table in PartitionCommandTests.tables {
            script += """
                ALTER TABLE \(table) RENAME TO \(table)_local;
                CREATE TABLE \(table) (LIKE \(table)_local INCLUDING DEFAULTS) PARTITION BY HASH (user_email);
                CREATE FOREIGN TABLE \(table)_shard0 PARTITION OF \(table) FOR VALUES WITH (MODULUS 2, REMAINDER 0)
                  SERVER shard0 OPTIONS (table_name '\(table)');
                CREATE FOREIGN TABLE \(table)_shard1 PARTITION OF \(table) FOR VALUES WITH (MODULUS 2, REMAINDER 1)
                  SERVER shard1 OPTIONS (table_name '\(table)');
                INSERT INTO \(table) SELECT * FROM \(table)_local;
                DROP TABLE \(table)_local;
                ANALYZE \(table);

                """
        }
        let database = try DataAttackPrivilegeTests.databaseName(conninfo)
        script += """
            ALTER DATABASE \(database) SET enable_partitionwise_aggregate = on;
            ALTER DATABASE \(database) SET enable_partitionwise_join = on;
            """
        try connection.executeScript(named: "shard", script)

        // The rows live on the shards now, split between them, none lost.
        for (table, total) in zip(PartitionCommandTests.tables, totals) {
            #expect(try PartitionCommandTests.fingerprint(connection, table) == total, "\(table)")
            for shard in ["shard0", "shard1"] {
                let rows = try connection.query(Statement("shard_rows", "SELECT count(*)::bigint AS n FROM \(raw: table)_\(raw: shard)"))[0].int("n")
                #expect(rows > 0, "\(table) has no rows on \(shard)")
            }
        }
        let local = try connection.query(
            Statement(
                "local_rows",
                "SELECT count(*)::bigint AS n FROM pg_class WHERE relname = ANY(\(PartitionCommandTests.tables.map { $0 + "_local" }))"))[0].int("n")
        #expect(local == 0)

        let sharded = try PartitionCommandTests.weeklyCSV(conninfo, output: output, name: "sharded")
        #expect(sharded.keys.sorted() == single.keys.sorted() && sharded.count == 21, "\(sharded.keys.sorted())")
        for (name, data) in single {
            #expect(sharded[name] == data, "\(name) differs when the event tables are sharded")
        }
    }
}
