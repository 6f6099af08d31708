import Foundation

/// A month `db archive` detached from its table and moved to the `archive` schema, as its
/// registry (`growth_report_archived_months`) records it. Reports read this small table to say
/// when their period, trend or running tests reach into the archive.
public struct ArchivedMonth: Sendable, Equatable {
    public var table: String
    public var month: Month
    /// Rows in the month when it was archived.
    public var rows: Int
    /// For `ab_test_assignments`: the tests with rows in the month.
    public var tests: [String]

    public static let registryTable = "growth_report_archived_months"
    public static let archiveSchema = "archive"
    /// The schema of views that read each table with its archived months (`--include-archive`).
    public static let withArchiveSchema = "growth_report_with_archive"

    static let registryDefinition = """
        CREATE TABLE IF NOT EXISTS \(registryTable) (
          table_name text NOT NULL,
          month date NOT NULL,
          partition_name text NOT NULL,
          rows bigint NOT NULL,
          checksum text NOT NULL,
          tests text[] NOT NULL DEFAULT '{}',
          export_file text,
          export_sha256 text,
          archived_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (table_name, month)
        )
        """

    /// Every archived month; none when nothing was ever archived (or the role cannot see the registry).
    public static func all(on connection: PostgresConnection) throws -> [ArchivedMonth] {
        let exists = try connection.query(
            Statement(
                "archived_months_exist",
                "SELECT to_regclass(\("public." + registryTable)) IS NOT NULL AND has_table_privilege(to_regclass(\("public." + registryTable)), 'SELECT') AS present"
            ))
        guard try exists.first?.decode("present", as: Bool.self) == true else { return [] }
        return try connection.query(
            Statement(
                "archived_months",
                "SELECT table_name, to_char(month, 'YYYY-MM') AS month, rows, array_to_string(tests, E'\\x1F') AS tests FROM public.\(raw: registryTable) ORDER BY table_name, month"
            )
        ) { row in
            let tests = try row.string("tests")
            return ArchivedMonth(
                table: try row.string("table_name"), month: Month(try row.string("month"))!, rows: try row.int("rows"),
                tests: tests.isEmpty ? [] : tests.split(separator: "\u{1F}").map(String.init))
        }
    }

    /// Whether any instant of `[from, to)` falls in this month (`from` nil: from the beginning).
    public func overlaps(from: Date?, to: Date) -> Bool {
        month.start < to && (from.map { month.next.start > $0 } ?? true)
    }
}
