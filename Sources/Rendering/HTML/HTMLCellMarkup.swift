/// A table row's cells as the bundled `table.mustache` would write them from the cell
/// contexts, built once in Swift: a report of thousands of cells is rendered without a
/// template lookup per cell. A template of one's own may still write the cells from `cells`.
enum HTMLCellMarkup {
    /// Appends one cell, `<td class="…"[ title="…"]>text[<sup…>][<span class="ci">…</span>]</td>`.
    static func append(_ cell: [String: Any], to markup: inout String) {
        let text = cell["text"] as? String ?? ""
        let isLong = cell["isLong"] as? Bool ?? false
        let note = cell["note"] as? [String: String]
        markup += "<td class=\""
        escape(cell["class"] as? String ?? "", into: &markup)
        markup += "\""
        if isLong {
            markup += " title=\""
            escape(text, into: &markup)
            markup += "\""
        }
        if let note {
            markup += " title=\""
            escape(note["reason"] ?? "", into: &markup)
            markup += "\""
        }
        markup += ">"
        if isLong { markup += "<span class=\"clamp\">" }
        escape(text, into: &markup)
        if isLong { markup += "</span>" }
        if let note {
            markup += "<sup class=\"note-mark\">"
            escape(note["mark"] ?? "", into: &markup)
            markup += "</sup>"
        }
        if let detail = cell["detail"] as? String {
            markup += "<span class=\"ci\">"
            escape(detail, into: &markup)
            markup += "</span>"
        }
        markup += "</td>"
    }

    /// Mustache's HTML escaping: `<`, `>`, `&`, `"` and `'`, nothing else.
    static func escape(_ text: String, into markup: inout String) {
        var pending = text.utf8.startIndex
        let utf8 = text.utf8
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
