/// A chart drawn from columns of one of the document's tables, so every renderer plots the
/// same numbers the table shows: inline SVG in HTML, a native chart in XLSX.
public struct ReportChart: Sendable {
    public enum Kind: Sendable, Equatable {
        /// One bar per category (per series when there are several: grouped bars).
        case bar
        /// A line per series over the categories (weekly trends).
        case line
        /// A point per category with its interval (`lowColumn`…`highColumn`): a rate with its
        /// confidence interval. XLSX draws it as a line chart with high-low lines.
        case interval
        /// A small line per row (a partner's last 12 weeks) over the value columns, each on its
        /// own scale: inline SVG in HTML, a row of table bars in e-mail, native sparklines in XLSX.
        case sparklines
    }

    public var id: String
    public var title: String
    public var kind: Kind
    /// The `name` of the table the values come from.
    public var table: String
    /// Which rows of that table to plot (all when nil), e.g. one A/B test's variants.
    public var rows: Range<Int>?
    public var categoryColumn: String
    public var valueColumns: [String]
    public var lowColumn: String?
    public var highColumn: String?
    /// A line drawn across the chart at this value (e.g. zero uplift, the control's rate).
    public var referenceValue: Double?
    /// What the reference line means, written beside it ("control 12.0 %", "no change").
    public var referenceLabel: String?
    public var valueAxisTitle: String?

    public init(
        id: String, title: String, kind: Kind, table: String, rows: Range<Int>? = nil,
        categoryColumn: String, valueColumns: [String], lowColumn: String? = nil,
        highColumn: String? = nil, referenceValue: Double? = nil, valueAxisTitle: String? = nil,
        referenceLabel: String? = nil
    ) {
        self.id = id
        self.title = title
        self.kind = kind
        self.table = table
        self.rows = rows
        self.categoryColumn = categoryColumn
        self.valueColumns = valueColumns
        self.lowColumn = lowColumn
        self.highColumn = highColumn
        self.referenceValue = referenceValue
        self.valueAxisTitle = valueAxisTitle
        self.referenceLabel = referenceLabel
    }
}
