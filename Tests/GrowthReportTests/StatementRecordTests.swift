import Foundation
import TestSupport
import Testing

/// Each report's record in `manifest.json` lists exactly the statements that report ran (and,
/// in the weekly pack, those of the models it reused) — the same as `--verbose` logs for it,
/// in the same order: never a statement of another report, and `begin`/`commit` for every one.
@Suite struct StatementRecordTests {
    static let period = ["--week", "2026-W47", "--as-of", "2026-11-25"]

    static let database: Result<String, Error> = Result {
        let conninfo = try TestDatabase.create("record")
        for arguments in [["db", "migrate"], ["db", "seed", "--scale", "small", "--seed", "4", "--as-of", "2026-11-25"]] {
            let result = try CommandRunner.run(arguments + ["--quiet", "--database-url", conninfo])
            guard result.status == 0 else { throw Faults.Failure(result.stderr) }
        }
        return conninfo
    }

    /// The statement names of `--verbose` lines that ran or reused one, each once, in order,
    /// without the connection's own session settings.
    static func loggedStatements(_ lines: some Sequence<String>) -> [String] {
        var names: [String] = []
        for line in lines where line.contains(": ran ") || line.contains(": reused ") {
            guard let range = line.range(of: "statement=") else { continue }
            let name = String(line[range.upperBound...].prefix { !$0.isWhitespace })
            if name != "session_settings" && !names.contains(name) { names.append(name) }
        }
        return names
    }

    static func recordedStatements(_ pack: URL) throws -> [String: [String]] {
        let data = try Data(contentsOf: pack.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let reports = try #require(manifest["reports"] as? [[String: Any]])
        var statements: [String: [String]] = [:]
        for report in reports {
            let name = try #require(report["report"] as? String)
            let list = try #require(report["statements"] as? [[String: Any]], "\(name) has a statement list")
            statements[name] = list.compactMap { $0["name"] as? String }
        }
        return statements
    }

    @Test(arguments: [
        ["partner-roi"], ["viral"], ["viral", "--show-emails"], ["attribution"], ["attribution", "--event", "signup"],
        ["ab-test"], ["ab-test", "--test", "pricing_page_v2", "--conversion-window", "7d"], ["exec-summary"],
    ])
    func aReportRecordsWhatItRan(arguments: [String]) throws {
        let output = try CommandRunner.temporaryDirectory("record")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try CommandRunner.run(
            arguments + Self.period + [
                "--verbose", "--format", "csv", "--output", output.path,
                "--database-url", Self.database.get(),
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let recorded = try Self.recordedStatements(output.appendingPathComponent("2026-W47"))
        #expect(Array(recorded.keys) == [arguments[0]])
        let logged = Self.loggedStatements(result.errorLines)
        #expect(recorded[arguments[0]] == logged, "\(arguments): manifest \(recorded[arguments[0]] ?? []) vs log \(logged)")
        #expect(logged.first == "begin" && logged.contains("commit"), "\(logged)")
    }

    @Test func everyReportOfThePackRecordsItsOwnStatements() throws {
        let output = try CommandRunner.temporaryDirectory("record-weekly")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try CommandRunner.run(
            ["weekly"] + Self.period + [
                "--verbose", "--format", "csv", "--output", output.path,
                "--database-url", Self.database.get(),
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let recorded = try Self.recordedStatements(output.appendingPathComponent("2026-W47"))
        // The log between one "<report>: built in" line and the next is that report's.
        var segments: [String: [String]] = [:]
        var current: [String] = []
        for line in result.errorLines {
            if let range = line.range(of: ": built in ") {
                segments[String(line[..<range.lowerBound])] = Self.loggedStatements(current)
                current = []
            } else {
                current.append(line)
            }
        }
        #expect(Set(segments.keys) == ["partner-roi", "viral", "attribution", "ab-test", "exec-summary"], "\(result.stderr)")
        #expect(Set(recorded.keys) == Set(segments.keys))
        for (report, logged) in segments {
            #expect(recorded[report] == logged, "\(report): manifest \(recorded[report] ?? []) vs log \(logged)")
        }
        // The summary ran only real_time_metrics and reused the rest; attribution's are in no other record.
        #expect(segments["exec-summary"]?.contains("real_time_metrics") == true)
        #expect(result.errorLines.filter { $0.contains(": ran ") && Self.loggedStatements([$0]) == ["partner_roi"] }.count == 1)
        for (report, statements) in recorded where report != "attribution" {
            #expect(!statements.contains { $0.hasPrefix("attribution_") }, "\(report): \(statements)")
        }
    }
}
