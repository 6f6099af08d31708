import Foundation
import TOMLKit

/// A `check` rules file: TOML, parsed by TOMLKit (toml++), then every rule's condition by
/// `CheckConditionParser`.
///
/// ```toml
/// [defaults]          # optional; each rule may set its own
/// min_base = 100      # a change on a smaller previous value (a comparison on a smaller value) does not fire
/// min_change = 0      # an anomaly needs at least this absolute departure from the median
/// threshold = 3.5     # an anomaly's robust z-score
///
/// [rules.blended_roi]
/// when = "partner-roi.total.roi < 1.5"
///
/// [rules.acme_revenue]
/// when = 'partner-roi.partner["Acme"].revenue drops 30 %'
/// min_base = 1000
/// ```
///
/// Errors carry the line and column in the file: TOMLKit's for TOML syntax; for a rule, the
/// position of the `when` value found in the text, plus the offset the condition parser gives.
public struct CheckRulesFile: Sendable {
    public var rules: [CheckRule]

    /// What is wrong with a rules file, where (1-based), in one line.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String

        public var description: String { "line \(line), column \(column): \(message)" }
    }

    static let ruleKeys = ["when", "min_base", "min_change", "threshold"]
    static let defaultKeys = ["min_base", "min_change", "threshold"]

    public init(text: String) throws(Failure) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw Failure(line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        } catch {
            throw Failure(line: 1, column: 1, message: "not TOML: \(error)")
        }
        let positions = CheckRulePositions(text: text)
        for key in table.keys where key != "rules" && key != "defaults" {
            let (line, column) = positions.topLevel(key)
            throw Failure(line: line, column: column, message: "unknown key '\(key)'; a rules file has [defaults] and [rules.NAME] tables")
        }
        var defaults = (minimumBase: 0.0, minimumChange: 0.0, threshold: CheckRule.defaultThreshold)
        if let value = table["defaults"] {
            guard let section = value.table else {
                let (line, column) = positions.topLevel("defaults")
                throw Failure(line: line, column: column, message: "defaults must be a table: [defaults]")
            }
            try Self.checkKeys(section, allowed: Self.defaultKeys, section: "defaults", positions: positions)
            defaults.minimumBase = try Self.number(section, "min_base", in: "defaults", positions: positions) ?? defaults.minimumBase
            defaults.minimumChange = try Self.number(section, "min_change", in: "defaults", positions: positions) ?? defaults.minimumChange
            defaults.threshold = try Self.number(section, "threshold", in: "defaults", positions: positions) ?? defaults.threshold
        }
        guard let rulesValue = table["rules"], let rulesTable = rulesValue.table, !rulesTable.isEmpty else {
            throw Failure(line: 1, column: 1, message: "no rules: add one, e.g. [rules.blended_roi] with when = \"partner-roi.total.roi < 1.5\"")
        }
        var rules: [CheckRule] = []
        for name in rulesTable.keys {
            let section = "rules.\(name)"
            guard let rule = rulesTable[name]?.table else {
                let (line, column) = positions.topLevel("rules")
                throw Failure(line: line, column: column, message: "rules.\(name) must be a table: [rules.\(name)] with when = \"…\"")
            }
            try Self.checkKeys(rule, allowed: Self.ruleKeys, section: section, positions: positions)
            guard let whenValue = rule["when"] else {
                let line = positions.header(section) ?? 1
                throw Failure(line: line, column: 1, message: "rule '\(name)' has no condition: add when = \"…\"")
            }
            let (line, column, raw) = positions.value(of: "when", in: section)
            guard let text = whenValue.string else {
                throw Failure(line: line, column: column, message: "when of rule '\(name)' must be a string")
            }
            let condition: CheckCondition
            do {
                condition = try CheckConditionParser.parse(text)
            } catch {
                let offset = CheckRulePositions.rawOffset(of: error.offset, in: raw, parsed: text)
                throw Failure(line: line, column: column + 1 + offset, message: "rule '\(name)': \(error.message)")
            }
            let minimumBase = try Self.number(rule, "min_base", in: section, positions: positions)
            let minimumChange = try Self.number(rule, "min_change", in: section, positions: positions) ?? defaults.minimumChange
            let threshold = try Self.number(rule, "threshold", in: section, positions: positions) ?? defaults.threshold
            rules.append(
                CheckRule(
                    name: name, text: text, condition: condition, ownMinimumBase: minimumBase, defaultMinimumBase: defaults.minimumBase,
                    minimumChange: minimumChange,
                    threshold: threshold, line: line, column: column + 1))
        }
        self.rules = rules.sorted { ($0.line, $0.name) < ($1.line, $1.name) }
    }

    private static func checkKeys(_ table: TOMLTable, allowed: [String], section: String, positions: CheckRulePositions) throws(Failure) {
        for key in table.keys where !allowed.contains(key) {
            let (line, column) = positions.key(key, in: section)
            throw Failure(line: line, column: column, message: "unknown key '\(key)' in [\(section)]; the keys are \(allowed.joined(separator: ", "))")
        }
    }

    /// A non-negative number (integer or float); nil when absent.
    private static func number(_ table: TOMLTable, _ key: String, in section: String, positions: CheckRulePositions) throws(Failure) -> Double? {
        guard let value = table[key] else { return nil }
        let number = value.int.map(Double.init) ?? value.double
        guard let number, number.isFinite, number >= 0 else {
            let (line, column, _) = positions.value(of: key, in: section)
            throw Failure(line: line, column: column, message: "\(key) in [\(section)] must be a number of 0 or more")
        }
        if key == "threshold" && number == 0 {
            let (line, column, _) = positions.value(of: key, in: section)
            throw Failure(line: line, column: column, message: "threshold in [\(section)] must be more than 0")
        }
        return number
    }
}

/// Where tables and values are in a rules file's text. TOMLKit gives the values, not where
/// they were written, so the lines are scanned: `[section]` headers (bare, quoted or literal
/// keys) and `key = value` lines below them.
struct CheckRulePositions {
    private var lines: [String]
    /// Header line (1-based) by section name as TOML reads it (`rules.acme revenue`).
    private var headers: [(name: String, line: Int)] = []

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("["), !trimmed.hasPrefix("[["), let close = Self.headerEnd(trimmed) else { continue }
            let inside = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            headers.append((Self.dottedKey(String(inside)), index + 1))
        }
    }

    func header(_ section: String) -> Int? {
        headers.first { $0.name == section }?.line
    }

    /// A top-level key's line and column, or the first line.
    func topLevel(_ key: String) -> (Int, Int) {
        let end = headers.first?.line ?? lines.count + 1
        for index in 0..<max(0, end - 1) {
            if let column = Self.keyColumn(key, in: lines[index]) { return (index + 1, column) }
        }
        if let line = header(key) { return (line, 1) }
        return (1, 1)
    }

    /// The line and column (1-based) of `key`'s value in `[section]`, and the value's raw text
    /// (from its first character to the end of the line); the section's header when not found.
    func value(of key: String, in section: String) -> (line: Int, column: Int, raw: String) {
        guard let start = header(section) else { return (1, 1, "") }
        let next = headers.first { $0.line > start }?.line ?? lines.count + 1
        for index in start..<(next - 1) {
            let line = lines[index]
            guard Self.keyColumn(key, in: line) != nil, let equals = line.firstIndex(of: "=") else { continue }
            let afterEquals = line[line.index(after: equals)...]
            guard let valueStart = afterEquals.firstIndex(where: { $0 != " " && $0 != "\t" }) else { continue }
            let column = line.distance(from: line.startIndex, to: valueStart) + 1
            return (index + 1, column, String(line[valueStart...]))
        }
        return (start, 1, "")
    }

    /// The line and column (1-based) where `key` is written in `[section]`.
    func key(_ key: String, in section: String) -> (line: Int, column: Int) {
        guard let start = header(section) else { return (1, 1) }
        let next = headers.first { $0.line > start }?.line ?? lines.count + 1
        for index in start..<(next - 1) {
            if let column = Self.keyColumn(key, in: lines[index]) { return (index + 1, column) }
        }
        return (start, 1)
    }

    /// The character offset inside a string literal's raw text (its opening quote first) of the
    /// parsed string's `offset`: escapes of a basic string take two or more raw characters.
    static func rawOffset(of offset: Int, in raw: String, parsed: String) -> Int {
        let characters = Array(raw)
        guard let quote = characters.first, quote == "\"" || quote == "'" else { return 0 }
        if quote == "'" || characters.count >= 3 && characters[1] == quote && characters[2] == quote {
            return offset + (characters.count >= 3 && characters[1] == quote && characters[2] == quote ? 2 : 0)
        }
        var rawIndex = 1
        var parsedIndex = 0
        while parsedIndex < offset && rawIndex < characters.count {
            if characters[rawIndex] == "\\", rawIndex + 1 < characters.count {
                switch characters[rawIndex + 1] {
                case "u": rawIndex += 6
                case "U": rawIndex += 10
                default: rawIndex += 2
                }
            } else {
                rawIndex += 1
            }
            parsedIndex += 1
        }
        return rawIndex - 1
    }

    /// Where `key` starts when `line` assigns it (`key = …`, `"key" = …`), 1-based.
    private static func keyColumn(_ key: String, in line: String) -> Int? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        let indent = line.count - trimmed.count
        for form in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(form) {
            let rest = trimmed.dropFirst(form.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return indent + 1 }
        }
        return nil
    }

    private static func headerEnd(_ header: String) -> String.Index? {
        var quote: Character?
        for index in header.indices.dropFirst() {
            let character = header[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "]" {
                return index
            }
        }
        return nil
    }

    /// `rules . "acme revenue"` → `rules.acme revenue`.
    private static func dottedKey(_ text: String) -> String {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts.joined(separator: ".")
    }
}
