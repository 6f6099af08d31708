/// A column together with how each row fills its cell: a table is its columns and its rows,
/// so no row is a list of cells kept in step with the column list by position.
///
/// ```swift
/// ReportTable(name: "ab-test-tests", title: "Tests at a glance", rows: readout.tests, columns: [
///     TableColumn("test_name", "Test", .text) { .text($0.name) },
///     TableColumn("users", "Users", .integer) { .integer($0.users) },
/// ])
/// ```
public struct TableColumn<Row> {
    public var column: ReportColumn
    public var cell: (Row) -> ReportCell

    public init(
        _ key: String, _ title: String, _ format: CellFormat, display: ColumnDisplay = ColumnDisplay(),
        cell: @escaping (Row) -> ReportCell
    ) {
        column = ReportColumn(key, title, format, display: display)
        self.cell = cell
    }

    /// The same column, its cell empty in the rows `isEmpty` picks (a control variant has no uplift).
    public func empty(where isEmpty: @escaping (Row) -> Bool) -> TableColumn<Row> {
        var copy = self
        let cell = self.cell
        copy.cell = { isEmpty($0) ? .empty : cell($0) }
        return copy
    }
}

extension ReportTable {
    /// A table whose every cell comes from its column's `cell` applied to one of `rows`.
    public init<Row>(
        name: String, title: String, rows: some Sequence<Row>, columns: [TableColumn<Row>],
        isShownInHTML: Bool = true, sheetTitle: String? = nil, isWrittenAsCSV: Bool = true,
        emptyMessage: String = "No rows for this period."
    ) {
        self.init(
            name: name, title: title, columns: columns.map(\.column),
            rows: rows.map { row in columns.map { $0.cell(row) } },
            isShownInHTML: isShownInHTML, sheetTitle: sheetTitle, isWrittenAsCSV: isWrittenAsCSV,
            emptyMessage: emptyMessage)
    }
}
