import Database
import Foundation
import TestSupport
import Testing

/// SQL injection through every option whose value reaches a query or the session: each payload
/// is refused with one line (64, or 65 where it names no test or variant), or is legal and
/// matches nothing (0); every table's checksum and the list of relations stay as they were.
@Suite struct DataAttackInjectionTests {
    static let payloads = [
        "x'; DROP TABLE viral_metrics; --",
        "x' OR '1'='1",
        "$1",
        "\\",
        "\\'; DROP TABLE viral_metrics; --",
        "x\"; DROP TABLE viral_metrics; --",
        "$$; DROP TABLE viral_metrics; $$",
        "x')::text; DELETE FROM partner_costs; --",
        "tiny_test' --",
        "purchase' OR event_type <> '",
        // The kernel ends an argument at its NUL: the command sees "x".
        "x\u{0}'; DROP TABLE viral_metrics; --",
    ]

    /// One database for the suite: nothing here may write to it.
    static let database: Result<(name: String, conninfo: String), Error> = Result { try DataAttack.tinyNamed("inject_sql") }

    struct Attack: CustomStringConvertible {
        var command: String
        var arguments: [String]
        /// The exit code: 0 when the value is legal and matches nothing.
        var status: Int32
        var description: String { "\(command) \(arguments)" }
    }

    /// Every option that reaches a query, with `payload` as its value (and, for the period, zone
    /// and clock options, after a valid value too).
    static func attacks(_ payload: String) -> [Attack] {
        let week = ["--week", "2026-W47"], asOf = ["--as-of", "2026-11-25"]
        var attacks = [
            Attack(command: "ab-test", arguments: week + asOf + ["--test", payload], status: 65),
            Attack(command: "ab-test", arguments: week + asOf + ["--event", payload], status: 0),
            Attack(command: "ab-test", arguments: week + asOf + ["--control", payload], status: 65),
            Attack(command: "ab-test", arguments: week + asOf + ["--weights", payload], status: 64),
            Attack(command: "attribution", arguments: week + asOf + ["--event", payload], status: 0),
            Attack(command: "weekly", arguments: week + asOf + ["--currency", payload], status: 64),
        ]
        for value in [payload, "Europe/Berlin" + payload] {
            attacks.append(Attack(command: "viral", arguments: week + asOf + ["--timezone", value], status: 64))
        }
        for value in [payload, "2026-W47" + payload] {
            attacks.append(Attack(command: "partner-roi", arguments: asOf + ["--week", value], status: 64))
        }
        for value in [payload, "2026-11" + payload] {
            attacks.append(Attack(command: "attribution", arguments: asOf + ["--month", value], status: 64))
        }
        for value in [payload, "2026-11-16" + payload] {
            attacks.append(Attack(command: "viral", arguments: asOf + ["--from", value, "--to", "2026-11-22"], status: 64))
            attacks.append(Attack(command: "exec-summary", arguments: asOf + ["--from", "2026-11-16", "--to", value], status: 64))
        }
        for value in [payload, "2026-11-25T10:00:00Z" + payload] {
            attacks.append(Attack(command: "ab-test", arguments: week + ["--as-of", value], status: 64))
        }
        return attacks
    }

    /// What the command receives of `payload`.
    static func received(_ payload: String) -> String { String(payload.prefix { $0 != "\u{0}" }) }

    @Test(arguments: payloads)
    func payloadThroughEveryOptionChangesNothing(payload: String) throws {
        let conninfo = try Self.database.get().conninfo
        let before = try DataAttack.checksums(conninfo)
        for attack in Self.attacks(payload) {
            let folder = try CommandRunner.temporaryDirectory("attack-sql")
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try CommandRunner.run(
                [attack.command] + attack.arguments
                    + ["--quiet", "--format", "csv", "--database-url", conninfo, "--output", folder.path])
            #expect(result.status == attack.status, "\(attack): \(result.status) \(result.stderr)")
            if attack.status == 0 {
                #expect(result.stderr.isEmpty, "\(attack): \(result.stderr)")
                let pack = folder.appendingPathComponent("2026-W47")
                if attack.command == "attribution" {
                    // The payload is an event type no row has: nothing is counted, nothing more.
                    let quality = try DataAttack.quality(pack.appendingPathComponent("attribution-data-quality.csv"))
                    #expect(quality["conversions read"] == 0, "\(attack): \(quality)")
                    #expect(quality["conversions in the period (every event type)"] == 6, "\(attack): \(quality)")
                } else {
                    let variants = try DataAttack.table(pack.appendingPathComponent("ab-test.csv"))
                    #expect(variants.count == 2 && variants.allSatisfy { $0["conversions"] == "0" }, "\(attack): \(variants)")
                }
            } else {
                DataAttack.expectOneErrorLine(result, "\(attack)")
                #expect(DataAttack.folderEntries(folder).isEmpty, "\(attack): \(DataAttack.folderEntries(folder))")
            }
            if attack.arguments.contains("--test") {
                #expect(result.stderr.contains("There is no test named '\(terminalVisible(Self.received(payload)))'"), "\(attack): \(result.stderr)")
            }
        }
        #expect(try DataAttack.checksums(conninfo) == before, "\(payload.debugDescription)")
    }

    @Test(arguments: payloads)
    func payloadAsTheSubjectIsTheSubject(payload: String) throws {
        let conninfo = try Self.database.get().conninfo
        let before = try DataAttack.checksums(conninfo)
        let folder = try CommandRunner.temporaryDirectory("attack-sql-subject")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            ["exec-summary"] + DataAttack.period
                + [
                    "--quiet", "--database-url", conninfo, "--output", folder.path, "--format", "eml",
                    "--mail-from", "reports@example.com", "--mail-to", "ceo@example.com", "--subject", payload,
                ])
        #expect(result.status == 0, "\(result.stderr)")
        let eml = try ExecSummaryCommandTests.read(folder.appendingPathComponent("2026-W47/exec-summary.eml"))
        let headers = try #require(eml["headers"] as? [String: Any])
        #expect(headers["subject"] as? String == Self.received(payload))
        #expect(try DataAttack.checksums(conninfo) == before)
    }

    /// Tricks in the connection string do what libpq and the server make of them, and no more:
    /// a session option cannot make a report write.
    @Test func connectionStringTricksChangeNothing() throws {
        let (name, conninfo) = try Self.database.get()
        let url = try TestDatabase.cluster().url(database: name)
        let before = try DataAttack.checksums(conninfo)
        let cases: [(String, Int32)] = [
            // The schema is not on the path: the tables are missing (65), nothing else happens.
            (conninfo + " options='-c search_path=nowhere'", 65),
            (url + "&options=-c%20search_path%3D%22x%27%3BDROP%5C%20TABLE%5C%20viral_metrics%3B--%22", 65),
            // A search_path the server cannot parse: the connection is refused as misconfigured (64).
            (url + "&options=-c%20search_path%3Dx%27%3BDROP%5C%20TABLE%5C%20viral_metrics%3B--", 64),
            // Read-write defaults do not make the read-only report transaction writable.
            (conninfo + " options='-c default_transaction_read_only=off -c transaction_read_only=off'", 0),
            (conninfo + " options='-c default_transaction_isolation=serializable -c statement_timeout=0'", 0),
            (conninfo + " application_name='x\\'; DROP TABLE viral_metrics; --'", 0),
            (url + "&application_name=x%27%3B%20DROP%20TABLE%20viral_metrics%3B--", 0),
            // libpq ignores sslmode on a Unix socket.
            (conninfo + " sslmode=require", 0),
            // The server refuses an option it cannot parse (a space without its backslash): 69.
            (conninfo + " options='-c search_path=x\\'\\;DROP\\ TABLE viral_metrics'", 69),
            (conninfo + " options='-c session_preload_libraries=evil'", 69),
            (conninfo + " dbname='\(name); DROP TABLE viral_metrics'", 69),
            (conninfo + " service=evil", 69),
            // libpq refuses a NUL, percent-encoded, and text that is no conninfo: 64.
            (url.replacingOccurrences(of: "?", with: "%00x?"), 64),
            (url + "&options=%00", 64),
            (conninfo + " x'; DROP TABLE viral_metrics; --", 64),
            ("x' OR '1'='1", 64),
            ("$1", 64),
            ("\\", 64),
        ]
        for (target, status) in cases {
            for command in ["viral", "partner-roi"] {
                let folder = try CommandRunner.temporaryDirectory("attack-conninfo")
                defer { try? FileManager.default.removeItem(at: folder) }
                let result = try CommandRunner.run(
                    [command] + DataAttack.period + [
                        "--quiet", "--format", "csv", "--output", folder.path,
                        "--database-url", target,
                    ])
                #expect(result.status == status, "\(command) \(target): \(result.status) \(result.stderr)")
                if status == 0 {
                    #expect(result.stderr.isEmpty, "\(target): \(result.stderr)")
                } else {
                    DataAttack.expectOneErrorLine(result, target)
                    #expect(DataAttack.folderEntries(folder).isEmpty, "\(target)")
                }
            }
        }
        // The same through --replica-url (which the report reads) and DATABASE_URL.
        let folder = try CommandRunner.temporaryDirectory("attack-conninfo-other")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["viral"] + DataAttack.period + ["--quiet", "--format", "csv", "--output", folder.path]
        let replica = try CommandRunner.run(arguments + ["--database-url", conninfo, "--replica-url", cases[0].0])
        #expect(replica.status == 65, "\(replica.stderr)")
        DataAttack.expectOneErrorLine(replica, "--replica-url")
        let environment = try CommandRunner.run(arguments, environment: ["DATABASE_URL": conninfo + " options='-c transaction_read_only=off'"])
        #expect(environment.status == 0, "\(environment.stderr)")
        #expect(try DataAttack.checksums(conninfo) == before)
    }
}

/// `Console.visible` of the CLI, as the tests expect it: terminal controls written `\u{…}`.
func terminalVisible(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x09: result.unicodeScalars.append(scalar)
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
            result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}
