import Database
import Digest
import Foundation
import TestSupport
import Testing

/// `db archive` on 130 weeks of seeded history: whole months move to the archive schema and
/// no row is lost (counts and checksums of table and archive together, and of the export);
/// a second run does nothing; a report of an archived week says so, and with
/// `--include-archive` gives the figures it gave before the months moved.
@Suite struct ArchiveCommandTests {
    static let oldWeek = ["--week", "2024-W45", "--as-of", "2024-11-13"]

    /// Rows and checksum of a table together with its archived months.
    static func fingerprint(_ connection: PostgresConnection, _ table: String) throws -> String {
        let archived = try connection.query(
            Statement(
                "archived_tables",
                """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'archive' AND c.relkind = 'r' AND c.relname LIKE \(table + "_%")
                ORDER BY 1
                """)
        ).map { "archive." + (try $0.string("relname")) }
        let union = (["public." + table] + archived).map { "SELECT * FROM \($0)" }.joined(separator: " UNION ALL ")
        return try PartitionCommandTests.fingerprint(connection, "(\(union))")
    }

    @Test func monthsMoveWholeNothingIsLostAndReportsSayItOrReadIt() throws {
        let conninfo = try TestDatabase.create("archive_history")
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "9", "--weeks", "130", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let connection = try DataAttack.connect(conninfo)
        let (databaseName, _) = (try DataAttackPrivilegeTests.databaseName(conninfo), 0)
        let role = try DataAttackPrivilegeTests.Role()
        try role.grantSelect(on: conninfo, database: databaseName)
        let output = try CommandRunner.temporaryDirectory("archive")
        defer { try? FileManager.default.removeItem(at: output) }

        // Not partitioned: refused, with the command that would make it possible.
        let refused = try CommandRunner.run(["db", "archive", "--database-url", conninfo])
        #expect(refused.status == 65, "\(refused.stderr)")
        DataAttack.expectOneErrorLine(refused, "unpartitioned")
        #expect(
            refused.stderr.contains("viral_metrics is not partitioned") && refused.stderr.contains("growth-report db partition viral_metrics"),
            "\(refused.stderr)")

        #expect(try CommandRunner.run(["db", "partition", "--quiet", "--database-url", conninfo]).status == 0)
        let tables = PartitionCommandTests.tables
        let before = try tables.map { try Self.fingerprint(connection, $0) }
        func weekly(_ name: String, _ extra: [String] = [], url: String? = nil) throws -> URL {
            let folder = output.appendingPathComponent(name)
            let result = try CommandRunner.run(
                ["weekly"] + Self.oldWeek + ["--quiet", "--format", "csv,html", "--output", folder.path, "--database-url", url ?? conninfo] + extra)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            return folder.appendingPathComponent("2024-W45")
        }
        let plain = try weekly("before")

        // Keep the months from December 2024 on, whatever today's date.
        let keep = try connection.query(
            Statement(
                "keep",
                "SELECT ((extract(year FROM now() AT TIME ZONE 'UTC') - 2024) * 12 + extract(month FROM now() AT TIME ZONE 'UTC') - 12)::int AS months"
            ))[0].int("months")
        let dry = try CommandRunner.run(["db", "archive", "--dry-run", "--keep-months", "\(keep)", "--database-url", conninfo])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("viral_metrics: would archive viral_metrics_2024_11 ("), "\(dry.stdout)")
        #expect(!dry.stdout.contains("viral_metrics_2024_12"), "\(dry.stdout)")
        #expect(try connection.query(Statement("archive_schema", "SELECT to_regnamespace('archive') IS NULL AS absent"))[0].decode("absent", as: Bool.self))

        let exports = output.appendingPathComponent("exports")
        let run = try CommandRunner.run(["db", "archive", "--keep-months", "\(keep)", "--export", exports.path, "--database-url", conninfo])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.count >= 15 && lines.allSatisfy { $0.count == 6 }, "\(run.stdout)")
        for line in lines {
            // table, month, rows, archive table, file, sha256: the file is what the line says.
            let file = URL(fileURLWithPath: line[4])
            #expect(try GzipChecks.sha256(file) == line[5], "\(line[4])")
            #expect(try String(contentsOf: URL(fileURLWithPath: line[4] + ".sha256"), encoding: .utf8) == "\(line[5])  \(file.lastPathComponent)\n")
            #expect(try GzipChecks.lineCount(file) == Int(line[2]), "\(line[4]) holds other than \(line[2]) rows")
            #expect(line[1] < "2024-12" && line[3] == "archive.\(line[0])_\(line[1].replacingOccurrences(of: "-", with: "_"))")
        }
        #expect(try tables.map { try Self.fingerprint(connection, $0) } == before, "rows were lost or changed")
        let left = try connection.query(
            Statement("left", "SELECT count(*)::bigint AS n FROM public.viral_metrics WHERE created_at < '2024-12-01'"))[0].int("n")
        #expect(left == 0)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: exports.path).filter { $0.hasPrefix(".") }.isEmpty)

        let again = try CommandRunner.run(["db", "archive", "--keep-months", "\(keep)", "--database-url", conninfo])
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout) \(again.stderr)")
        #expect(again.errorLines.allSatisfy { $0.contains("no month before 2024-12 to archive") }, "\(again.stderr)")
        #expect(try tables.map { try Self.fingerprint(connection, $0) } == before)
        let migrate = try CommandRunner.run(["db", "migrate", "--quiet", "--database-url", conninfo])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(
            try connection.query(Statement("remade", "SELECT to_regclass('public.viral_metrics_2024_11') IS NULL AS absent"))[0].decode("absent", as: Bool.self)
        )

        // Without the archive: said in the data quality and at the top.
        let missing = try weekly("without")
        let quality = try String(contentsOf: missing.appendingPathComponent("viral-data-quality.csv"), encoding: .utf8)
        #expect(
            quality.contains("Rows of archived months this report reaches, not read (viral_metrics 2024-09, viral_metrics 2024-10, viral_metrics 2024-11)"),
            "\(quality)")
        let html = try String(contentsOf: missing.appendingPathComponent("viral.html"), encoding: .utf8)
        #expect(html.contains("Part of the data is archived"))

        // With it: every figure as before the move, and the data quality says what was read;
        // the same for a role that may only read (the grants followed the tables).
        for (name, url) in [("with", conninfo), ("with-role", role.login(conninfo))] {
            let read = try weekly(name, ["--include-archive"], url: url)
            let after = try PartitionCommandTests.csvFiles(read), original = try PartitionCommandTests.csvFiles(plain)
            #expect(after.keys.sorted() == original.keys.sorted(), "\(name)")
            for (file, data) in original {
                guard let now = after[file] else { continue }
                if file.hasSuffix("-data-quality.csv") && file != "partner-roi-data-quality.csv" {
                    let added = String(decoding: now.dropFirst(data.count), as: UTF8.self)
                    #expect(
                        now.prefix(data.count) == data && added.hasPrefix("\"Rows of archived months read with --include-archive ("),
                        "\(name) \(file): \(added)")
                } else {
                    #expect(now == data, "\(name): \(file) differs from before the archive")
                }
            }
        }

        // A week that reaches no archived month says nothing of the archive.
        let current = try CommandRunner.run(
            ["weekly"] + DoctorCommandTests.period + [
                "--quiet", "--format", "csv", "--output", output.appendingPathComponent("current").path, "--database-url", conninfo,
            ])
        #expect(current.status == 0, "\(current.stderr)")
        let currentQuality = try String(contentsOf: output.appendingPathComponent("current/2026-W47/viral-data-quality.csv"), encoding: .utf8)
        #expect(!currentQuality.contains("archived"))
    }
}

/// Reading an export back as a user would.
enum GzipChecks {
    static func sha256(_ file: URL) throws -> String {
        var digest = SHA256()
        digest.update([UInt8](try Data(contentsOf: file)))
        return digest.finalizeHex()
    }

    /// Lines of the decompressed COPY text (one per row).
    static func lineCount(_ file: URL) throws -> Int {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc", file.path]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try gzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        guard gzip.terminationStatus == 0 else { throw Faults.Failure("gzip -dc \(file.path) failed") }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }
}
