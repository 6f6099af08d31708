import Database
import Foundation
import Rendering

/// The rows of a partitioned event table a report's numbers depend on: a time range (from the
/// beginning when `from` is nil) and, for A/B tests, the tests it read. A month `db archive`
/// moved out that overlaps it is missing from the numbers unless the run reads the archive.
public struct ArchiveReach: Sendable, Equatable {
    public var table: String
    public var from: Date?
    public var to: Date
    /// Only archived months holding one of these tests (nil: any month in the range).
    public var tests: Set<String>?

    public init(table: String, from: Date?, to: Date, tests: Set<String>? = nil) {
        self.table = table
        self.from = from
        self.to = to
        self.tests = tests
    }

    /// The archived months this reach touches.
    public func months(in archived: [ArchivedMonth]) -> [ArchivedMonth] {
        archived.filter { month in
            month.table == table && month.overlaps(from: from, to: to) && (tests.map { !$0.isDisjoint(with: month.tests) } ?? true)
        }
    }
}

/// What a report says of archived months it reaches: a data-quality row (the rows of those
/// months) and, when they were not read, a warning at the top.
public enum ArchiveNotice {
    public static func apply(to document: inout ReportDocument, reach: [ArchiveReach], archived: [ArchivedMonth], included: Bool) {
        var seen = Set<String>()
        let months = reach.flatMap { $0.months(in: archived) }.filter { seen.insert("\($0.table) \($0.month)").inserted }
        guard !months.isEmpty else { return }
        let names = months.map { "\($0.table) \($0.month)" }.joined(separator: ", ")
        let rows = months.reduce(0) { $0 + $1.rows }
        if included {
            document.dataQuality.rows.append([.text("Rows of archived months read with --include-archive (\(names))"), .integer(rows)])
        } else {
            document.dataQuality.rows.append(
                [.text("Rows of archived months this report reaches, not read (\(names)); --include-archive reads them"), .integer(rows)])
            // First: the figures below it (an empty period included) are read without these months.
            document.callouts.insert(
                Callout(
                    .warning, title: "Part of the data is archived",
                    text:
                        "The figures reach into \(months.count == 1 ? "a month" : "\(months.count) months") that db archive moved out (\(names)); their \(DisplayFormatter().grouped(Double(rows), places: 0)) rows are not counted. Run again with --include-archive to read them."
                ), at: 0)
        }
    }
}
