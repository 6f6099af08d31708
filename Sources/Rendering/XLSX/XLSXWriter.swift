import CXLSXWriter
import Foundation

/// How XLSX workbooks are written.
public struct XLSXOptions: Sendable {
    /// libxlsxwriter's constant-memory mode: each row is flushed to a temporary file as it is
    /// written (~26 MB instead of ~166 MB for 100 k rows × 10 columns), but it applies to the
    /// whole workbook and charts lose their cached values, so report workbooks with charts don't
    /// use it (SPEC §6).
    public enum ConstantMemory: Sendable, Equatable {
        /// On when a table has more than `constantMemoryThreshold` rows and no chart is drawn.
        case automatic
        case always
        case never
    }

    public var constantMemory: ConstantMemory
    public var constantMemoryThreshold: Int
    /// Where libxlsxwriter keeps its temporary files (nil: the system's).
    public var temporaryDirectory: String?
    /// The zone timestamps are shown in (Excel date-times have none). Nil: the document's `timeZone`.
    public var timeZone: TimeZone?

    public init(
        constantMemory: ConstantMemory = .automatic, constantMemoryThreshold: Int = 100_000,
        temporaryDirectory: String? = nil, timeZone: TimeZone? = nil
    ) {
        self.constantMemory = constantMemory
        self.constantMemoryThreshold = constantMemoryThreshold
        self.temporaryDirectory = temporaryDirectory
        self.timeZone = timeZone
    }
}

/// What a written workbook holds, and what had to give way.
public struct XLSXSummary: Sendable, Equatable {
    /// The worksheets in order: one per table, then `About`.
    public var sheetNames: [String]
    public var chartCount: Int
    public var usesConstantMemory: Bool
    /// Cells whose text was cut at Excel's limit and charts left out, as listed on the About sheet.
    public var notes: [String]
}

/// Writes a `ReportDocument` as one XLSX workbook with libxlsxwriter (SPEC §6); the only code
/// that calls `lxw_*`, `workbook_*`, `worksheet_*` and `chart_*`.
///
/// - One worksheet per table (`document.tables`, data quality last), named from
///   `sheetTitle ?? title` made valid for Excel (≤ 31 characters, none of `[]:*?/\`, unique);
///   a bold header row of the column titles, frozen, with an autofilter over the data.
/// - Typed cells: numbers as numbers with a format per `CellFormat` (`#,##0`, `0.0%`,
///   `"$"#,##0.00` / `#,##0.00 "EUR"`, p-values `0.0000` or `0.00E+00` below 0.0001), booleans as
///   booleans, dates as Excel dates (`yyyy-mm-dd`), timestamps as Excel date-times
///   (`yyyy-mm-dd hh:mm:ss`) in the report's time zone. `.empty`, NaN and infinity are blank.
///   Text is always written with `worksheet_write_string`, so `=SUM(A1)` stays text. Text
///   longer than Excel's 32 767 characters is cut, ending with a marker saying how long it
///   was, and the cell is listed on the About sheet. Dates before 1900 (which Excel cannot
///   store) are written as ISO text.
/// - Column widths estimated from content (`ColumnWidths`).
/// - Native charts for the document's `ReportChart`s whose table is in the workbook, on that
///   table's sheet to the right of the data: bar → column chart, line → line chart,
///   interval → line chart of the value (markers only) with low and high series joined by
///   high-low lines (libxlsxwriter 1.1.4 has no custom error bars). `referenceValue` moves the
///   category axis to that value on line and interval charts.
/// - Document properties (title, subject, author `growth-report`, comments, creation time =
///   `generatedAt`, so the same document gives the same bytes) and an `About` sheet with the
///   reproducibility record.
public struct XLSXWriter: Sendable {
    public static let aboutSheetName = "About"
    public static let author = "growth-report"
    /// Excel's limit for the text of one cell.
    public static let maximumTextLength = 32_767
    static let maximumRows = 1_048_576
    static let maximumColumns = 16_384

    public var options: XLSXOptions

    public init(options: XLSXOptions = XLSXOptions()) {
        self.options = options
    }

    /// `ab-test` → `ab-test.xlsx`.
    public static func fileName(for document: ReportDocument) -> String { document.report + ".xlsx" }

    /// Writes the workbook to `url` (libxlsxwriter writes to a path; give it a staging path,
    /// e.g. through `OutputRun.write(fileNamed:)`). Throws `XLSXError` naming the failed call.
    ///
    /// What libxlsxwriter prints on stderr meanwhile is captured: on failure it becomes part of
    /// the error (`XLSXError.printed`), on success it is dropped.
    @discardableResult
    public func write(_ document: ReportDocument, to url: URL) throws -> XLSXSummary {
        try document.validate()
        let (result, printed) = StandardErrorCapture.capturing { try writeCaptured(document, to: url) }
        switch result {
        case .success(let summary): return summary
        case .failure(var error as XLSXError):
            error.printed = StandardErrorCapture.clause(printed)
            throw error
        case .failure(let error): throw error
        }
    }

    private func writeCaptured(_ document: ReportDocument, to url: URL) throws -> XLSXSummary {
        let tables = document.tables
        for table in tables where table.rows.count + 1 > Self.maximumRows || table.columns.count > Self.maximumColumns {
            throw XLSXError(
                code: .tooLarge, call: "worksheet_write_*",
                context: "table \(table.name) (\(table.rows.count) rows, \(table.columns.count) columns)")
        }
        let charts = document.sections.flatMap(\.charts).filter { chart in
            document.table(named: chart.table).map { !$0.rows.isEmpty } ?? false
        }
        let constantMemory: Bool =
            switch options.constantMemory {
            case .always: true
            case .never: false
            case .automatic: charts.isEmpty && tables.contains { $0.rows.count > options.constantMemoryThreshold }
            }
        let timeZone = options.timeZone ?? document.timeZone
        let composer = try WorkbookComposer(
            workbook: Workbook(
                path: url.path, constantMemory: constantMemory,
                temporaryDirectory: options.temporaryDirectory),
            timeZone: timeZone)
        for table in tables { try composer.addSheet(for: table) }
        for chart in charts { try composer.addChart(chart) }
        try composer.addAboutSheet(for: document)
        try composer.setProperties(for: document)
        try composer.workbook.close()
        try XLSXSparklines.add(composer.sparklineGroups, to: url)
        return XLSXSummary(
            sheetNames: composer.sheetNames, chartCount: composer.chartCount,
            usesConstantMemory: constantMemory, notes: composer.notes)
    }
}

/// The state of one workbook being written.
final class WorkbookComposer {
    struct Sheet {
        var name: String
        var pointer: UnsafeMutablePointer<lxw_worksheet>
        var table: ReportTable
        var chartsPlaced = 0
    }

    let workbook: Workbook
    let timeZone: TimeZone
    private var names = SheetNames(reserved: [XLSXWriter.aboutSheetName])
    /// Sheets by table name (the first table of a name wins, as `ReportDocument.table(named:)`).
    var sheetsByTable: [String: Sheet] = [:]
    var sheetNames: [String] = []
    var chartCount = 0
    var notes: [String] = []
    /// Sparklines to add once the workbook is closed.
    var sparklineGroups: [XLSXSparklines.Group] = []

    init(workbook: Workbook, timeZone: TimeZone) {
        self.workbook = workbook
        self.timeZone = timeZone
    }

    func addSheet(for table: ReportTable) throws {
        let name = names.claim(table.sheetTitle ?? table.title)
        let sheet = try workbook.addWorksheet(named: name)
        sheetNames.append(name)
        if sheetsByTable[table.name] == nil { sheetsByTable[table.name] = Sheet(name: name, pointer: sheet, table: table) }

        for (index, width) in ColumnWidths.estimate(for: table).enumerated() {
            try workbook.check(
                "worksheet_set_column", worksheet_set_column(sheet, lxw_col_t(index), lxw_col_t(index), width, nil),
                "sheet \(name), column \(index)")
        }
        worksheet_freeze_panes(sheet, 1, 0)
        let lastColumn = lxw_col_t(max(table.columns.count, 1) - 1)
        try workbook.check(
            "worksheet_autofilter", worksheet_autofilter(sheet, 0, 0, lxw_row_t(table.rows.count), lastColumn),
            "sheet \(name)")

        let header = try workbook.format(.header)
        for (index, column) in table.columns.enumerated() {
            try writeText(column.title, sheet: sheet, sheetName: name, row: 0, column: index, format: header)
        }
        for (rowIndex, row) in table.rows.enumerated() {
            for (columnIndex, cell) in row.enumerated() {
                try write(
                    cell, format: table.columns[columnIndex].format, sheet: sheet, sheetName: name,
                    row: rowIndex + 1, column: columnIndex)
            }
        }
        for (index, column) in table.columns.enumerated() {
            guard let shading = column.display.spreadsheetShading, !table.rows.isEmpty else { continue }
            try shade(sheet, sheetName: name, column: index, rows: table.rows.count, shading)
        }
    }

    /// Conditional formatting over one column's data rows (Excel's default red, white and green;
    /// a blue bar). Blank cells stay blank.
    func shade(
        _ sheet: UnsafeMutablePointer<lxw_worksheet>, sheetName: String, column: Int, rows: Int,
        _ shading: ColumnDisplay.SpreadsheetShading
    ) throws {
        var format = lxw_conditional_format()
        switch shading {
        case .aroundZero:
            format.type = UInt8(LXW_CONDITIONAL_3_COLOR_SCALE.rawValue)
            format.min_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_MINIMUM.rawValue)
            format.min_color = 0xF8_69_6B
            format.mid_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
            format.mid_value = 0
            format.mid_color = 0xFF_FF_FF
            format.max_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_MAXIMUM.rawValue)
            format.max_color = 0x63_BE_7B
        case .dataBar:
            format.type = UInt8(LXW_CONDITIONAL_DATA_BAR.rawValue)
            format.bar_color = 0x63_8E_C6
        }
        try workbook.check(
            "worksheet_conditional_format_range",
            worksheet_conditional_format_range(sheet, 1, lxw_col_t(column), lxw_row_t(rows), lxw_col_t(column), &format),
            "\(sheetName), column \(CellReference.name(row: 0, column: column))")
    }

    func write(
        _ cell: ReportCell, format: CellFormat, sheet: UnsafeMutablePointer<lxw_worksheet>, sheetName: String,
        row: Int, column: Int
    ) throws {
        func number(_ value: Double, _ numberFormat: String?) throws {
            guard value.isFinite else { return } // Excel cannot store NaN or infinity: blank
            let style = try workbook.format(CellStyle(numberFormat: numberFormat))
            try workbook.check(
                "worksheet_write_number",
                worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), value, style),
                "\(sheetName)!\(CellReference.name(row: row, column: column))")
        }
        switch cell {
        case .empty:
            return
        case .undefined(let reason):
            // A blank cell that says why in its note.
            try workbook.check(
                "worksheet_write_comment",
                worksheet_write_comment(sheet, lxw_row_t(row), lxw_col_t(column), String(reason.prefix(1000))),
                "\(sheetName)!\(CellReference.name(row: row, column: column))")
        case .text(let text):
            try writeText(text, sheet: sheet, sheetName: sheetName, row: row, column: column, format: nil)
        case .integer, .number, .money:
            guard let value = cell.doubleValue else { return }
            let numberFormat =
                ExcelNumberFormat.forNumber(value, column: format)
                ?? {
                    if case .integer = cell { return ExcelNumberFormat.integer }
                    if case .money = cell { return ExcelNumberFormat.money }
                    return nil
                }()
            try number(value, numberFormat)
        case .boolean(let value):
            try workbook.check(
                "worksheet_write_boolean",
                worksheet_write_boolean(sheet, lxw_row_t(row), lxw_col_t(column), value ? 1 : 0, nil),
                "\(sheetName)!\(CellReference.name(row: row, column: column))")
        case .date(let date):
            if let serial = ExcelNumberFormat.serial(of: date) {
                try number(serial, ExcelNumberFormat.date)
            } else {
                try writeText(date.description, sheet: sheet, sheetName: sheetName, row: row, column: column, format: nil)
            }
        case .timestamp(let date):
            if let serial = ExcelNumberFormat.serial(of: date, in: timeZone) {
                try number(serial, ExcelNumberFormat.timestamp)
            } else {
                try writeText(
                    MachineText.timestamp(date, timeZone: timeZone), sheet: sheet, sheetName: sheetName,
                    row: row, column: column, format: nil)
            }
        }
    }

    /// Always `worksheet_write_string`: text is never a formula.
    func writeText(
        _ text: String, sheet: UnsafeMutablePointer<lxw_worksheet>, sheetName: String, row: Int, column: Int,
        format: UnsafeMutablePointer<lxw_format>?
    ) throws {
        let reference = "\(sheetName)!\(CellReference.name(row: row, column: column))"
        var text = XLSXWriter.storable(text)
        if text.utf16.count > XLSXWriter.maximumTextLength {
            let length = text.count
            let marker = " … [truncated: \(length) characters in full]"
            text = SheetNames.truncated(text, to: XLSXWriter.maximumTextLength - marker.utf16.count) + marker
            notes.append("Text cut at Excel's limit of 32,767 characters in \(reference) (\(length) characters in full).")
        }
        try workbook.check(
            "worksheet_write_string",
            worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), text, format), reference)
    }
}

extension XLSXWriter {
    /// Text as a shared string can hold it, so that the workbook stays well-formed XML and
    /// reads back as written: NUL, U+FFFE and U+FFFF (not XML characters, which libxlsxwriter
    /// writes as they are, making the whole workbook unreadable) become U+FFFD, and the `_` of
    /// text that looks like an OOXML escape (`_x0041_`, which readers turn into `A`) is itself
    /// escaped as `_x005F_` (ECMA-376 ST_Xstring). libxlsxwriter escapes the other controls.
    static func storable(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0, 0xFFFE, 0xFFFF:
                result.append("\u{FFFD}")
            case 0x5F
            where index + 6 < scalars.count && scalars[index + 1] == "x" && scalars[index + 6] == "_"
                && scalars[index + 2...index + 5].allSatisfy(\.properties.isASCIIHexDigit):
                result.append(contentsOf: "_x005F_".unicodeScalars)
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }
}

/// A1-style names, for error messages and notes.
enum CellReference {
    static func columnName(_ column: Int) -> String {
        var name = ""
        var number = column + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    static func name(row: Int, column: Int) -> String { columnName(column) + String(row + 1) }
}
