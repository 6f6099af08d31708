import Database
import Foundation
import TestSupport
import Testing

/// The command line end to end: exit codes of SPEC §5, one clear line per failure, and no
/// password in any output.
@Suite struct CommandLineTests {
    @Test(arguments: [
        ["--help"], ["db", "--help"], ["db", "migrate", "--help"], ["db", "seed", "--help"],
        ["db", "start", "--help"], ["db", "stop", "--help"], ["db", "status", "--help"], ["demo", "--help"],
    ])
    func helpIsPrinted(_ arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: growth-report"))
    }

    @Test func malformedURLIsBadUsageOnOneLine() throws {
        let result = try CommandRunner.run(["db", "migrate", "--database-url", "postgresql://u:S3cret-Malformed@host:notaport/db"])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("Invalid database URL"))
        #expect(!(result.stderr + result.stdout).contains("S3cret-Malformed"))
    }

    @Test(arguments: [
        "postgresql://u:Leak%zzSecret@host/db", "postgresql://u:Leak%ZZ@host/db?password=Leak%zzSecret",
        "host=h password='Leak Secret' port=x",
    ])
    func aPasswordInsideTheBrokenPartIsStillMasked(_ url: String) throws {
        let result = try CommandRunner.run(["db", "migrate", "--verbose", "--database-url", url])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(!result.stderr.contains("Leak"))
    }

    @Test(arguments: ["postgresql://alice:s3cr/etValue@db/app", "postgresql://alice:hunter@42xyz@db.example.com/app"])
    func anUnencodedAtOrSlashInThePasswordIsRefusedWithoutQuotingIt(_ url: String) throws {
        let result = try CommandRunner.run(["db", "migrate", "--database-url", url])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("percent-encode"))
        for piece in ["s3cr", "etValue", "hunter", "42xyz"] { #expect(!result.stderr.contains(piece)) }
    }

    @Test func anUnmigratedDatabaseSaysToMigrate() throws {
        let conninfo = try TestDatabase.create("unmigrated")
        let result = try CommandRunner.run(["ab-test", "--week", "2026-W47", "--database-url", conninfo])
        #expect(result.status == 65)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("db migrate"))
    }

    @Test func malformedURLFromTheEnvironmentToo() throws {
        let result = try CommandRunner.run(["db", "migrate"], environment: ["DATABASE_URL": "postgres://x:Env-S3cret@[::1/db"])
        #expect(result.status == 64)
        #expect(!result.stderr.contains("Env-S3cret"))
    }

    @Test func unreachableServerExits69() throws {
        let empty = try CommandRunner.temporaryDirectory("nosrv")
        let result = try CommandRunner.run([
            "db", "migrate", "--database-url",
            "postgresql://app:Unreach-S3cret@/db?host=\(empty.path)&port=5999",
        ])
        #expect(result.status == 69)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("Could not connect"))
        #expect(!result.stderr.contains("Unreach-S3cret"))
    }

    @Test func wrongPasswordExits69AndIsNeverPrinted() throws {
        let endpoint = try PasswordRole.prepare()
        let url = "postgresql://\(PasswordRole.name):Bad-Passw0rd-Here@/postgres?host=\(endpoint.socketDirectory)&port=\(endpoint.port)"
        for arguments in [["db", "migrate", "--database-url", url], ["db", "migrate", "--verbose", "--database-url", url]] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 69)
            #expect(result.errorLines.count == 1)
            #expect(result.stderr.contains("refused the credentials"))
            #expect(!(result.stderr + result.stdout).contains("Bad-Passw0rd-Here"))
        }
        // PGPASSWORD is masked too, and --verbose never shows the right password either.
        let viaEnvironment = try CommandRunner.run(
            [
                "db", "migrate", "--verbose", "--database-url",
                "host=\(endpoint.socketDirectory) port=\(endpoint.port) user=\(PasswordRole.name) dbname=postgres",
            ],
            environment: ["PGPASSWORD": PasswordRole.password])
        #expect(!(viaEnvironment.stderr + viaEnvironment.stdout).contains(PasswordRole.password))
    }

    @Test func missingDatabaseExits69() throws {
        let endpoint = try TestDatabase.cluster()
        let result = try CommandRunner.run(["db", "migrate", "--database-url", endpoint.conninfo(database: "nowhere_db")])
        #expect(result.status == 69)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("nowhere_db"))
    }

    @Test func unknownScaleIsBadUsage() throws {
        let result = try CommandRunner.run(["db", "seed", "--scale", "huge"])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("huge"))
    }

    @Test(arguments: ["0", "521", "-3", "many"])
    func aHistoryOutsideOneTo520WeeksIsBadUsage(_ weeks: String) throws {
        let result = try CommandRunner.run(["db", "seed", "--weeks", weeks])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("--weeks") || result.stderr.contains("weeks"))
    }

    @Test func appendAndReplaceTogetherIsBadUsage() throws {
        let result = try CommandRunner.run(["db", "seed", "--append", "--replace"])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
    }

    @Test func migrateSeedAndTheirRefusals() throws {
        let conninfo = try TestDatabase.create("cli")
        let dryRun = try CommandRunner.run(["db", "migrate", "--dry-run", "--database-url", conninfo])
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout.contains("CREATE TABLE IF NOT EXISTS partner_costs"))
        #expect(dryRun.stdout.split(separator: "\n").count > 20 && !dryRun.stdout.contains("\\u{"), "the SQL as lines: \(dryRun.stdout.prefix(300))")

        let seedBeforeMigrate = try CommandRunner.run(["db", "seed", "--database-url", conninfo])
        #expect(seedBeforeMigrate.status == 65)
        #expect(seedBeforeMigrate.stderr.contains("db migrate"))

        #expect(try CommandRunner.run(["db", "migrate", "--database-url", conninfo]).status == 0)
        let again = try CommandRunner.run(["db", "migrate", "--database-url", conninfo])
        #expect(again.status == 0)
        #expect(again.stderr.contains("up to date"))

        let seed = try CommandRunner.run(["db", "seed", "--scale", "small", "--seed", "3", "--as-of", "2026-11-25", "--database-url", conninfo])
        #expect(seed.status == 0, "\(seed.stderr)")
        #expect(seed.stderr.contains("rows/s"))
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo))
        func count(_ table: String) throws -> Int {
            try connection.query(named: "count", "SELECT count(*) AS n FROM \(try connection.quoteIdentifier(table))")[0].int("n")
        }
        let viral = try count("viral_metrics")
        #expect(viral > 50_000)
        for table in Schema.tables { #expect(try count(table) > 0, "\(table)") }

        let refused = try CommandRunner.run(["db", "seed", "--seed", "3", "--database-url", conninfo])
        #expect(refused.status == 65)
        #expect(refused.errorLines.count == 1)
        #expect(refused.stderr.contains("--append") && refused.stderr.contains("--replace"))

        let sameSeed = try CommandRunner.run(["db", "seed", "--append", "--seed", "3", "--as-of", "2026-11-25", "--database-url", conninfo])
        #expect(sameSeed.status == 65)
        #expect(try count("viral_metrics") == viral)

        let appended = try CommandRunner.run(["db", "seed", "--append", "--seed", "4", "--as-of", "2026-11-25", "--database-url", conninfo])
        #expect(appended.status == 0, "\(appended.stderr)")
        #expect(try count("viral_metrics") == 2 * viral)

        let replaced = try CommandRunner.run(["db", "seed", "--replace", "--seed", "3", "--as-of", "2026-11-25", "--database-url", conninfo])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try count("viral_metrics") == viral)
    }
}
