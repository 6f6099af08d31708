import Database
import Foundation
import TestSupport
import Testing

/// Text a terminal would act on — ESC sequences that set the title or clear the screen, a C1
/// CSI, DEL, bidirectional overrides and isolates — given as an option or held in the data,
/// reaches stderr and stdout written out as `\u{…}`, and an error stays one line. Then the file
/// modes of a pack under two umasks.
@Suite struct DataAttackTerminalTests {
    static let title = "\u{1B}]0;pwned\u{07}"
    static let clear = "\u{1B}[2J"
    /// Every kind at once, with a line break that must not split an error line.
    static let hostile = "evil\(title) \(clear) \u{9B}31m \u{7F} \u{202E}desrever\u{202C} \u{2066}iso\u{2069}\nsecond line"

    /// Scalars a terminal acts on (line feeds end lines and are counted apart), and U+FFFD,
    /// which would stand for a raw C1 byte that is not UTF-8.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x09, 0x0A: false
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0xFFFD: true
            default: false
            }
        }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
    }

    static func expectClean(_ result: CommandRunner.Result, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(rawControls(result.stderr) == [], "\(context): stderr \(result.stderr.debugDescription)", sourceLocation: sourceLocation)
        #expect(rawControls(result.stdout) == [], "\(context): stdout \(result.stdout.debugDescription)", sourceLocation: sourceLocation)
    }

    /// The tiny database with the hostile text as a test name, a variant and a partner name,
    /// and `partnership_analytics` behind a view that raises a WARNING naming each partner it
    /// reads: a server notice, which `--verbose` logs.
    static let database: Result<String, Error> = Result {
        let conninfo = try DataAttack.tiny("terminal")
        let connection = try DataAttack.connect(conninfo)
        try connection.execute(
            named: "hostile_test",
            """
            INSERT INTO ab_test_assignments (user_email, test_name, variant, conversion_event, converted_at, created_at)
            SELECT 'hostile' || g || '@example.com', $1, CASE WHEN g % 2 = 0 THEN 'control' ELSE $2 END,
                   CASE WHEN g % 4 = 0 THEN 'signup' END, CASE WHEN g % 4 = 0 THEN timestamptz '2026-11-18 10:00+00' END,
                   timestamptz '2026-11-17 09:00+00'
            FROM generate_series(1, 30) AS g
            """, parameters: [.text(hostile), .text("b" + hostile)])
        try connection.execute(
            named: "hostile_partner",
            """
            INSERT INTO partnership_analytics (partner_name, partner_type, referral_source, customers_acquired,
                                               revenue_generated, conversion_rate, analytics_period)
            VALUES ($1, $1, $1, 3, 30.00, 10.00, date '2026-11-18')
            """, parameters: [.text(hostile)])
        try connection.executeScript(
            named: "shouting_view",
            """
            CREATE FUNCTION shout(name text) RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN RAISE WARNING 'partner %', name; RETURN true; END $$;
            ALTER TABLE partnership_analytics RENAME TO partnership_analytics_rows;
            CREATE VIEW partnership_analytics AS SELECT * FROM partnership_analytics_rows WHERE shout(partner_name);
            """)
        return conninfo
    }

    static func run(_ arguments: [String], folder: URL) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments + DataAttack.period + ["--output", folder.path, "--database-url", database.get()])
    }

    @Test(arguments: [title, clear, "\u{9B}2J", "\u{7F}", "\u{202E}", "\u{2067}", hostile])
    func anUnknownTestNameIsQuotedEscapedOnOneLine(name: String) throws {
        let folder = try CommandRunner.temporaryDirectory("attack-terminal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.run(["ab-test", "--test", "x" + name], folder: folder)
        #expect(result.status == 65, "\(result.stderr)")
        DataAttack.expectOneErrorLine(result, "--test \(name.debugDescription)")
        Self.expectClean(result, "--test \(name.debugDescription)")
        let shown = terminalVisible("x" + name).replacingOccurrences(of: "\\u{A}", with: " ")
        #expect(result.stderr.contains("There is no test named '\(shown)'"), "\(result.stderr)")
        // The tests the database has are listed, the hostile one escaped too.
        #expect(
            result.stderr.contains("evil\\u{1B}]0;pwned\\u{7} \\u{1B}[2J \\u{9B}31m \\u{7F} \\u{202E}desrever\\u{202C} \\u{2066}iso\\u{2069} second line"),
            "\(result.stderr)")
        #expect(DataAttack.folderEntries(folder).isEmpty)
    }

    @Test func variantNamesFromTheDataAreEscapedInAnError() throws {
        let folder = try CommandRunner.temporaryDirectory("attack-terminal-control")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.run(["ab-test", "--test", Self.hostile, "--control", "nope" + Self.clear], folder: folder)
        #expect(result.status == 65, "\(result.stderr)")
        DataAttack.expectOneErrorLine(result, "--control")
        Self.expectClean(result, "--control")
        #expect(result.stderr.contains("no variant named 'nope\\u{1B}[2J'"), "\(result.stderr)")
        #expect(result.stderr.contains("bevil\\u{1B}]0;pwned\\u{7}"), "\(result.stderr)")
    }

    @Test func verboseLogsShowTheDataEscaped() throws {
        let folder = try CommandRunner.temporaryDirectory("attack-terminal-verbose")
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in ["partner-roi", "weekly"] {
            let result = try Self.run([command, "--verbose"], folder: folder)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            Self.expectClean(result, "\(command) --verbose")
            let notices = result.errorLines.filter { $0.contains("server notice") }
            #expect(!notices.isEmpty, "\(command): the view's warning is logged: \(result.stderr)")
            #expect(notices.contains { $0.contains("partner evil\\u{1B}]0;pwned\\u{7} \\u{1B}[2J \\u{9B}31m") }, "\(notices)")
            #expect(result.stdout.contains("2026-W47/"), "\(command): paths on stdout")
        }
    }

    @Test func aDatabaseNameWithControlsIsEscapedInLogsAndErrors() throws {
        let name = "attack_\(UUID().uuidString.prefix(6).lowercased())\(Self.clear)\u{202E}"
        let admin = try DataAttack.admin()
        try admin.executeScript(named: "create_hostile_database", "CREATE DATABASE \(try admin.quoteIdentifier(name))")
        let endpoint = try TestDatabase.cluster()
        let folder = try CommandRunner.temporaryDirectory("attack-terminal-dbname")
        defer { try? FileManager.default.removeItem(at: folder) }
        // It exists, unmigrated: the verbose log names it, then one error line (65).
        let unmigrated = try CommandRunner.run(
            ["viral", "--verbose"] + DataAttack.period
                + ["--output", folder.path, "--database-url", endpoint.conninfo(database: name)])
        #expect(unmigrated.status == 65, "\(unmigrated.stderr)")
        Self.expectClean(unmigrated, "unmigrated")
        #expect(unmigrated.stderr.contains("connected target=") && unmigrated.stderr.contains("\\u{1B}[2J\\u{202E}"), "\(unmigrated.stderr)")
        #expect(unmigrated.errorLines.filter { $0.hasPrefix("growth-report: ") }.count == 1, "\(unmigrated.stderr)")
        // A name that does not exist: the server's message quotes it; 69, one line.
        let missing = try CommandRunner.run(
            ["viral"] + DataAttack.period + [
                "--output", folder.path,
                "--database-url", endpoint.conninfo(database: name + "\u{1B}]0;x\u{7}"),
            ])
        #expect(missing.status == 69, "\(missing.stderr)")
        DataAttack.expectOneErrorLine(missing, "missing database")
        Self.expectClean(missing, "missing database")
        #expect(missing.stderr.contains("\\u{1B}]0;x\\u{7}"), "\(missing.stderr)")
    }

    @Test func anOutputFolderWithControlsIsEscapedOnStdout() throws {
        let folder = try CommandRunner.temporaryDirectory("attack-terminal-output")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out\(Self.clear)\u{9B}\u{202E}")
        let result = try CommandRunner.run(
            ["viral", "--quiet", "--format", "csv"] + DataAttack.period
                + ["--output", output.path, "--database-url", Self.database.get()])
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectClean(result, "--output")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(result.stdout)")
        #expect(lines.allSatisfy { $0.contains("out\\u{1B}[2J\\u{9B}\\u{202E}/2026-W47/") }, "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("2026-W47/viral.csv").path), "the folder itself keeps its name")
    }

    // MARK: File modes

    /// `weekly` under `umask`, through the shell so that the umask is the process's own.
    static func weekly(umask: String, output: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments =
            ["-c", "umask \(umask); exec \"$0\" \"$@\"", CommandRunner.executable.path, "weekly"] + DataAttack.period
            + [
                "--quiet", "--output", output.path, "--database-url", try DataAttack.tiny("umask_\(umask)"),
                "--mail-from", "reports@example.com", "--mail-to", "ceo@example.com",
            ]
        var environment = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"] { environment[key] = nil }
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [("000", 0o644, 0o755), ("077", 0o600, 0o700)])
    func everyFileOfThePackHasOneModeUnderTheUmask(umask: String, fileMode: Int, folderMode: Int) throws {
        let folder = try CommandRunner.temporaryDirectory("attack-umask")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.weekly(umask: umask, output: folder)
        #expect(result.status == 0, "umask \(umask): \(result.stderr)")
        let pack = folder.appendingPathComponent("2026-W47")
        let names = DataAttack.folderEntries(pack)
        #expect(Set(names.map { ($0 as NSString).pathExtension }) == ["html", "csv", "xlsx", "eml", "json"], "\(names)")
        #expect(names.contains("manifest.json") && names.contains("exec-summary.eml"))
        for name in names {
            let attributes = try FileManager.default.attributesOfItem(atPath: pack.appendingPathComponent(name).path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode == fileMode, "umask \(umask): \(name) has mode \(String(mode, radix: 8)), not \(String(fileMode, radix: 8))")
        }
        let packMode = (try FileManager.default.attributesOfItem(atPath: pack.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        #expect(packMode == folderMode, "umask \(umask): the period folder has mode \(String(packMode, radix: 8))")
    }
}
