import Foundation
import TestSupport
import Testing

/// Every option that takes a value, as each command's `--help` lists it (so a new option is
/// covered without touching this file), given empty, negative, absurd and wrongly typed values:
/// 64 with one `growth-report: ` line, nothing on stdout and nothing created, unless the value
/// is one the option accepts (`accepted`); never 70, never a crash.
///
/// An option is the same code wherever its help text is the same (one option group), so each
/// distinct option is tried on one of the commands that list it, spread evenly over them.
@Suite struct DataAttackOptionValueTests {
    static let long = String(repeating: "a", count: 10_000)
    static let values = ["", "-1", "-7d", "1e308", "99999999999999999999", "abc", "nan", long]

    /// The exit code for `value` of `option`; 64 for any option not named here.
    static func expectedStatus(option: String, value: String) -> Int32 {
        switch option {
        // A name: legal, but the database has no test or variant of that name (SPEC §4: 65).
        case "--test", "--control": 65
        // Free text that matches nothing or is only written.
        case "--event", "--subject": 0
        // Any folder name, but none; one the file system refuses (NAME_MAX) cannot be written.
        case "--output": value.isEmpty ? 64 : value == long ? 73 : 0
        // Positive and finite: legal, if far from useful.
        case "--mde": ["1e308", "99999999999999999999"].contains(value) ? 0 : 64
        // An event type that matches nothing: no revenue, no guardrail event (an empty one is refused).
        case "--revenue-event": 0
        case "--guardrail": value.isEmpty ? 64 : 0
        // --tau and --planned-users only tune --sequential, which these runs do not give.
        default: 64
        }
    }

    struct Option: Hashable, Sendable {
        var name: String
        var help: String
    }

    /// The options with a value in a command's help text.
    static func valueOptions(help text: String) -> [Option] {
        var options: [Option] = []
        var current: Option?
        var inOptions = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("OPTIONS:") {
                inOptions = true
                continue
            }
            guard inOptions else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("  -") {
                if let current { options.append(current) }
                current = nil
                let tokens = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
                if tokens.count >= 2, tokens[0].hasPrefix("--"), tokens[1].hasPrefix("<") {
                    current = Option(name: tokens[0], help: tokens.count > 2 ? tokens[2].trimmingCharacters(in: .whitespaces) : "")
                }
            } else if !trimmed.isEmpty, current != nil {
                current!.help += " " + trimmed
            }
        }
        if let current { options.append(current) }
        return options
    }

    /// Each command's options, and the ones this suite tries on it.
    struct Plan {
        var listed: [String: [Option]]
        var assigned: [String: [Option]]
    }

    static let plan: Result<Plan, Error> = Result {
        var listed: [String: [Option]] = [:]
        for command in DataAttack.commands {
            let result = try CommandRunner.run([command, "--help"])
            guard result.status == 0 else { throw DataAttack.Failure(description: "\(command) --help: \(result.status) \(result.stderr)") }
            listed[command] = valueOptions(help: result.stdout)
        }
        var assigned: [String: [Option]] = [:]
        var seen: Set<Option> = []
        for command in DataAttack.commands {
            for option in listed[command] ?? [] where seen.insert(option).inserted {
                let candidates = DataAttack.commands.filter { listed[$0]?.contains(option) == true }
                let chosen = candidates.min { (assigned[$0]?.count ?? 0) < (assigned[$1]?.count ?? 0) } ?? command
                assigned[chosen, default: []].append(option)
            }
        }
        return Plan(listed: listed, assigned: assigned)
    }

    static let database: Result<String, Error> = Result { try DataAttack.tiny("option_values") }

    /// The command line for `value` of `option`: the period, clock, database and output the
    /// option does not itself replace.
    static func arguments(_ command: String, _ option: String, _ value: String, joined: Bool = false) throws -> [String] {
        var arguments = [command, "--quiet"]
        switch option {
        case "--week", "--month": break
        case "--from": arguments += ["--to", "2026-11-22"]
        case "--to": arguments += ["--from", "2026-11-16"]
        default: arguments += ["--week", "2026-W47"]
        }
        if option != "--as-of" { arguments += ["--as-of", "2026-11-25"] }
        if option != "--database-url" { arguments += ["--database-url", try database.get()] }
        if option != "--output" { arguments += ["--output", "out"] }
        return arguments + (joined ? [option + "=" + value] : [option, value])
    }

    @Test func theHelpOfEveryCommandListsItsOptions() throws {
        let plan = try Self.plan.get()
        let names = plan.listed.mapValues { Set($0.map(\.name)) }
        for command in DataAttack.commands {
            #expect(
                names[command]?.isSuperset(of: ["--database-url", "--statement-timeout", "--week", "--as-of", "--output", "--lock-timeout"]) == true,
                "\(command): \(names[command] ?? [])")
        }
        #expect(names["ab-test"]?.isSuperset(of: ["--test", "--event", "--weights", "--tau", "--conversion-window", "--alpha", "--mde"]) == true)
        #expect(names["attribution"]?.isSuperset(of: ["--event", "--lookback", "--half-life"]) == true)
        #expect(names["exec-summary"]?.isSuperset(of: ["--subject", "--mail-to", "--top-partners"]) == true)
        #expect(!(names["partner-roi"]?.contains("--quiet") ?? true), "flags take no value")
        let assigned = plan.assigned.values.flatMap { $0 }
        #expect(Set(assigned).count == assigned.count)
        #expect(Set(assigned) == Set(plan.listed.values.flatMap { $0 }), "every option is tried")
        #expect(assigned.count >= 30, "\(assigned.map(\.name))")
    }

    @Test(arguments: DataAttack.commands)
    func everyOptionRefusesBadValuesWithOneLine(command: String) throws {
        let options = try Self.plan.get().assigned[command] ?? []
        for option in options {
            for value in Self.values {
                let context = "\(command) \(option.name) \(value.prefix(24).debugDescription)\(value.count > 24 ? "…" : "")"
                let folder = try CommandRunner.temporaryDirectory("attack-option")
                defer { try? FileManager.default.removeItem(at: folder) }
                let result = try CommandRunner.run(try Self.arguments(command, option.name, value), in: folder)
                let expected = Self.expectedStatus(option: option.name, value: value)
                #expect(result.status == expected, "\(context): \(result.status) \(result.stderr.prefix(400))")
                #expect(result.status != 70 && result.status < 128, "\(context): \(result.status), an internal error or a signal")
                if result.status == 0 {
                    #expect(result.stderr.isEmpty, "\(context): \(result.stderr.prefix(400))")
                    #expect(!result.stdout.isEmpty, "\(context): the paths written")
                } else {
                    DataAttack.expectOneErrorLine(result, context)
                    #expect(DataAttack.folderEntries(folder).isEmpty, "\(context): \(DataAttack.folderEntries(folder))")
                }
                // A negative value given as `--opt=-1` fares the same, in the same words.
                // (In the same, emptied folder: messages may name a path.)
                if value.hasPrefix("-") {
                    for entry in DataAttack.folderEntries(folder) { try FileManager.default.removeItem(at: folder.appendingPathComponent(entry)) }
                    let joined = try CommandRunner.run(try Self.arguments(command, option.name, value, joined: true), in: folder)
                    #expect(joined.status == result.status, "\(context) (=): \(joined.status) \(joined.stderr.prefix(300))")
                    if result.status != 0 { #expect(joined.stderr == result.stderr, "\(context): \(joined.stderr) vs \(result.stderr)") }
                }
            }
        }
    }

    /// Negative durations and numbers are named as such, whether written `--opt -1` or `--opt=-1`.
    @Test(arguments: [
        ("ab-test", "--tau", "-1"), ("ab-test", "--conversion-window", "-7d"), ("attribution", "--half-life", "-1d"),
        ("attribution", "--lookback", "-7d"), ("viral", "--statement-timeout", "-5s"), ("weekly", "--lock-timeout", "-1s"),
        ("exec-summary", "--statement-timeout", "-1"), ("partner-roi", "--lock-timeout", "-1"),
    ])
    func negativeValuesMustBePositive(command: String, option: String, value: String) throws {
        var stderr: [String] = []
        for joined in [false, true] {
            let folder = try CommandRunner.temporaryDirectory("attack-negative")
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try CommandRunner.run(try Self.arguments(command, option, value, joined: joined), in: folder)
            #expect(result.status == 64, "\(option) \(value): \(result.stderr)")
            DataAttack.expectOneErrorLine(result, "\(option) \(value)")
            #expect(result.stderr.contains("\(option) must be positive"), "\(option) \(value): \(result.stderr)")
            #expect(DataAttack.folderEntries(folder).isEmpty)
            stderr.append(result.stderr)
        }
        #expect(stderr[0] == stderr[1])
    }
}
