import Database

/// A report's statement under `EXPLAIN`: the same SQL and the same values, with the EXPLAIN
/// options in front.
///
/// A `Statement` numbers its own binds, so the statement's text is taken apart at its `$n`
/// references (outside string literals, quoted identifiers, dollar quotes and comments) and
/// put back together with each reference bound to the value it named. A value referenced twice
/// is bound twice (same value, same type); a value never referenced is left out.
enum ExplainStatement {
    /// One piece of a statement's text.
    enum Piece: Equatable {
        case text(String)
        /// `$n`, 1-based.
        case parameter(Int)
    }

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
        var fragments: [SQL] = ["\(raw: "EXPLAIN (\(options)) ")"]
        for piece in pieces(of: statement.sql) {
            switch piece {
            case .text(let text):
                fragments.append("\(raw: text)")
            case .parameter(let number) where number >= 1 && number <= statement.parameters.count:
                fragments.append("\(statement.parameters[number - 1])")
            case .parameter(let number):
                // A reference to no value: left as written, for the server to reject by name.
                fragments.append("\(raw: "$\(number)")")
            }
        }
        return Statement("explain_\(statement.name)", SQL(joining: fragments, separator: ""))
    }

    /// The statement's text split at its parameter references.
    static func pieces(of sql: String) -> [Piece] {
        let bytes = Array(sql.utf8)
        var pieces: [Piece] = []
        var textStart = 0
        var index = 0

        func isIdentifier(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x24 || byte >= 0x80
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func flushText(upTo end: Int) {
            if end > textStart { pieces.append(.text(String(decoding: bytes[textStart..<end], as: UTF8.self))) }
        }
        /// The index just past a quoted run that opened at `index` with `quote`.
        func skipQuoted(from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
            var position = start + 1
            while position < bytes.count {
                let byte = bytes[position]
                if backslashEscapes && byte == 0x5C {
                    position += 2
                    continue
                }
                if byte == quote {
                    if position + 1 < bytes.count && bytes[position + 1] == quote {
                        position += 2
                        continue
                    }
                    return position + 1
                }
                position += 1
            }
            return bytes.count
        }

        while index < bytes.count {
            let byte = bytes[index]
            let previous: UInt8? = index > 0 ? bytes[index - 1] : nil
            switch byte {
            case 0x27:   // '
                let escaped = previous.map { ($0 == 0x45 || $0 == 0x65) && (index < 2 || !isIdentifier(bytes[index - 2])) } ?? false
                index = skipQuoted(from: index, quote: 0x27, backslashEscapes: escaped)
            case 0x22:   // "
                index = skipQuoted(from: index, quote: 0x22, backslashEscapes: false)
            case 0x2D where index + 1 < bytes.count && bytes[index + 1] == 0x2D:   // --
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
            case 0x2F where index + 1 < bytes.count && bytes[index + 1] == 0x2A:   // /* nested */
                var depth = 0
                while index < bytes.count {
                    if index + 1 < bytes.count && bytes[index] == 0x2F && bytes[index + 1] == 0x2A {
                        depth += 1; index += 2
                    } else if index + 1 < bytes.count && bytes[index] == 0x2A && bytes[index + 1] == 0x2F {
                        depth -= 1; index += 2
                        if depth == 0 { break }
                    } else {
                        index += 1
                    }
                }
            case 0x24 where previous.map(isIdentifier) != true:   // $ not inside an identifier
                var end = index + 1
                if end < bytes.count && isDigit(bytes[end]) {
                    while end < bytes.count && isDigit(bytes[end]) { end += 1 }
                    flushText(upTo: index)
                    pieces.append(.parameter(Int(String(decoding: bytes[(index + 1)..<end], as: UTF8.self)) ?? 0))
                    textStart = end
                    index = end
                    continue
                }
                // A dollar quote: $$ or $tag$, closed by the same tag.
                while end < bytes.count && isIdentifier(bytes[end]) && bytes[end] != 0x24 { end += 1 }
                guard end < bytes.count && bytes[end] == 0x24 else { index += 1; continue }
                let tag = Array(bytes[index...end])
                var search = end + 1
                var closed = bytes.count
                while search + tag.count <= bytes.count {
                    if Array(bytes[search..<(search + tag.count)]) == tag { closed = search + tag.count; break }
                    search += 1
                }
                index = closed
            default:
                index += 1
            }
        }
        flushText(upTo: bytes.count)
        return pieces
    }
}
