import CXLSXWriter

extension WorkbookComposer {
    /// Rows between the tops of two charts placed on the same sheet (a default chart is
    /// 15 rows high).
    static let chartSpacingRows = 17

    /// A native chart for `chart`, placed to the right of its table's data. A chart whose
    /// columns the table lacks is left out and noted on the About sheet.
    func addChart(_ chart: ReportChart) throws {
        guard var sheet = sheetsByTable[chart.table] else { return }
        let table = sheet.table
        guard let categoryColumn = table.columnIndex(chart.categoryColumn) else {
            notes.append("Chart '\(chart.title)' left out: table \(table.name) has no column \(chart.categoryColumn).")
            return
        }
        var valueColumns: [Int] = []
        for key in chart.valueColumns {
            guard let index = table.columnIndex(key) else {
                notes.append("Chart '\(chart.title)' left out: table \(table.name) has no column \(key).")
                return
            }
            valueColumns.append(index)
        }
        var lowHigh: (Int, Int)?
        if chart.kind == .interval {
            guard valueColumns.count == 1, let lowKey = chart.lowColumn, let highKey = chart.highColumn,
                let low = table.columnIndex(lowKey), let high = table.columnIndex(highKey)
            else {
                notes.append("Chart '\(chart.title)' left out: an interval chart needs one value column and its low and high columns.")
                return
            }
            lowHigh = (low, high)
        }
        guard !valueColumns.isEmpty else { return }
        let rows = (chart.rows ?? 0..<table.rows.count).clamped(to: 0..<table.rows.count)
        guard !rows.isEmpty else { return }
        if chart.kind == .sparklines {
            try addSparklines(chart, sheet: sheet, valueColumns: valueColumns, rows: rows)
            return
        }
        let firstRow = lxw_row_t(rows.lowerBound + 1)
        let lastRow = lxw_row_t(rows.upperBound)
        let sheetName = workbook.cString(sheet.name)
        let context = "chart \(chart.id) on sheet \(sheet.name)"

        let type = chart.kind == .bar ? LXW_CHART_COLUMN : LXW_CHART_LINE
        let pointer = try workbook.addChart(type: type, context: context)

        func addSeries(_ column: Int) throws -> UnsafeMutablePointer<lxw_chart_series> {
            guard let series = chart_add_series(pointer, nil, nil) else {
                throw XLSXError(call: "chart_add_series", context: context)
            }
            chart_series_set_categories(series, sheetName, firstRow, lxw_col_t(categoryColumn), lastRow, lxw_col_t(categoryColumn))
            chart_series_set_values(series, sheetName, firstRow, lxw_col_t(column), lastRow, lxw_col_t(column))
            // The series is named by its header cell, which holds the column title as text.
            chart_series_set_name_range(series, sheetName, 0, lxw_col_t(column))
            return series
        }

        var noLine = lxw_chart_line()
        noLine.none = 1
        switch chart.kind {
        case .bar, .line:
            for column in valueColumns { _ = try addSeries(column) }
            // A line's interval: its bounds as thin dashed lines (libxlsxwriter fills no band).
            let bounds = chart.kind == .line ? [chart.lowColumn, chart.highColumn].compactMap { $0.flatMap(table.columnIndex) } : []
            var dashed = lxw_chart_line()
            dashed.color = 0x8C_8C_8C
            dashed.width = 1
            dashed.dash_type = UInt8(LXW_CHART_LINE_DASH_DASH.rawValue)
            for column in bounds {
                let bound = try addSeries(column)
                chart_series_set_line(bound, &dashed)
                chart_series_set_marker_type(bound, UInt8(LXW_CHART_MARKER_NONE.rawValue))
            }
            let seriesCount = valueColumns.count + bounds.count
            chart_legend_set_position(pointer, UInt8(seriesCount > 1 ? LXW_CHART_LEGEND_BOTTOM.rawValue : LXW_CHART_LEGEND_NONE.rawValue))
        case .interval:
            let value = try addSeries(valueColumns[0])
            chart_series_set_line(value, &noLine)
            chart_series_set_marker_type(value, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
            chart_series_set_marker_size(value, 7)
            if let (low, high) = lowHigh {
                for column in [low, high] {
                    let bound = try addSeries(column)
                    chart_series_set_line(bound, &noLine)
                    chart_series_set_marker_type(bound, UInt8(LXW_CHART_MARKER_NONE.rawValue))
                }
            }
            // High-low lines join the highest and lowest value of each category: low to high.
            chart_set_high_low_lines(pointer, nil)
            chart_legend_set_position(pointer, UInt8(LXW_CHART_LEGEND_NONE.rawValue))
        case .sparklines:
            return
        }
        chart_title_set_name(pointer, workbook.cString(Self.literal(chart.title)))
        if let axisTitle = chart.valueAxisTitle {
            chart_axis_set_name(pointer.pointee.y_axis, workbook.cString(Self.literal(axisTitle)))
        }
        let format = table.columns[valueColumns[0]].format
        if let numberFormat = Self.axisNumberFormat(format) {
            chart_axis_set_num_format(pointer.pointee.y_axis, workbook.cString(numberFormat))
        }
        if let reference = chart.referenceValue, reference.isFinite, chart.kind != .bar {
            // The category axis crosses the value axis at the reference (zero uplift, the
            // control's rate); its labels stay at the bottom.
            chart_axis_set_crossing(pointer.pointee.y_axis, reference)
            chart_axis_set_label_position(pointer.pointee.x_axis, UInt8(LXW_CHART_AXIS_LABEL_POSITION_LOW.rawValue))
        }
        chart_show_blanks_as(pointer, UInt8(LXW_CHART_BLANKS_AS_GAP.rawValue))

        let anchorRow = lxw_row_t(1 + sheet.chartsPlaced * Self.chartSpacingRows)
        let anchorColumn = lxw_col_t(table.columns.count + 1)
        try workbook.check("worksheet_insert_chart", worksheet_insert_chart(sheet.pointer, anchorRow, anchorColumn, pointer), context)
        sheet.chartsPlaced += 1
        sheetsByTable[chart.table] = sheet
        chartCount += 1
    }

    /// Sparklines in the column after the table, one per row over its value columns (which
    /// must be side by side), written into the closed workbook by `XLSXSparklines`.
    func addSparklines(_ chart: ReportChart, sheet: Sheet, valueColumns: [Int], rows: Range<Int>) throws {
        guard let first = valueColumns.min(), let last = valueColumns.max(), last - first + 1 == valueColumns.count,
            let index = sheetNames.firstIndex(of: sheet.name)
        else {
            notes.append("Sparklines '\(chart.title)' left out: their columns are not side by side.")
            return
        }
        let column = sheet.table.columns.count
        try writeText(chart.title, sheet: sheet.pointer, sheetName: sheet.name, row: 0, column: column, format: try workbook.format(.header))
        try workbook.check(
            "worksheet_set_column", worksheet_set_column(sheet.pointer, lxw_col_t(column), lxw_col_t(column), 22, nil),
            "sheet \(sheet.name), column \(column)")
        let sparklines = rows.map { row in
            let excelRow = String(row + 2)
            return (
                data: "\(CellReference.columnName(first))\(excelRow):\(CellReference.columnName(last))\(excelRow)",
                cell: CellReference.columnName(column) + excelRow
            )
        }
        sparklineGroups.append(
            XLSXSparklines.Group(part: "xl/worksheets/sheet\(index + 1).xml", sheetName: sheet.name, sparklines: sparklines))
        chartCount += 1
    }

    /// libxlsxwriter reads a chart title starting with `=` as a cell reference; a leading
    /// space keeps it literal text.
    static func literal(_ title: String) -> String {
        title.hasPrefix("=") ? " " + title : title
    }

    static func axisNumberFormat(_ format: CellFormat) -> String? {
        switch format {
        case .percent(let places): places > 1 ? "0.0%" : "0%"
        case .integer: ExcelNumberFormat.integer
        case .money(let currency): ExcelNumberFormat.money(currency: currency).replacingOccurrences(of: ".00", with: "")
        default: nil
        }
    }
}
