extension ReportTable {
    /// A report's data-quality table (SPEC §6): one row per check with the rows it counted,
    /// columns `check` and `rows`, on the sheet "Data quality".
    public static func dataQuality(name: String, title: String = "Data quality", checks: [(String, Int)]) -> ReportTable {
        ReportTable(
            name: name, title: title, rows: checks,
            columns: [
                TableColumn("check", "Check", .text, display: .fullText) { .text($0.0) },
                TableColumn("rows", "Rows", .integer) { .integer($0.1) },
            ], sheetTitle: "Data quality")
    }
}
