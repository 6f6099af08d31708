import Foundation

/// Parses a rule's condition and types it against `CheckMetricCatalog`:
///
/// ```
/// condition  = "anomaly" metric                      ; a daily series
///            | metric ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) number [ "%" ]
///            | metric ( "drops" | "rises" | "changes" ) [ "by" ] number "%"
///            | metric                                ; a yes/no metric
/// metric     = report "." scope [ "[" string "]" ] "." field
/// string     = '"' … '"' | "'" … "'"                 ; \" and \\ escape in double quotes
/// ```
///
/// A number followed by `%` in a comparison is a percentage (`< 2 %` is `< 0.02`). Errors
/// name the first thing wrong and where it starts.
public struct CheckConditionParser {
    private let characters: [Character]
    private var position = 0

    public static func parse(_ text: String) throws(CheckRuleError) -> CheckCondition {
        var parser = CheckConditionParser(characters: Array(text))
        return try parser.condition()
    }

    private init(characters: [Character]) {
        self.characters = characters
    }

    private mutating func condition() throws(CheckRuleError) -> CheckCondition {
        skipSpaces()
        guard position < characters.count else { throw CheckRuleError("the condition is empty", at: 0) }
        let start = position
        if peekWord() == "anomaly" {
            _ = word()
            skipSpaces()
            let metricStart = position
            let (metric, field) = try self.metric()
            guard field.kind == .series else {
                throw CheckRuleError(
                    "anomaly needs a daily series, not \(metric.text); the series are \(Self.seriesList)", at: metricStart)
            }
            try end()
            return .anomaly(metric)
        }
        let (metric, field) = try self.metric()
        skipSpaces()
        if field.kind == .series {
            throw CheckRuleError("\(metric.text) is a daily series, for anomaly rules: write 'anomaly \(metric.text)'", at: start)
        }
        guard position < characters.count else {
            guard field.kind == .flag else {
                throw CheckRuleError(
                    "\(metric.field) is a number: compare it (\(metric.field) < 1.5) or write a change (\(metric.field) drops 20 %)",
                    at: position)
            }
            return .flag(metric)
        }
        let operatorStart = position
        if let comparison = comparisonOperator() {
            guard field.kind != .flag else {
                throw CheckRuleError("\(metric.field) is yes or no: write it alone to fire when it is true", at: operatorStart)
            }
            skipSpaces()
            let (value, isPercent) = try number()
            try end()
            return .compare(metric, comparison, isPercent ? value / 100 : value)
        }
        let directionWord = word()
        guard let direction = CheckDirection(rawValue: directionWord) else {
            let found = directionWord.isEmpty ? String(characters[position]) : directionWord
            throw CheckRuleError(
                "expected a comparison (<, <=, >, >=, ==, !=) or drops, rises or changes after \(metric.text), found '\(found)'",
                at: operatorStart)
        }
        guard field.kind != .flag else {
            throw CheckRuleError("\(metric.field) is yes or no: it cannot \(direction.rawValue.dropLast())", at: operatorStart)
        }
        guard field.hasPrevious else {
            throw CheckRuleError(
                "\(metric.text) has no previous-period value, so '\(direction.rawValue)' cannot apply; compare it with a number instead",
                at: operatorStart)
        }
        skipSpaces()
        if peekWord() == "by" {
            _ = word()
            skipSpaces()
        }
        let numberStart = position
        let (value, isPercent) = try number()
        guard isPercent else {
            throw CheckRuleError("a change is a percentage: write '\(direction.rawValue) \(Self.format(value)) %'", at: numberStart)
        }
        guard value > 0 else { throw CheckRuleError("a change must be more than 0 %", at: numberStart) }
        try end()
        return .change(metric, direction, value / 100)
    }

    private static var seriesList: String {
        CheckSource.allCases.flatMap { report in
            CheckMetricCatalog.fields(of: report, scope: .daily).filter { $0.kind == .series }.map { "\(report.rawValue).daily.\($0.name)" }
        }.joined(separator: ", ")
    }

    private mutating func metric() throws(CheckRuleError) -> (CheckMetric, CheckMetricCatalog.Field) {
        let reportStart = position
        let reportName = word()
        guard !reportName.isEmpty else { throw CheckRuleError("expected a report name (\(Self.reportList))", at: reportStart) }
        guard let report = CheckSource(rawValue: reportName) else {
            throw CheckRuleError("unknown report '\(reportName)'; the reports are \(Self.reportList)", at: reportStart)
        }
        try expect(".", after: reportName)
        let scopeStart = position
        let scopeName = word()
        let scopes = CheckMetricCatalog.scopes(of: report)
        guard let (scope, keyUse) = scopes.first(where: { $0.scope.rawValue == scopeName }) else {
            throw CheckRuleError(
                "\(report.rawValue) has no '\(scopeName)'; write one of \(scopes.map { $0.key == .required ? "\($0.scope.rawValue)[\"…\"]" : $0.scope.rawValue }.joined(separator: ", "))",
                at: scopeStart)
        }
        var key: String?
        if position < characters.count, characters[position] == "[" {
            guard keyUse != .none else { throw CheckRuleError("\(report.rawValue).\(scope.rawValue) takes no [key]", at: position) }
            position += 1
            key = try string()
            guard position < characters.count, characters[position] == "]" else {
                throw CheckRuleError("expected ']' after the key", at: position)
            }
            position += 1
        } else if keyUse == .required {
            throw CheckRuleError("\(report.rawValue).\(scope.rawValue) needs a name: \(scope.rawValue)[\"…\"]", at: position)
        }
        try expect(".", after: scope.rawValue)
        let fieldStart = position
        let fieldName = word()
        let fields = CheckMetricCatalog.fields(of: report, scope: scope)
        guard let field = fields.first(where: { $0.name == fieldName }) else {
            throw CheckRuleError(
                "\(report.rawValue).\(scope.rawValue) has no field '\(fieldName)'; the fields are \(fields.map(\.name).joined(separator: ", "))",
                at: fieldStart)
        }
        if report == .execSummary, field.name == "value", key == nil {
            throw CheckRuleError("value is one metric's: write exec-summary.real_time[\"metric_name\"].value", at: fieldStart)
        }
        return (CheckMetric(report: report, scope: scope, key: key, field: field.name), field)
    }

    private static var reportList: String { CheckSource.allCases.map(\.rawValue).joined(separator: ", ") }

    /// A quoted key; the position is on its opening quote.
    private mutating func string() throws(CheckRuleError) -> String {
        let start = position
        guard position < characters.count, characters[position] == "\"" || characters[position] == "'" else {
            throw CheckRuleError("expected a quoted name, e.g. [\"Acme\"]", at: position)
        }
        let quote = characters[position]
        position += 1
        var value = ""
        while position < characters.count {
            let character = characters[position]
            if character == quote {
                position += 1
                guard !value.isEmpty else { throw CheckRuleError("the name is empty", at: start) }
                return value
            }
            if character == "\\" && quote == "\"" {
                guard position + 1 < characters.count, ["\"", "\\"].contains(characters[position + 1]) else {
                    throw CheckRuleError("only \\\" and \\\\ escape inside a name", at: position)
                }
                position += 1
            }
            value.append(characters[position])
            position += 1
        }
        throw CheckRuleError("the name that starts here has no closing \(quote)", at: start)
    }

    /// A decimal number, then an optional `%`.
    private mutating func number() throws(CheckRuleError) -> (Double, Bool) {
        let start = position
        var text = ""
        if position < characters.count, characters[position] == "-" || characters[position] == "+" {
            text.append(characters[position])
            position += 1
        }
        while position < characters.count, characters[position].isASCII, characters[position].isNumber || characters[position] == "." {
            text.append(characters[position])
            position += 1
        }
        guard let value = Double(text), value.isFinite, text.contains(where: \.isNumber) else {
            let found = position < characters.count ? "'\(characters[position])'" : "the end"
            throw CheckRuleError("expected a number, found \(text.isEmpty ? found : "'\(text)'")", at: start)
        }
        skipSpaces()
        if position < characters.count, characters[position] == "%" {
            position += 1
            return (value, true)
        }
        return (value, false)
    }

    private mutating func comparisonOperator() -> CheckComparison? {
        for symbol in ["<=", ">=", "==", "!=", "<", ">"] where matches(symbol) {
            position += symbol.count
            return CheckComparison(rawValue: symbol)
        }
        return nil
    }

    private func matches(_ symbol: String) -> Bool {
        let symbol = Array(symbol)
        guard position + symbol.count <= characters.count else { return false }
        return Array(characters[position..<position + symbol.count]) == symbol
    }

    private mutating func expect(_ symbol: Character, after previous: String) throws(CheckRuleError) {
        guard position < characters.count, characters[position] == symbol else {
            let found = position < characters.count ? "'\(characters[position])'" : "the end"
            throw CheckRuleError("expected '\(symbol)' after '\(previous)', found \(found)", at: position)
        }
        position += 1
    }

    private mutating func end() throws(CheckRuleError) {
        skipSpaces()
        guard position == characters.count else {
            throw CheckRuleError("unexpected '\(String(characters[position...]))' after the condition", at: position)
        }
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
    }

    private mutating func word() -> String {
        var text = ""
        while position < characters.count, Self.isWordCharacter(characters[position]) {
            text.append(characters[position])
            position += 1
        }
        return text
    }

    private func peekWord() -> String {
        var copy = self
        return copy.word()
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position] == " " || characters[position] == "\t" { position += 1 }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
