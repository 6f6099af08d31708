import Foundation

/// A report as the renderers see it: sections of typed tables, charts that point at table
/// columns, callouts, a data-quality table and the reproducibility record. It knows nothing of
/// statistics or SQL, so a new report needs no new renderer code.
public struct ReportDocument: Sendable {
    /// The report's id: `ab-test`, `partner-roi`, … — the HTML template's name and the base of file names.
    public var report: String
    public var title: String
    public var subtitle: String?
    /// How the period reads to a person, e.g. "2026-W47 · 16–22 Nov 2026".
    public var periodLabel: String
    /// Sentences at the top: the verdict, health warnings.
    public var callouts: [Callout]
    public var sections: [ReportSection]
    /// Rows read and excluded, and why (`check`, `rows`); written as `<report>-data-quality.csv`.
    public var dataQuality: ReportTable
    public var reproducibility: Reproducibility
    /// The zone every time is shown in (the report's `--timezone`).
    public var timeZone: TimeZone

    public init(
        report: String, title: String, subtitle: String? = nil, periodLabel: String,
        callouts: [Callout] = [], sections: [ReportSection], dataQuality: ReportTable,
        reproducibility: Reproducibility, timeZone: TimeZone
    ) {
        self.timeZone = timeZone
        self.report = report
        self.title = title
        self.subtitle = subtitle
        self.periodLabel = periodLabel
        self.callouts = callouts
        self.sections = sections
        self.dataQuality = dataQuality
        self.reproducibility = reproducibility
    }

    /// Every table, in order: those of the sections, then the data-quality table.
    public var tables: [ReportTable] { sections.flatMap(\.tables) + [dataQuality] }

    public func table(named name: String) -> ReportTable? { tables.first { $0.name == name } }
}

/// A sentence that stands out: a verdict, a warning.
public struct Callout: Sendable, Equatable {
    public enum Tone: String, Sendable { case neutral, positive, warning, danger }
    public var tone: Tone
    public var title: String
    public var text: String

    public init(_ tone: Tone, title: String, text: String) {
        self.tone = tone
        self.title = title
        self.text = text
    }
}

/// A part of a report with its own heading (one A/B test, the partner table, …).
public struct ReportSection: Sendable {
    public var id: String
    public var title: String
    /// Plain sentences under the heading.
    public var paragraphs: [String]
    public var callouts: [Callout]
    /// Label → value pairs shown as tiles (e.g. "Users" → "12,345").
    public var facts: [Fact]
    public var tables: [ReportTable]
    public var charts: [ReportChart]
    /// Rows of tables held elsewhere in the document, shown in this section (one A/B test's
    /// variants from the `ab-test` table). HTML only: CSV and XLSX write each table once.
    public var excerpts: [ReportTableExcerpt]
    /// The section's results cannot be trusted (an A/B test with a sample-ratio mismatch):
    /// nothing in it is emphasised as a win.
    public var isUntrustworthy: Bool

    public init(
        id: String, title: String, paragraphs: [String] = [], callouts: [Callout] = [],
        facts: [Fact] = [], tables: [ReportTable] = [], charts: [ReportChart] = [],
        excerpts: [ReportTableExcerpt] = [], isUntrustworthy: Bool = false
    ) {
        self.id = id
        self.title = title
        self.paragraphs = paragraphs
        self.callouts = callouts
        self.facts = facts
        self.tables = tables
        self.charts = charts
        self.excerpts = excerpts
        self.isUntrustworthy = isUntrustworthy
    }
}

/// Some rows of one of the document's tables, shown inside a section of the HTML report.
public struct ReportTableExcerpt: Sendable, Equatable {
    /// The `name` of the table.
    public var table: String
    /// Which rows (all when nil).
    public var rows: Range<Int>?
    /// The heading shown above the rows; the table's title when nil.
    public var title: String?
    /// Column keys left out, e.g. `test_name` inside that test's own section.
    public var hiddenColumns: [String]

    public init(table: String, rows: Range<Int>? = nil, title: String? = nil, hiddenColumns: [String] = []) {
        self.table = table
        self.rows = rows
        self.title = title
        self.hiddenColumns = hiddenColumns
    }
}

/// A labelled value shown as a tile.
public struct Fact: Sendable, Equatable {
    public var label: String
    public var value: ReportCell
    public var format: CellFormat
    /// A short note under the value ("+12 % vs previous week").
    public var note: String?

    public init(_ label: String, _ value: ReportCell, format: CellFormat, note: String? = nil) {
        self.label = label
        self.value = value
        self.format = format
        self.note = note
    }
}
