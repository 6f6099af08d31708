import Foundation

/// A light scan of a template's tags (default `{{ }}` delimiters), for what swift-mustache
/// does not report: which partials a template uses, and where an unclosed section opens.
enum MustacheScanner {
    struct Tag {
        /// `#`, `^`, `/`, `>`, `<`, `$`, `!`, `{`, `&`, `=` or nil for a variable.
        var sigil: Character?
        var name: String
        var line: Int
        var column: Int
    }

    struct Problem {
        var message: String
        var line: Int
        var column: Int
    }

    static func tags(in text: String) -> [Tag] {
        var tags: [Tag] = []
        var line = 1
        var column = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix("{{") {
                let start = (line, column)
                let afterOpen = text.index(index, offsetBy: 2)
                guard let close = text.range(of: "}}", range: afterOpen..<text.endIndex) else { break }
                var inner = Substring(text[afterOpen..<close.lowerBound])
                var end = close.upperBound
                // Triple mustache: {{{name}}}.
                if inner.hasPrefix("{"), end < text.endIndex, text[end] == "}" {
                    end = text.index(after: end)
                }
                inner = inner.drop(while: { $0 == " " })
                var sigil: Character?
                if let first = inner.first, "#^/><$!{&=".contains(first) {
                    sigil = first
                    inner = inner.dropFirst()
                }
                let name = inner.trimmingCharacters(in: CharacterSet(charactersIn: " }\t\n"))
                tags.append(Tag(sigil: sigil, name: name, line: start.0, column: start.1))
                for character in text[index..<end] {
                    if character == "\n" {
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                }
                index = end
                continue
            }
            if text[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index = text.index(after: index)
        }
        return tags
    }

    /// The partials (`{{>name}}`) and parents (`{{<name}}`) a template uses; dynamic names left out.
    static func partialReferences(in text: String) -> [Tag] {
        tags(in: text).filter { ($0.sigil == ">" || $0.sigil == "<") && !$0.name.hasPrefix("*") && !$0.name.isEmpty }
    }

    /// The first section that is closed by the wrong name or never closed.
    static func sectionProblem(in text: String) -> Problem? {
        var open: [Tag] = []
        for tag in tags(in: text) {
            switch tag.sigil {
            case "#", "^", "<", "$":
                open.append(tag)
            case "/":
                guard let last = open.popLast() else {
                    return Problem(message: "closing tag {{/\(tag.name)}} has no open section", line: tag.line, column: tag.column)
                }
                if last.name != tag.name {
                    return Problem(
                        message: "closing tag {{/\(tag.name)}} does not match section '\(last.name)' opened at line \(last.line)",
                        line: tag.line, column: tag.column)
                }
            case "=":
                // Changed delimiters: this scan cannot follow; let the library's position stand.
                return nil
            default:
                break
            }
        }
        if let unclosed = open.last {
            return Problem(
                message: "section '\(unclosed.name)' is opened here but never closed",
                line: unclosed.line, column: unclosed.column)
        }
        return nil
    }
}
