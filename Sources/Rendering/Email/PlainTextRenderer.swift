import Foundation

/// The plain-text part of an e-mail: the same document as text that reads well on its own
/// (headings underlined, figures as "label: value", tables as aligned columns with numbers
/// right-aligned).
public struct PlainTextRenderer: Sendable {
    public var timeZone: TimeZone
    /// Tables wider than this are written as one "column: value" block per row.
    public var width = 78

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public func render(_ document: ReportDocument) -> String {
        let formatter = DisplayFormatter(timeZone: timeZone)
        var lines: [String] = []
        func heading(_ text: String, _ rule: Character) {
            lines += [text, String(repeating: rule, count: min(text.count, width)), ""]
        }
        heading("\(document.title) — \(document.periodLabel)", "=")
        if let subtitle = document.subtitle { lines += wrap(subtitle) + [""] }
        for callout in document.callouts { lines += wrap("! \(callout.title): \(callout.text)", continuation: "  ") + [""] }
        for section in document.sections {
            heading(section.title, "-")
            for paragraph in section.paragraphs { lines += wrap(paragraph) + [""] }
            for callout in section.callouts { lines += wrap("! \(callout.title): \(callout.text)", continuation: "  ") + [""] }
            if !section.facts.isEmpty {
                let labelWidth = section.facts.map(\.label.count).max() ?? 0
                for fact in section.facts {
                    let value = formatter.text(fact.value, format: fact.format)
                    let padded = fact.label + ":" + String(repeating: " ", count: labelWidth - fact.label.count + 1)
                    lines.append("  \(padded)\(value)" + (fact.note.map { "  (\($0))" } ?? ""))
                }
                lines.append("")
            }
            for table in section.tables where table.isShownInHTML {
                lines += self.table(table, formatter: formatter)
                lines.append("")
            }
        }
        let record = document.reproducibility
        lines += [
            "--", "Data as of \(formatter.timestamp(record.dataAsOf)) (\(record.timeZone)), period \(record.period).",
            "growth-report \(record.toolVersion); generated \(formatter.timestamp(record.generatedAt)).", "",
        ]
        return lines.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
    func wrap(_ text: String, continuation: String = "") -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let prefix = lines.isEmpty ? "" : continuation
            if !line.isEmpty && prefix.count + line.count + 1 + word.count > width {
                lines.append(prefix + line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty { lines.append((lines.isEmpty ? "" : continuation) + line) }
        return lines
    }

    func table(_ table: ReportTable, formatter: DisplayFormatter) -> [String] {
        let shown = table.columns.indices.filter { table.columns[$0].display.isShownInHTML }
        guard !table.rows.isEmpty else { return ["\(table.title): none."] }
        // One line per value: a name holding a line break must not forge a line of its own
        // ("Bcc: …") or break the table's columns.
        let header = shown.map { table.columns[$0].title.singleLine }
        let body = table.rows.map { row in
            shown.map { formatter.text(row[$0], format: table.columns[$0].format, display: table.columns[$0].display).singleLine }
        }
        let numeric = shown.map { table.columns[$0].format.isNumeric }
        let widths = shown.indices.map { column in ([header[column]] + body.map { $0[column] }).map(\.count).max() ?? 0 }
        let tableWidth = widths.reduce(0, +) + 2 * (widths.count - 1)
        // Indented when that fits, flush left when only that fits, else one block per row.
        guard tableWidth <= width else {
            var lines: [String] = []
            for row in body {
                for (index, value) in row.enumerated() { lines.append("  \(header[index]): \(value)") }
                lines.append("")
            }
            return Array(lines.dropLast())
        }
        let indent = tableWidth + 2 <= width ? "  " : ""
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return numeric[index] ? padding + cell : cell + padding
            }
            return indent + padded.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return [line(header), indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + body.map(line)
    }
}
