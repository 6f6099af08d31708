import Foundation

/// One statement as a value: the name that logs, errors and records use, its SQL, and the
/// values it binds. The SQL is written once with its values in place, and each value becomes
/// the next `$n` — no list of parameters kept in step with numbers in the text:
///
/// ```swift
/// let statement = Statement("ab_test_exists", """
///     SELECT EXISTS (SELECT 1 FROM ab_test_assignments WHERE test_name = \(test)) AS present
///     """)
/// statement.sql          // … WHERE test_name = $1) AS present
/// statement.parameters   // [.text(test)]
/// ```
///
/// Interpolating a value (text, a number, a date, a `PostgresValue`, an optional as NULL)
/// always binds it; text of the code's own (a column list, a generated branch) goes in with
/// `\(raw:)`, and another `SQL` fragment with `\(fragment)`, its values renumbered in order.
public struct Statement: Sendable, Equatable {
    public var name: String
    public let sql: String
    public let parameters: [PostgresValue]

    public init(_ name: String, _ text: SQL) {
        self.name = name
        (sql, parameters) = text.rendered()
    }

    /// The same statement with code text in front (`EXPLAIN (FORMAT JSON) `), named `name`:
    /// the text holds no value, so every `$n` still names the value it named.
    public func prefixed(with code: String, name: String) -> Statement {
        Statement(name: name, sql: code + sql, parameters: parameters)
    }

    private init(name: String, sql: String, parameters: [PostgresValue]) {
        self.name = name
        self.sql = sql
        self.parameters = parameters
    }
}

/// SQL text with bound values in place, numbered `$1, $2, …` when the statement is made.
public struct SQL: Sendable, Equatable, ExpressibleByStringInterpolation {
    enum Part: Sendable, Equatable {
        case text(String)
        case value(PostgresValue)
    }

    var parts: [Part]

    public init(stringLiteral value: String) {
        parts = [.text(value)]
    }

    public init(stringInterpolation: Interpolation) {
        parts = stringInterpolation.parts
    }

    /// `fragments` joined by `separator` (code text, e.g. `"\nUNION ALL\n"`).
    public init(joining fragments: [SQL], separator: String) {
        parts = []
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { parts.append(.text(separator)) }
            parts += fragment.parts
        }
    }

    func rendered() -> (sql: String, parameters: [PostgresValue]) {
        var sql = ""
        var parameters: [PostgresValue] = []
        for part in parts {
            switch part {
            case .text(let text): sql += text
            case .value(let value):
                parameters.append(value)
                sql += "$\(parameters.count)"
            }
        }
        return (sql, parameters)
    }

    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            parts.append(.text(literal))
        }

        /// A bound value.
        public mutating func appendInterpolation(_ value: PostgresValue) { parts.append(.value(value)) }
        public mutating func appendInterpolation(_ value: String) { parts.append(.value(.text(value))) }
        public mutating func appendInterpolation(_ value: String?) { parts.append(.value(value.map(PostgresValue.text) ?? .null)) }
        public mutating func appendInterpolation(_ value: Int) { parts.append(.value(.int(value))) }
        public mutating func appendInterpolation(_ value: Int?) { parts.append(.value(value.map(PostgresValue.int) ?? .null)) }
        public mutating func appendInterpolation(_ value: Bool) { parts.append(.value(.bool(value))) }
        public mutating func appendInterpolation(_ value: Decimal) { parts.append(.value(.decimal(value))) }
        public mutating func appendInterpolation(_ value: Date) { parts.append(.value(.timestamp(value))) }
        public mutating func appendInterpolation(_ value: CalendarDate) { parts.append(.value(.date(value))) }
        public mutating func appendInterpolation(_ value: [String]) { parts.append(.value(.textArray(value))) }

        /// Text of the code's own, never a value from outside: a column list, a constant, a
        /// generated branch.
        public mutating func appendInterpolation(raw text: String) { parts.append(.text(text)) }

        /// Another fragment, its values numbered where it stands.
        public mutating func appendInterpolation(_ fragment: SQL) { parts += fragment.parts }
    }
}
