import Foundation
import Mustache

/// Renders a document as HTML made for e-mail clients (SPEC §6, EML): the template
/// `email/<report>.mustache`, table layout, inline styles, charts as table-based bars, no
/// script, no SVG and nothing fetched from elsewhere.
///
/// The template is found in the `email` folder of the bundled templates; a `--templates`
/// folder's `email/` subfolder replaces files of the same name.
public struct EmailRenderer: Sendable {
    /// Gmail clips a message whose HTML is larger than this.
    public static let maximumHTMLBytes = 102 * 1024
    public static let folderName = "email"

    let library: MustacheLibrary
    let names: Set<String>

    /// - Throws: `HTMLRenderingError` when no template folder is found or a template does not parse.
    public init(templatesDirectory: String? = nil, locator: TemplateLocator = TemplateLocator()) throws {
        var folders: [URL] = []
        if let bundled = try locator.bundledDirectory() { folders.append(bundled.appendingPathComponent(Self.folderName)) }
        if let templatesDirectory {
            let base = URL(
                fileURLWithPath: templatesDirectory,
                relativeTo: URL(fileURLWithPath: locator.currentDirectory, isDirectory: true)
            ).standardizedFileURL
            folders.append(base.appendingPathComponent(Self.folderName))
        }
        var files: [String: URL] = [:]
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasSuffix(".mustache") { files[name] = folder.appendingPathComponent(name) }
        }
        var library = MustacheLibrary()
        var registered: Set<String> = []
        for (fileName, url) in files.sorted(by: { $0.key < $1.key }) {
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw HTMLRenderingError(.templateUnreadable, file: url.path, message: "cannot be read as UTF-8 text.")
            }
            let name = String(fileName.dropLast(".mustache".count))
            library.register(try HTMLTemplates.parse(text, path: url.path), named: name)
            registered.insert(name)
        }
        self.library = library
        self.names = registered
    }

    /// The template of a report without one of its own (`email/report.mustache`).
    static let sharedTemplate = "report"

    /// The e-mail HTML of `document`.
    /// - Throws: `HTMLRenderingError` when the report has no e-mail template or the HTML is
    ///   larger than Gmail shows unclipped.
    public func render(_ document: ReportDocument, timeZone: TimeZone) throws -> String {
        try document.validate()
        // The report's own template when there is one, else the one every report shares.
        let template = names.contains(document.report) ? document.report : Self.sharedTemplate
        guard names.contains(template),
            let html = library.render(
                EmailContext.make(document, timeZone: timeZone),
                withTemplate: template)
        else {
            throw HTMLRenderingError(
                .missingTemplate, file: "\(Self.folderName)/\(Self.sharedTemplate).mustache",
                message: "no e-mail template for the \(document.report) report (neither \(document.report).mustache nor \(Self.sharedTemplate).mustache).")
        }
        guard html.utf8.count <= Self.maximumHTMLBytes else {
            throw HTMLRenderingError(
                .invalidDocument,
                message: "The e-mail HTML is \(html.utf8.count / 1024) KB, over the \(Self.maximumHTMLBytes / 1024) KB past which Gmail clips a message.")
        }
        return html
    }
}

/// The context of an e-mail template: every value a pre-formatted string; each coloured element
/// gets its light colours inline and an `EmailColorClass` whose dark colours the style sheets
/// `darkModeStyle` and `outlookDarkModeStyle` hold.
enum EmailContext {
    static let tilesPerRow = 3

    static func make(_ document: ReportDocument, timeZone: TimeZone) -> [String: Any] {
        let formatter = DisplayFormatter(timeZone: timeZone)
        func tileRows(_ facts: [Fact]) -> [[String: Any]] {
            stride(from: 0, to: facts.count, by: tilesPerRow).map { start -> [String: Any] in
                let tiles = facts[start..<min(start + tilesPerRow, facts.count)].map { fact -> [String: Any] in
                    let note = noteClass(fact.note)
                    return [
                        "label": fact.label, "value": formatter.text(fact.value, format: fact.format),
                        "note": fact.note ?? "", "noteClass": note.name, "noteStyle": note.inlineStyle,
                    ]
                }
                return ["tiles": tiles]
            }
        }
        let sections = document.sections.map { section -> [String: Any] in
            let tables = section.tables.filter(\.isShownInHTML).map { table(for: $0, formatter: formatter) }
            let bars = section.charts.filter { $0.kind == .bar }.compactMap { chart in
                document.table(named: chart.table).flatMap { barChart(chart, table: $0, formatter: formatter) }
            }
            let sparklines = section.charts.filter { $0.kind == .sparklines }.compactMap { chart in
                document.table(named: chart.table).flatMap { sparklineRows(chart, table: $0, formatter: formatter) }
            }
            return [
                "id": section.id, "title": section.title, "paragraphs": section.paragraphs,
                "callouts": section.callouts.map(callout), "hasCallouts": !section.callouts.isEmpty,
                "tables": tables, "bars": bars, "sparklines": sparklines, "hasFacts": !section.facts.isEmpty, "tileRows": tileRows(section.facts),
            ]
        }
        let record = document.reproducibility
        return [
            "title": document.title, "subtitle": document.subtitle ?? false, "periodLabel": document.periodLabel,
            "callouts": document.callouts.map(callout), "hasCallouts": !document.callouts.isEmpty,
            "sections": sections,
            "dataAsOf": formatter.timestamp(record.dataAsOf), "generatedAt": formatter.timestamp(record.generatedAt),
            "timeZone": record.timeZone, "period": record.period, "toolVersion": record.toolVersion,
            "colors": EmailColor.lightByName, "darkModeStyle": EmailColorClass.darkModeStyleSheet,
            "outlookDarkModeStyle": EmailColorClass.outlookDarkModeStyleSheet,
        ]
    }

    /// Green for a rise, red for a fall, grey otherwise (the note starts with its sign).
    static func noteClass(_ note: String?) -> EmailColorClass {
        guard let first = note?.first else { return .flat }
        if first == "+" { return .rise }
        if String(first) == DisplayFormatter.minus { return .fall }
        return .flat
    }

    static func callout(_ callout: Callout) -> [String: Any] {
        let colors = EmailColorClass.callout(callout.tone)
        return [
            "title": callout.title, "text": callout.text, "class": colors.name,
            "border": colors.border?.light ?? "", "background": colors.background?.light ?? "",
            "color": colors.color?.light ?? "", "tone": callout.tone.rawValue,
        ]
    }

    static func table(for table: ReportTable, formatter: DisplayFormatter) -> [String: Any] {
        let shown = table.columns.indices.filter { table.columns[$0].display.isShownInHTML }
        let headers = shown.map { index -> [String: Any] in
            ["text": table.columns[index].title, "align": table.columns[index].format.isNumeric ? "right" : "left"]
        }
        let rows = table.rows.map { row -> [String: Any] in
            let cells = shown.map { index -> [String: Any] in
                let column = table.columns[index]
                var emphasis: EmailColorClass?
                var style = ""
                switch column.display.emphasis {
                case .none: break
                case .sign:
                    emphasis = signClass(row[index])
                case .signWhen(let key):
                    if let flag = table.columnIndex(key), row[flag] == .boolean(true) { emphasis = signClass(row[index]) }
                case .highlightWhen(let key):
                    if let flag = table.columnIndex(key), row[flag] == .boolean(true) {
                        emphasis = .flag
                        style = "font-weight:bold;"
                    }
                }
                return [
                    "text": formatter.text(row[index], format: column.format, display: column.display),
                    "align": column.format.isNumeric ? "right" : "left",
                    "class": ([EmailColorClass.rule] + [emphasis].compactMap { $0 }).map(\.name).joined(separator: " "),
                    "style": (emphasis?.inlineStyle ?? "") + style,
                ]
            }
            return ["cells": cells]
        }
        return [
            "title": table.title, "headers": headers, "rows": rows, "hasRows": !rows.isEmpty,
            "columnCount": String(max(shown.count, 1)),
        ]
    }

    /// Green above zero, red below, none at zero or for a cell without a number.
    static func signClass(_ cell: ReportCell) -> EmailColorClass? {
        guard let value = cell.doubleValue, value != 0 else { return nil }
        return value > 0 ? .rise : .fall
    }

    /// Sparklines as table bars: per row its label, a column per value whose height is its
    /// share of the row's largest (at least 1 px, so a zero week shows), and the last value.
    static func sparklineRows(_ chart: ReportChart, table: ReportTable, formatter: DisplayFormatter) -> [String: Any]? {
        guard let category = table.columnIndex(chart.categoryColumn) else { return nil }
        let columns = chart.valueColumns.compactMap { table.columnIndex($0) }
        guard !columns.isEmpty, columns.count == chart.valueColumns.count else { return nil }
        let rows = chart.rows.map { Array(table.rows[$0]) } ?? table.rows
        guard !rows.isEmpty else { return nil }
        let items = rows.map { row -> [String: Any] in
            let values = columns.map { row[$0].doubleValue }
            let largest = values.compactMap { $0.map(abs) }.max() ?? 0
            let weeks = zip(columns, values).map { column, value -> [String: Any] in
                let height = largest > 0 ? max(1, Int(((abs(value ?? 0)) / largest * 20).rounded())) : 1
                let colors: EmailColorClass = (value ?? 0) < 0 ? .negativeBar : .bar
                return [
                    "height": String(height), "class": colors.name, "style": colors.inlineStyle,
                    "title": "\(table.columns[column].title): \(formatter.text(row[column], format: table.columns[column].format))",
                ]
            }
            let last = columns[columns.count - 1]
            return [
                "label": formatter.text(row[category], format: table.columns[category].format),
                "weeks": weeks, "value": formatter.text(row[last], format: table.columns[last].format),
            ]
        }
        return ["title": chart.title, "items": items]
    }

    /// A bar chart as rows of a table: label, a bar whose width is its share of the largest
    /// value, and the value.
    static func barChart(_ chart: ReportChart, table: ReportTable, formatter: DisplayFormatter) -> [String: Any]? {
        guard let category = table.columnIndex(chart.categoryColumn), let valueKey = chart.valueColumns.first,
            let valueIndex = table.columnIndex(valueKey)
        else { return nil }
        let rows = chart.rows.map { Array(table.rows[$0]) } ?? table.rows
        let values = rows.map { $0[valueIndex].doubleValue ?? 0 }
        let largest = values.map { abs($0) }.max() ?? 0
        guard largest > 0 else { return nil }
        let column = table.columns[valueIndex]
        let bars = zip(rows, values).map { row, value -> [String: Any] in
            let width = max(1, Int((abs(value) / largest * 100).rounded()))
            let colors: EmailColorClass = value < 0 ? .negativeBar : .bar
            return [
                "label": formatter.text(row[category], format: table.columns[category].format),
                "value": formatter.text(row[valueIndex], format: column.format),
                "width": String(width), "rest": String(100 - width), "hasRest": width < 100,
                "class": colors.name, "style": colors.inlineStyle,
            ]
        }
        return ["title": chart.title, "items": bars]
    }
}
