import Foundation

/// The numbers of one chart, read from its table: category labels, one series per value column
/// and, for an interval chart, the bounds. Empty cells stay `nil` (a gap, not a zero).
struct ChartData {
    struct Series {
        var column: ReportColumn
        var values: [Double?]
    }

    var categories: [String]
    var series: [Series]
    var lows: [Double?]
    var highs: [Double?]

    /// The first value column: its format labels the axis.
    var valueColumn: ReportColumn { series[0].column }

    init(chart: ReportChart, table: ReportTable, formatter: DisplayFormatter) throws {
        func column(_ key: String) throws -> Int {
            guard let index = table.columnIndex(key) else {
                throw HTMLRenderingError(
                    .invalidDocument,
                    message: "Chart '\(chart.id)' plots column '\(key)', which table '\(table.name)' does not have.")
            }
            return index
        }
        guard !chart.valueColumns.isEmpty else {
            throw HTMLRenderingError(.invalidDocument, message: "Chart '\(chart.id)' has no value column.")
        }
        let rowRange = chart.rows ?? 0..<table.rows.count
        guard rowRange.lowerBound >= 0, rowRange.upperBound <= table.rows.count else {
            throw HTMLRenderingError(
                .invalidDocument,
                message:
                    "Chart '\(chart.id)' plots rows \(rowRange.lowerBound)..<\(rowRange.upperBound) of table '\(table.name)', which has \(table.rows.count).")
        }
        let rows = table.rows[rowRange]
        let categoryIndex = try column(chart.categoryColumn)
        let categoryColumn = table.columns[categoryIndex]
        categories = rows.map { row in
            formatter.text(row[categoryIndex], format: categoryColumn.format, display: categoryColumn.display).singleLine
        }
        series = try chart.valueColumns.map { key in
            let index = try column(key)
            return Series(column: table.columns[index], values: rows.map { $0[index].doubleValue })
        }
        if let key = chart.lowColumn {
            let index = try column(key)
            lows = rows.map { $0[index].doubleValue }
        } else {
            lows = Array(repeating: nil, count: rows.count)
        }
        if let key = chart.highColumn {
            let index = try column(key)
            highs = rows.map { $0[index].doubleValue }
        } else {
            highs = Array(repeating: nil, count: rows.count)
        }
    }
}
