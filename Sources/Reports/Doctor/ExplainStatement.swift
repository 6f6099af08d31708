import Database

/// A report's statement under `EXPLAIN`: the same SQL and the same values, with the EXPLAIN
/// options in front.
enum ExplainStatement {

    /// Whether the statement reads (`SELECT` or `WITH`): the only kind EXPLAIN is run on.
    static func isQuery(_ sql: String) -> Bool {
        var rest = Substring(sql)
        // Leading blanks and comments do not change what the statement is.
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let close = rest.range(of: "*/") {
                rest = rest[close.upperBound...]
            } else {
                break
            }
        }
        let head = rest.prefix(7).uppercased()
        func keyword(_ word: String) -> Bool {
            guard head.hasPrefix(word) else { return false }
            let next = head.dropFirst(word.count).first
            return next.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true
        }
        return keyword("SELECT") || keyword("WITH")
    }

    /// `EXPLAIN (<options>) <statement>` with the statement's own values, named `explain_<name>`.
    static func make(_ statement: Statement, options: String) -> Statement {
        statement.prefixed(with: "EXPLAIN (\(options)) ", name: "explain_\(statement.name)")
    }
}
