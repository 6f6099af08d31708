import Foundation

/// A table with typed columns. `name` is the CSV file's base name (`ab-test` →
/// `ab-test.csv`) and the XLSX sheet; column keys are the CSV header, exactly as SPEC §4 lists.
public struct ReportTable: Sendable {
    public var name: String
    public var title: String
    public var columns: [ReportColumn]
    public var rows: [[ReportCell]]
    /// Shown in the HTML report (a table may exist only for CSV/XLSX, e.g. a raw export).
    public var isShownInHTML: Bool
    /// The XLSX sheet's name when it should differ from `name` (Excel allows 31 characters).
    public var sheetTitle: String?
    /// Written as `<name>.csv`. A view for people (a pivot, a comparison with the previous
    /// period) that would add a file SPEC §4 does not list sets it to false.
    public var isWrittenAsCSV: Bool
    /// What the HTML report says in place of a table with no rows.
    public var emptyMessage: String

    public init(
        name: String, title: String, columns: [ReportColumn], rows: [[ReportCell]],
        isShownInHTML: Bool = true, sheetTitle: String? = nil, isWrittenAsCSV: Bool = true,
        emptyMessage: String = "No rows for this period."
    ) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row of \(name) needs \(columns.count) cells")
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.isShownInHTML = isShownInHTML
        self.sheetTitle = sheetTitle
        self.isWrittenAsCSV = isWrittenAsCSV
        self.emptyMessage = emptyMessage
    }

    public func columnIndex(_ key: String) -> Int? { columns.firstIndex { $0.key == key } }
}

/// A column: its CSV key, its human title and how its values are formatted.
public struct ReportColumn: Sendable, Equatable {
    public var key: String
    public var title: String
    public var format: CellFormat
    /// How the HTML report presents the column; CSV and XLSX may ignore it.
    public var display: ColumnDisplay

    public init(_ key: String, _ title: String, _ format: CellFormat, display: ColumnDisplay = ColumnDisplay()) {
        self.key = key
        self.title = title
        self.format = format
        self.display = display
    }
}

/// Presentation hints for people-facing outputs (HTML); they never change a value.
public struct ColumnDisplay: Sendable, Equatable {
    /// Which values stand out in colour.
    public enum Emphasis: Sendable, Equatable {
        case none
        /// Positive values tinted as good, negative as bad.
        case sign
        /// As `sign`, only in rows where the boolean column with this key is true
        /// (an uplift tinted only when it is significant).
        case signWhen(column: String)
        /// The whole cell highlighted in rows where the boolean column with this key is true.
        case highlightWhen(column: String)
    }

    /// Shown in the HTML table (the interval bounds are usually shown inside their value's cell).
    public var isShownInHTML: Bool
    /// A `+` before positive numbers (differences, uplifts).
    public var showsSign: Bool
    /// A percent column that is a difference of rates, shown in percentage points ("+1.2 pp").
    public var isPercentagePoints: Bool
    /// Keys of the columns holding this value's interval, shown under the value ("11.9 – 13.1 %").
    public var intervalLowColumn: String?
    public var intervalHighColumn: String?
    public var emphasis: Emphasis
    /// Replaces the default text of an empty cell ("n/a" for numbers, "—" otherwise).
    public var emptyText: String?
    /// Prose the reader needs whole (a finding, a verdict, a fix): shown in full in HTML,
    /// wrapped between words, instead of clamped to a few lines.
    public var showsFullText: Bool
    /// How a spreadsheet shades the column's numbers (XLSX conditional formatting); the cells
    /// stay numbers.
    public var spreadsheetShading: SpreadsheetShading?

    /// Conditional formatting over a column's data rows.
    public enum SpreadsheetShading: Sendable, Equatable {
        /// Red below zero, white at zero, green above: ROI, changes.
        case aroundZero
        /// A bar in each cell as long as its share of the largest value: revenue.
        case dataBar
    }

    public init(
        isShownInHTML: Bool = true, showsSign: Bool = false, isPercentagePoints: Bool = false,
        intervalLowColumn: String? = nil, intervalHighColumn: String? = nil,
        emphasis: Emphasis = .none, emptyText: String? = nil, showsFullText: Bool = false,
        spreadsheetShading: SpreadsheetShading? = nil
    ) {
        self.spreadsheetShading = spreadsheetShading
        self.isShownInHTML = isShownInHTML
        self.showsSign = showsSign
        self.isPercentagePoints = isPercentagePoints
        self.intervalLowColumn = intervalLowColumn
        self.intervalHighColumn = intervalHighColumn
        self.emphasis = emphasis
        self.emptyText = emptyText
        self.showsFullText = showsFullText
    }

    /// Hidden from the HTML table.
    public static let hiddenInHTML = ColumnDisplay(isShownInHTML: false)
    /// Shown in full, wrapped between words.
    public static let fullText = ColumnDisplay(showsFullText: true)
}

/// How a value is shown (HTML), formatted (XLSX) and written (CSV).
public enum CellFormat: Sendable, Equatable {
    case text
    case integer
    /// A plain number with this many decimals shown (CSV: shortest round-trip).
    case decimal(places: Int)
    /// A fraction shown as a percentage (0.125 → 12.5 %) with this many decimals.
    case percent(places: Int)
    /// An exact amount in this currency (CSV: two decimals).
    case money(currency: Currency)
    /// A probability, shown with enough significant digits for tiny values (1.2e-8).
    case pValue
    case boolean
    case date
    case timestamp

    /// Numbers are right-aligned wherever they are shown.
    public var isNumeric: Bool {
        switch self {
        case .integer, .decimal, .percent, .money, .pValue: true
        case .text, .boolean, .date, .timestamp: false
        }
    }
}

/// One value. `empty` is a blank cell (CSV: empty field; XLSX: blank; HTML: "n/a" or "—").
public enum ReportCell: Sendable, Equatable {
    case empty
    /// No value, because the formula is undefined here ("the control has no conversions"):
    /// blank in CSV, blank with the reason as a cell note in XLSX, "—" with a numbered
    /// footnote under the table in HTML.
    case undefined(String)
    case text(String)
    case integer(Int)
    /// A finite double; builders turn NaN and infinity into `empty` before they get here.
    case number(Double)
    case money(Decimal)
    case boolean(Bool)
    case date(ReportDate)
    case timestamp(Date)

    /// A number or `empty` when it is missing or not finite.
    public static func number(_ value: Double?) -> ReportCell {
        guard let value, value.isFinite else { return .empty }
        return .number(value)
    }

    /// A number, or `undefined` with `reason` when it is missing or not finite.
    public static func number(_ value: Double?, undefinedBecause reason: String) -> ReportCell {
        guard let value, value.isFinite else { return .undefined(reason) }
        return .number(value)
    }

    /// No value, whether or not a reason was given.
    public var isEmpty: Bool {
        switch self {
        case .empty, .undefined: true
        default: false
        }
    }

    /// Why there is no value, when the builder said.
    public var undefinedReason: String? {
        if case .undefined(let reason) = self { reason } else { nil }
    }

    /// The value as a double, for charts.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        case .money(let value): value.nearestDouble
        default: nil
        }
    }
}

/// A calendar day with no time zone (`analytics_period`, ISO week starts).
public struct ReportDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2026-11-16`.
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: ReportDate, b: ReportDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}
