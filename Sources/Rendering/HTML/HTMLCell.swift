/// One table cell as HTML shows it: the template's context (`cells[]`, Templates/README.md)
/// and the same cell as markup, written once in Swift so a report of thousands of cells is
/// rendered without a template lookup per cell (the row's `html`).
struct HTMLCell {
    var text: String
    /// The value's interval, shown under it.
    var detail: String?
    var classes: String
    /// Clamped to a few lines on screen, the full text its tooltip.
    var isLong: Bool
    /// Why the value is undefined, numbered in the table's notes.
    var note: (mark: String, reason: String)?

    /// The cell's keys for a template of one's own.
    var context: [String: Any] {
        [
            "text": text, "detail": detail ?? false, "class": classes, "isLong": isLong,
            "note": note.map { ["mark": $0.mark, "reason": $0.reason] } ?? false,
        ]
    }

    /// Appends `<td class="…"[ title="…"]>text[<sup…>][<span class="ci">…</span>]</td>`, as the
    /// `cells[]` section of Templates/README.md writes it.
    func appendMarkup(to markup: inout String) {
        markup += "<td class=\""
        Self.escape(classes, into: &markup)
        markup += "\""
        if isLong { attribute("title", text, into: &markup) }
        if let note { attribute("title", note.reason, into: &markup) }
        markup += ">"
        if isLong { markup += "<span class=\"clamp\">" }
        Self.escape(text, into: &markup)
        if isLong { markup += "</span>" }
        if let note {
            markup += "<sup class=\"note-mark\">"
            Self.escape(note.mark, into: &markup)
            markup += "</sup>"
        }
        if let detail {
            markup += "<span class=\"ci\">"
            Self.escape(detail, into: &markup)
            markup += "</span>"
        }
        markup += "</td>"
    }

    private func attribute(_ name: String, _ value: String, into markup: inout String) {
        markup += " \(name)=\""
        Self.escape(value, into: &markup)
        markup += "\""
    }

    /// Mustache's HTML escaping: `<`, `>`, `&`, `"` and `'`, nothing else.
    static func escape(_ text: String, into markup: inout String) {
        let utf8 = text.utf8
        var pending = utf8.startIndex
        for index in utf8.indices {
            let replacement: String
            switch utf8[index] {
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            default: continue
            }
            markup += text[pending..<index]
            markup += replacement
            pending = utf8.index(after: index)
        }
        markup += text[pending...]
    }
}
