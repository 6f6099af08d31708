import Foundation

/// Builds the Mustache context of a report: dictionaries and arrays of pre-formatted strings
/// (swift-mustache reads keys by reflection and cannot see computed properties), so templates
/// only place text. Every key a template reads is present at every level — an absent key would
/// make Mustache look it up in the enclosing context — and optional text is `false` when missing.
///
/// The only markup in the context is `styles` (the CSS file) and each chart's `svg`, built by
/// `SVGChartBuilder` with every text escaped; templates insert everything else with `{{ }}`.
struct HTMLContextBuilder {
    var formatter: DisplayFormatter
    var charts: SVGChartBuilder
    private var usedIDs: Set<String> = []

    init(formatter: DisplayFormatter) {
        self.formatter = formatter
        self.charts = SVGChartBuilder(formatter: formatter)
    }

    mutating func context(for document: ReportDocument, styles: String) throws -> [String: Any] {
        var sections: [[String: Any]] = []
        for section in document.sections {
            sections.append(try context(for: section, in: document))
        }
        let visibleSections = sections.filter { $0["isEmpty"] as? Bool == false }
        let toc = visibleSections.map { ["anchor": $0["anchor"] as? String ?? "", "title": $0["title"] as? String ?? ""] }
        let dataQuality = tableContext(
            document.dataQuality, rows: nil, title: document.dataQuality.title,
            hidden: [], muted: false)
        return [
            "report": document.report,
            "title": document.title.singleLine,
            "subtitle": document.subtitle.map { $0 as Any } ?? false,
            "periodLabel": document.periodLabel,
            "styles": styles,
            "callouts": document.callouts.map(callout),
            "hasCallouts": !document.callouts.isEmpty,
            "sections": visibleSections,
            "hasSections": !visibleSections.isEmpty,
            "toc": toc,
            "hasToc": toc.count > 1,
            "dataQuality": dataQuality,
            "footer": footer(document.reproducibility),
        ]
    }

    // MARK: Sections

    private mutating func context(for section: ReportSection, in document: ReportDocument) throws -> [String: Any] {
        // An untrustworthy result (SRM) must not look like a win anywhere in its section.
        let muted = section.isUntrustworthy
        var tables: [[String: Any]] = []
        for table in section.tables where table.isShownInHTML {
            tables.append(
                tableContext(
                    table, rows: nil, title: table.title, hidden: [], muted: muted,
                    sectionTitle: section.title))
        }
        for excerpt in section.excerpts {
            guard let table = document.table(named: excerpt.table) else {
                throw HTMLRenderingError(
                    .invalidDocument,
                    message: "Section '\(section.id)' shows rows of table '\(excerpt.table)', which the document does not have.")
            }
            if let rows = excerpt.rows, rows.lowerBound < 0 || rows.upperBound > table.rows.count {
                throw HTMLRenderingError(
                    .invalidDocument,
                    message:
                        "Section '\(section.id)' shows rows \(rows.lowerBound)..<\(rows.upperBound) of table '\(table.name)', which has \(table.rows.count).")
            }
            tables.append(
                tableContext(
                    table, rows: excerpt.rows, title: excerpt.title ?? table.title,
                    hidden: Set(excerpt.hiddenColumns), muted: muted, sectionTitle: section.title))
        }
        var chartContexts: [[String: Any]] = []
        for chart in section.charts {
            let id = uniqueID("chart-" + Self.slug(chart.id))
            chartContexts.append([
                "id": id,
                "title": chart.title.singleLine,
                "svg": try charts.svg(for: chart, in: document, id: id),
            ])
        }
        let banners = section.callouts.filter { $0.tone == .danger || $0.tone == .warning }
        let notes = section.callouts.filter { $0.tone == .neutral || $0.tone == .positive }
        let isEmpty =
            section.paragraphs.isEmpty && section.callouts.isEmpty && section.facts.isEmpty
            && tables.isEmpty && chartContexts.isEmpty
        return [
            "id": section.id,
            "anchor": uniqueID("section-" + Self.slug(section.id)),
            "title": section.title.singleLine,
            "isLongTitle": section.title.count > 80,
            "paragraphs": section.paragraphs,
            "hasParagraphs": !section.paragraphs.isEmpty,
            // Warnings first: a reader sees that a result is untrustworthy before the verdict.
            "callouts": (banners + notes).map(callout),
            "hasCallouts": !section.callouts.isEmpty,
            "hasAlerts": !banners.isEmpty,
            "facts": section.facts.map(fact),
            "hasFacts": !section.facts.isEmpty,
            "tables": tables,
            "hasTables": !tables.isEmpty,
            "charts": chartContexts,
            "hasCharts": !chartContexts.isEmpty,
            "isMuted": muted,
            "isEmpty": isEmpty,
        ]
    }

    private func callout(_ callout: Callout) -> [String: Any] {
        let isAlert = callout.tone == .danger || callout.tone == .warning
        return [
            "tone": callout.tone.rawValue,
            "title": callout.title,
            "text": callout.text,
            "isAlert": isAlert,
            "role": isAlert ? "alert" : "note",
            "icon": Self.icons[callout.tone] ?? "i",
        ]
    }

    static let icons: [Callout.Tone: String] = [.danger: "!", .warning: "!", .positive: "✓", .neutral: "i"]

    private func fact(_ fact: Fact) -> [String: Any] {
        [
            "label": fact.label,
            "value": formatter.text(fact.value, format: fact.format),
            "note": fact.note.map { $0 as Any } ?? false,
        ]
    }

    // MARK: Tables

    private mutating func tableContext(
        _ table: ReportTable, rows range: Range<Int>?, title: String,
        hidden: Set<String>, muted: Bool, sectionTitle: String? = nil
    ) -> [String: Any] {
        let shown = table.columns.indices.filter { table.columns[$0].display.isShownInHTML && !hidden.contains(table.columns[$0].key) }
        let columns: [[String: Any]] = shown.map { index in
            let column = table.columns[index]
            return ["key": column.key, "title": column.title, "class": column.format.isNumeric ? "num" : "text"]
        }
        let rows = table.rows[range ?? 0..<table.rows.count]
        // Each distinct reason a shown value is undefined gets a number, in reading order.
        var notes: [String] = []
        let rowContexts: [[String: Any]] = rows.map { row in
            var markup = ""
            let cells = shown.map { index -> [String: Any] in
                var cell = cell(row: row, index: index, table: table, muted: muted)
                if let reason = row[index].undefinedReason {
                    if !notes.contains(reason) { notes.append(reason) }
                    cell.note = (mark: String(notes.firstIndex(of: reason)! + 1), reason: reason)
                }
                cell.appendMarkup(to: &markup)
                return cell.context
            }
            return ["cells": cells, "html": markup]
        }
        return [
            "id": uniqueID("table-" + Self.slug(table.name)),
            "name": table.name,
            "title": title.singleLine,
            // A table that is all its section holds is not titled twice.
            "hasTitle": title != sectionTitle,
            "columns": columns,
            "rows": rowContexts,
            "hasRows": !rowContexts.isEmpty,
            "emptyMessage": table.emptyMessage,
            "rowCount": rowContexts.count,
            "notes": notes.enumerated().map { ["mark": String($0.offset + 1), "reason": $0.element] },
            "hasNotes": !notes.isEmpty,
            "columnCount": columns.count,
        ]
    }

    private func cell(row: [ReportCell], index: Int, table: ReportTable, muted: Bool) -> HTMLCell {
        let column = table.columns[index]
        let value = row[index]
        let display = column.display
        var classes = [column.format.isNumeric ? "num" : "text"]
        if value.isEmpty { classes.append("empty") }
        if !muted, let tone = tone(of: value, in: row, table: table, emphasis: display.emphasis) {
            classes.append(tone)
        }
        var detail: String?
        if let lowKey = display.intervalLowColumn, let highKey = display.intervalHighColumn,
            let lowIndex = table.columnIndex(lowKey), let highIndex = table.columnIndex(highKey),
            let low = row[lowIndex].doubleValue, let high = row[highIndex].doubleValue
        {
            detail = formatter.interval(low: low, high: high, format: column.format, display: display)
        }
        let text = formatter.text(value, format: column.format, display: display)
        // Long text is clamped to a few lines on screen, the full text its tooltip, unless
        // the column is prose to be read whole.
        let isLong = text.count > Self.longText && !display.showsFullText
        if isLong { classes.append("long") }
        if display.showsFullText && text.count > Self.longText { classes.append("prose") }
        return HTMLCell(text: text, detail: detail, classes: classes.joined(separator: " "), isLong: isLong)
    }

    private func tone(of value: ReportCell, in row: [ReportCell], table: ReportTable, emphasis: ColumnDisplay.Emphasis) -> String? {
        func isTrue(_ key: String) -> Bool {
            guard let index = table.columnIndex(key) else { return false }
            return row[index] == .boolean(true)
        }
        func bySign() -> String? {
            guard let number = value.doubleValue, number != 0 else { return nil }
            return number > 0 ? "positive" : "negative"
        }
        switch emphasis {
        case .none: return nil
        case .sign: return bySign()
        case .signWhen(let key): return isTrue(key) ? bySign() : nil
        case .highlightWhen(let key): return isTrue(key) ? "highlight" : nil
        }
    }

    /// Characters past which a text cell is clamped.
    static let longText = 40

    // MARK: Footer

    private func footer(_ record: Reproducibility) -> [String: Any] {
        let range =
            record.periodStart == record.periodEnd
            ? formatter.date(record.periodStart)
            : formatter.date(record.periodStart) + " – " + formatter.date(record.periodEnd)
        return [
            "toolVersion": record.toolVersion,
            "generatedAt": formatter.isoTimestamp(record.generatedAt),
            "dataAsOf": formatter.isoTimestamp(record.dataAsOf),
            "timeZone": record.timeZone,
            "period": record.period,
            "periodRange": range,
            "options": record.options.map { ["name": $0.name, "value": $0.value] },
            "hasOptions": !record.options.isEmpty,
            "statements": record.statements.map { ["name": $0.name, "hash": $0.value] },
            "hasStatements": !record.statements.isEmpty,
        ]
    }

    // MARK: Ids

    /// `section-ab-homepage-cta` from any text: ASCII letters, digits and hyphens.
    static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-") {
                slug += "-"
            }
            if slug.count >= 40 { break }
        }
        slug = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return slug.isEmpty ? "x" : slug
    }

    private mutating func uniqueID(_ base: String) -> String {
        var id = base
        var counter = 2
        while usedIDs.contains(id) {
            id = "\(base)-\(counter)"
            counter += 1
        }
        usedIDs.insert(id)
        return id
    }
}
