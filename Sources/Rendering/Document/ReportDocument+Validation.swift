/// A document whose references do not hold: a chart or an excerpt naming a table, a column or
/// rows the document does not have. A mistake of the code that built it (the CLI's exit 70);
/// every renderer refuses the same document with the same message.
public struct DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "Invalid report document: \(message)" }
}

extension ReportDocument {
    /// Checks every reference of the document, once, as the pipeline builds it and as each
    /// renderer (HTML, XLSX, e-mail) receives it: charts (table, category, value, interval
    /// columns, rows), excerpts (table, rows, hidden columns) and the columns a column's
    /// display names (interval bounds, emphasis conditions).
    public func validate() throws {
        var names: Set<String> = []
        for table in tables {
            guard names.insert(table.name).inserted else { throw DocumentError("two tables are named '\(table.name)'.") }
            for column in table.columns {
                let display = column.display
                var referenced = [display.intervalLowColumn, display.intervalHighColumn].compactMap { $0 }
                switch display.emphasis {
                case .signWhen(let key), .highlightWhen(let key): referenced.append(key)
                case .none, .sign: break
                }
                for key in referenced where table.columnIndex(key) == nil {
                    throw DocumentError("column '\(column.key)' of table '\(table.name)' refers to column '\(key)', which the table does not have.")
                }
            }
        }
        for section in sections {
            for chart in section.charts { try validate(chart, in: section) }
            for excerpt in section.excerpts {
                guard let table = table(named: excerpt.table) else {
                    throw DocumentError("section '\(section.id)' shows rows of table '\(excerpt.table)', which the document does not have.")
                }
                try validate(rows: excerpt.rows, of: table, what: "section '\(section.id)'")
                for key in excerpt.hiddenColumns where table.columnIndex(key) == nil {
                    throw DocumentError("section '\(section.id)' hides column '\(key)', which table '\(table.name)' does not have.")
                }
            }
        }
    }

    private func validate(_ chart: ReportChart, in section: ReportSection) throws {
        guard let table = table(named: chart.table) else {
            throw DocumentError("chart '\(chart.id)' reads table '\(chart.table)', which the document does not have.")
        }
        guard !chart.valueColumns.isEmpty else { throw DocumentError("chart '\(chart.id)' has no value column.") }
        let keys = [chart.categoryColumn] + chart.valueColumns + [chart.lowColumn, chart.highColumn].compactMap { $0 }
        for key in keys where table.columnIndex(key) == nil {
            throw DocumentError("chart '\(chart.id)' plots column '\(key)', which table '\(table.name)' does not have.")
        }
        if chart.kind == .interval, chart.valueColumns.count != 1 || chart.lowColumn == nil || chart.highColumn == nil {
            throw DocumentError("interval chart '\(chart.id)' needs one value column and its low and high columns.")
        }
        try validate(rows: chart.rows, of: table, what: "chart '\(chart.id)'")
    }

    private func validate(rows: Range<Int>?, of table: ReportTable, what: String) throws {
        guard let rows else { return }
        guard rows.lowerBound >= 0, rows.upperBound <= table.rows.count else {
            throw DocumentError("\(what) uses rows \(rows.lowerBound)..<\(rows.upperBound) of table '\(table.name)', which has \(table.rows.count).")
        }
    }
}
