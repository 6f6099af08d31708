import Foundation
import Rendering

/// Turns a doctor readout into the neutral document the renderers write: the checks, the
/// report statements' plans, the indexes, slow statements and the tables.
public enum DoctorDocument {
    public static let report = ReportKind.doctor.name
    /// Warnings shown as callouts at the top; the rest are in the checks table.
    static let calloutWarnings = 8

    public static func make(_ readout: DoctorReadout, context: ReportContext) -> ReportDocument {
        let formatter = DisplayFormatter(timeZone: context.period.timeZone)
        let explained = readout.statements.filter { $0.analysis != nil }.count
        let sections = [
            checksSection(readout),
            ReportSection(
                id: "statements", title: "Report statements",
                paragraphs: [statementsParagraph(readout)], tables: [statementsTable(readout)]),
            indexesSection(readout, formatter: formatter),
            slowSection(readout),
            ReportSection(
                id: "tables", title: "Tables",
                paragraphs: [
                    "The tool's six tables (a partitioned one summed over its partitions): the planner's row estimate (pg_class.reltuples), the size with indexes and TOAST (pg_total_relation_size), dead rows and rows changed since the last ANALYZE, and when each was last vacuumed and analyzed."
                ],
                tables: [tablesTable(readout)]),
        ]
        return ReportDocument(
            report: report, title: "Database doctor",
            subtitle:
                "PostgreSQL \(readout.serverMajorVersion): \(explained) report statements explained\(readout.analyzes ? " with ANALYZE" : ""), the indexes the reports use, \(readout.slowStatements.isReadable ? "slow statements, " : "")index use and table health.",
            periodLabel: context.period.humanLabel,
            callouts: callouts(readout),
            sections: sections,
            dataQuality: dataQuality(readout),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    // MARK: - Callouts and checks

    /// A fix without its `--` comment lines (the query an index serves, shown beside it
    /// already), its statements on one line.
    public static func withoutComments(_ fix: String) -> String {
        fix.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: " ")
    }

    static func callouts(_ readout: DoctorReadout) -> [Callout] {
        var callouts = readout.failures.map { check in
            Callout(.danger, title: check.title, text: check.detail + (check.fix.map { " Fix: \(withoutComments($0))" } ?? ""))
        }
        let warnings = readout.warnings
        callouts += warnings.prefix(calloutWarnings).map { Callout(.warning, title: $0.title, text: $0.detail) }
        if warnings.count > calloutWarnings {
            callouts.append(
                Callout(
                    .warning, title: "\(warnings.count - calloutWarnings) more \(warnings.count - calloutWarnings == 1 ? "warning" : "warnings")",
                    text: "Listed in the checks table below."))
        }
        let unchecked = readout.notChecked
        let notChecked = unchecked.isEmpty ? "" : " Not checked here: \(unchecked.joined(separator: ", ")) (see below)."
        if callouts.isEmpty {
            callouts.append(
                Callout(
                    .positive, title: "Healthy",
                    text:
                        "\(unchecked.isEmpty ? "Every check passed" : "Every check that could run passed"): the expected indexes are present and no report statement reads a large table's whole history.\(notChecked)"
                ))
        } else if readout.isHealthy {
            callouts.insert(
                Callout(
                    .neutral, title: "No check failed",
                    text: "\(warnings.count) \(warnings.count == 1 ? "warning" : "warnings"): worth a look, none stops a report."), at: 0)
        }
        return callouts
    }

    static func checksSection(_ readout: DoctorReadout) -> ReportSection {
        let ratio = readout.scanRatio.ratio
        let bytes = readout.tables.reduce(0) { $0 + $1.totalBytes }
        let facts = [
            Fact(
                "Status", .text(readout.isHealthy ? (readout.warnings.isEmpty ? "healthy" : "healthy, with warnings") : "failing"),
                format: .text, note: readout.isHealthy ? "no failing check" : "\(readout.failures.count) failing"),
            Fact("Failing checks", .integer(readout.failures.count), format: .integer),
            Fact("Warnings", .integer(readout.warnings.count), format: .integer),
            Fact(
                "Index scan ratio", .number(ratio), format: .percent(places: 1),
                note: ratio == nil ? "no scans yet" : "\(Int(DoctorReport.minimumIndexScanRatio * 100)) % wanted"),
            Fact(
                "Tables", .text(ByteCount.text(bytes)), format: .text,
                note: "\(readout.tables.filter(\.exists).count) of \(readout.tables.count) present"),
        ]
        let table = ReportTable(
            name: "doctor-checks", title: "Checks", rows: readout.checks,
            columns: [
                TableColumn("status", "Status", .text) { .text($0.status.description) },
                TableColumn("area", "Area", .text) { .text($0.area.rawValue) },
                TableColumn("check", "Check", .text) { .text($0.title) },
                TableColumn("detail", "Finding", .text, display: .fullText) { .text($0.detail) },
                TableColumn("fix", "Fix", .text, display: ColumnDisplay(emptyText: "—", showsFullText: true)) {
                    $0.fix.map { .text(withoutComments($0)) } ?? .empty
                },
            ], sheetTitle: "Checks")
        return ReportSection(
            id: "checks", title: "Checks",
            paragraphs: ["Failing checks stop a report or make it read whole tables; warnings are worth a look. The command exits 0 when no check fails."],
            facts: facts, tables: [table])
    }

    // MARK: - Statements

    static func statementsParagraph(_ readout: DoctorReadout) -> String {
        var text = "Each statement the reports run for \(readout.period.label), explained with its own values"
        text +=
            readout.analyzes
            ? " and run (EXPLAIN ANALYZE, BUFFERS) inside the read-only snapshot: actual rows and times beside the estimates."
            : " (EXPLAIN, estimates only; --analyze runs them for actual times)."
        text +=
            " A large table (over \(DisplayFormatter().text(.integer(Int(PlanCatalog.defaultLargeTableRows)), format: .integer)) estimated rows) read by sequential scan, or through an index with no condition, is read whole, however short the period."
        return text
    }

    static func statementsTable(_ readout: DoctorReadout) -> ReportTable {
        func text(_ items: [String]?) -> ReportCell { (items ?? []).isEmpty ? .empty : .text((items ?? []).joined(separator: ", ")) }
        var columns: [TableColumn<StatementPlan>] = [
            TableColumn("report", "Report", .text) { .text($0.report) },
            TableColumn("statement", "Statement", .text) { .text($0.name) },
            TableColumn("status", "Status", .text) { .text($0.status.description) },
            TableColumn("verdict", "Verdict", .text, display: .fullText) { .text($0.verdict) },
            TableColumn("total_cost", "Cost", .decimal(places: 2)) { $0.analysis.map { .number($0.totalCost) } ?? .empty },
            TableColumn("estimated_rows", "Est. rows", .integer) {
                $0.analysis.map { .integer(Int($0.estimatedRows.rounded())) } ?? .empty
            },
        ]
        if readout.analyzes {
            columns += [
                TableColumn("actual_rows", "Actual rows", .integer) { $0.analysis?.actualRows.map { .integer(Int($0.rounded())) } ?? .empty },
                TableColumn("actual_ms", "Actual time (ms)", .decimal(places: 1)) { .number($0.analysis?.actualMilliseconds) },
                TableColumn("shared_hit_blocks", "Cache hits (blocks)", .integer) {
                    $0.analysis?.sharedHitBlocks.map(ReportCell.integer) ?? .empty
                },
                TableColumn("shared_read_blocks", "Reads (blocks)", .integer) {
                    $0.analysis?.sharedReadBlocks.map(ReportCell.integer) ?? .empty
                },
            ]
        }
        columns += [
            TableColumn("indexes_used", "Indexes used", .text, display: ColumnDisplay(emptyText: "none", showsFullText: true)) {
                text($0.analysis?.indexesUsed)
            },
            TableColumn("seq_scans", "Sequential scans", .text, display: ColumnDisplay(emptyText: "none")) {
                text($0.analysis?.sequentialScans.map(\.tableLabel))
            },
            TableColumn("partitions", "Partitions", .text, display: ColumnDisplay(emptyText: "—")) {
                text($0.analysis?.partitions.map(partitionText))
            },
        ]
        return ReportTable(
            name: "doctor-statements", title: "Plans of the report statements", rows: readout.statements,
            columns: columns, sheetTitle: "Statements")
    }

    static func partitionText(_ read: PlanAnalysis.PartitionRead) -> String {
        var text = "\(read.table): \(read.scanned.count)"
        if let total = read.total { text += " of \(total)" }
        text += " scanned"
        if let pruned = read.pruned, pruned > 0 { text += ", \(pruned) pruned" }
        if read.removedAtRunTime > 0 { text += " (Subplans Removed: \(read.removedAtRunTime))" }
        return text
    }

    // MARK: - Indexes

    static func indexesSection(_ readout: DoctorReadout, formatter: DisplayFormatter) -> ReportSection {
        let since =
            readout.statisticsResetAt.map { "since the statistics were reset on \(formatter.timestamp($0))" }
            ?? "since the statistics began (never reset)"
        var paragraphs = [
            "The indexes the reports expect (growth-report db migrate creates them), each with the query it serves; a missing or invalid one is a failing check with the statement that creates it.",
            "Unused: never scanned \(since), primary keys and unique indexes aside. An index the reports' statements could use counts a scan on every report and doctor run, even one whose plan did not choose it (the planner looks at its first and last entries to estimate a date range). Duplicates: the same columns, operator classes, orderings, expressions and predicate on one table.",
        ]
        var tables = [expectedTable(readout), unusedTable(readout), duplicatesTable(readout)]
        switch readout.hypotheticalIndexes {
        case .checked(let results):
            if !results.isEmpty {
                paragraphs.append(
                    "Each missing index tried as a hypothetical index (hypopg), the statements over its table explained again: the planner's cost before and after."
                )
                tables.append(hypotheticalTable(results))
            }
        case .unavailable(let packageInstalled):
            if readout.expectedIndexes.contains(where: { $0.state == .missing }) {
                paragraphs.append(
                    "hypopg is not installed in this database, so a missing index is recommended on the plans alone. To see what it would change: \(HypotheticalIndexes.setup(packageInstalled: packageInstalled, serverMajorVersion: readout.serverMajorVersion))"
                )
            }
        case .failed(let message):
            paragraphs.append(message)
        }
        return ReportSection(id: "indexes", title: "Indexes", paragraphs: paragraphs, tables: tables)
    }

    static func expectedTable(_ readout: DoctorReadout) -> ReportTable {
        ReportTable(
            name: "doctor-indexes", title: "Expected indexes", rows: readout.expectedIndexes,
            columns: [
                TableColumn("index_name", "Index", .text) { .text($0.name) },
                TableColumn("table_name", "Table", .text) { .text($0.table) },
                TableColumn("columns", "Columns", .text) { .text($0.columns) },
                TableColumn("state", "State", .text) { .text($0.stateText) },
                TableColumn("scans", "Scans", .integer, display: ColumnDisplay(emptyText: "—")) { $0.scans.map(ReportCell.integer) ?? .empty },
                TableColumn("bytes", "Bytes", .integer, display: ColumnDisplay(isShownInHTML: false)) {
                    $0.bytes.map(ReportCell.integer) ?? .empty
                },
                TableColumn("size", "Size", .text, display: ColumnDisplay(emptyText: "—")) { $0.bytes.map { .text(ByteCount.text($0)) } ?? .empty },
                TableColumn("serves", "Serves", .text, display: .fullText) { .text($0.reason) },
                TableColumn("create_statement", "Create with", .text, display: ColumnDisplay(emptyText: "—", showsFullText: true)) {
                    $0.isUsable ? .empty : .text(withoutComments($0.createStatement))
                },
            ], sheetTitle: "Expected indexes")
    }

    static func unusedTable(_ readout: DoctorReadout) -> ReportTable {
        ReportTable(
            name: "doctor-unused-indexes", title: "Unused indexes", rows: readout.unusedIndexes,
            columns: [
                TableColumn("index_name", "Index", .text) { .text($0.name) },
                TableColumn("table_name", "Table", .text) { .text($0.table) },
                TableColumn("expected", "Expected by the reports", .boolean) { .boolean($0.isExpected) },
                TableColumn("bytes", "Bytes", .integer, display: ColumnDisplay(isShownInHTML: false)) { .integer($0.bytes) },
                TableColumn("size", "Size", .text) { .text(ByteCount.text($0.bytes)) },
            ], sheetTitle: "Unused indexes",
            emptyMessage: "None: every index of the tool's tables has been scanned, or enforces a constraint.")
    }

    static func duplicatesTable(_ readout: DoctorReadout) -> ReportTable {
        ReportTable(
            name: "doctor-duplicate-indexes", title: "Duplicate indexes", rows: readout.duplicateIndexes,
            columns: [
                TableColumn("table_name", "Table", .text) { .text($0.table) },
                TableColumn("indexes", "Indexes", .text) { .text($0.indexes.joined(separator: ", ")) },
                TableColumn("definition", "Definition", .text) { .text($0.definition) },
                TableColumn("droppable", "Could go", .text, display: ColumnDisplay(emptyText: "— (each backs a constraint)")) {
                    $0.droppable.isEmpty ? .empty : .text($0.droppable.joined(separator: ", "))
                },
            ], sheetTitle: "Duplicate indexes", emptyMessage: "None: no two indexes of the tool's tables are the same.")
    }

    static func hypotheticalTable(_ results: [HypotheticalIndex]) -> ReportTable {
        ReportTable(
            name: "doctor-hypothetical-indexes", title: "Missing indexes tried with hypopg", rows: results,
            columns: [
                TableColumn("index_name", "Index", .text) { .text($0.index) },
                TableColumn("report", "Report", .text) { .text($0.report) },
                TableColumn("statement", "Statement", .text) { .text($0.statement) },
                TableColumn("cost_before", "Cost now", .decimal(places: 2)) { .number($0.costBefore) },
                TableColumn("cost_after", "Cost with the index", .decimal(places: 2)) { .number($0.costAfter) },
                TableColumn("cost_change", "Change", .percent(places: 1), display: ColumnDisplay(showsSign: true, emptyText: "—")) {
                    .number($0.change)
                },
                TableColumn("uses_index", "Uses it", .boolean) { .boolean($0.usesIndex) },
            ], sheetTitle: "Hypothetical indexes")
    }

    // MARK: - Slow statements

    static func slowSection(_ readout: DoctorReadout) -> ReportSection {
        let threshold = Int(DoctorReport.slowMilliseconds)
        var paragraphs: [String]
        var tables: [ReportTable] = []
        switch readout.slowStatements {
        case .notInstalled:
            paragraphs = ["pg_stat_statements is not installed in this database. To enable it: \(DoctorChecks.enablePgStatStatements)"]
        case .notLoaded(let message):
            paragraphs = [
                "\(message.prefix(1).uppercased() + message.dropFirst()). Add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart PostgreSQL."
            ]
        case .available(let statements):
            paragraphs = [
                "From pg_stat_statements, this database only: statements averaging over \(threshold) ms and the \(DoctorReport.topStatementCount) with the most total time."
            ]
            tables = [
                ReportTable(
                    name: "doctor-slow-statements", title: "Slow statements and the top by total time", rows: statements,
                    columns: [
                        TableColumn("query", "Statement", .text) { .text($0.query) },
                        TableColumn("calls", "Calls", .integer) { .integer($0.calls) },
                        TableColumn("mean_ms", "Mean (ms)", .decimal(places: 1), display: ColumnDisplay(emphasis: .highlightWhen(column: "slow"))) {
                            .number($0.meanMilliseconds)
                        },
                        TableColumn("total_ms", "Total (ms)", .decimal(places: 1)) { .number($0.totalMilliseconds) },
                        TableColumn("rows", "Rows", .integer) { .integer($0.rows) },
                        TableColumn("slow", "Over \(threshold) ms", .boolean) { .boolean($0.isSlow) },
                        TableColumn("top_by_total", "Top \(DoctorReport.topStatementCount) by total", .boolean) { .boolean($0.isTopByTotal) },
                    ], sheetTitle: "Slow statements")
            ]
        }
        let scans = readout.scanRatio
        paragraphs.append(
            scans.ratio == nil
                ? "Index scan ratio: no scans yet."
                : "Index scan ratio over the tool's tables: \(String(format: "%.1f", (scans.ratio ?? 0) * 100)) % (\(scans.indexScans) index scans, \(scans.sequentialScans) sequential scans); at least \(Int(DoctorReport.minimumIndexScanRatio * 100)) % wanted\((scans.ratio ?? 1) < DoctorReport.minimumIndexScanRatio ? ": below it, some workload reads these tables whole" : "")."
        )
        return ReportSection(id: "slow-statements", title: "Slow statements", paragraphs: paragraphs, tables: tables)
    }

    // MARK: - Tables

    static func tablesTable(_ readout: DoctorReadout) -> ReportTable {
        let never = ColumnDisplay(emptyText: "never")
        func time(_ date: Date?) -> ReportCell { date.map(ReportCell.timestamp) ?? .empty }
        // A missing table has its name and status; every other cell is empty.
        let facts: [TableColumn<TableHealth>] = [
            TableColumn("partitions", "Partitions", .integer, display: ColumnDisplay(emptyText: "—")) {
                $0.isPartitioned ? .integer($0.partitions) : .empty
            },
            TableColumn("estimated_rows", "Est. rows", .integer, display: ColumnDisplay(emptyText: "unknown")) {
                $0.estimatedRows.map { .integer(Int($0.rounded())) } ?? .empty
            },
            TableColumn("total_bytes", "Bytes", .integer, display: ColumnDisplay(isShownInHTML: false)) { .integer($0.totalBytes) },
            TableColumn("total_size", "Size", .text, display: ColumnDisplay(emptyText: "—")) { .text(ByteCount.text($0.totalBytes)) },
            TableColumn("index_bytes", "Index bytes", .integer, display: ColumnDisplay(isShownInHTML: false)) { .integer($0.indexBytes) },
            TableColumn("index_size", "Indexes", .text, display: ColumnDisplay(emptyText: "—")) { .text(ByteCount.text($0.indexBytes)) },
            TableColumn("dead_rows", "Dead rows", .integer) { .integer($0.deadRows) },
            TableColumn("modified_since_analyze", "Changed since ANALYZE", .integer) { .integer($0.modifiedSinceAnalyze) },
            TableColumn("last_vacuum", "Last vacuum", .timestamp, display: never) { time($0.lastVacuum) },
            TableColumn("last_autovacuum", "Last autovacuum", .timestamp, display: never) { time($0.lastAutovacuum) },
            TableColumn("last_analyze", "Last analyze", .timestamp, display: never) { time($0.lastAnalyze) },
            TableColumn("last_autoanalyze", "Last autoanalyze", .timestamp, display: never) { time($0.lastAutoanalyze) },
            TableColumn("seq_scans", "Seq. scans", .integer) { .integer($0.sequentialScans) },
            TableColumn("index_scans", "Index scans", .integer) { .integer($0.indexScans) },
        ]
        let columns: [TableColumn<TableHealth>] =
            [
                TableColumn("table_name", "Table", .text) { .text($0.name) },
                TableColumn("status", "Status", .text) { table in
                    .text(!table.exists ? "missing" : table.hasStaleStatistics ? "stale statistics" : "ok")
                },
            ] + facts.map { $0.empty(where: { !$0.exists }) }
        return ReportTable(name: "doctor-tables", title: "Tables", rows: readout.tables, columns: columns, sheetTitle: "Tables")
    }

    // MARK: - Data quality

    static func dataQuality(_ readout: DoctorReadout) -> ReportTable {
        let statements = readout.statements
        let rows: [(String, Int)] = [
            ("report statements given", statements.count),
            ("statements explained", statements.filter { $0.analysis != nil }.count),
            (
                "statements not explained: not a SELECT or WITH (begin, commit)",
                statements.filter { if case .skipped = $0.outcome { true } else { false } }.count
            ),
            ("statements EXPLAIN could not plan", statements.filter { if case .failed = $0.outcome { true } else { false } }.count),
            ("tables of the tool missing", readout.tables.filter { !$0.exists }.count),
            ("tables never analyzed", readout.tables.filter { $0.exists && $0.lastAnalyzed == nil }.count),
            ("expected indexes missing or unusable", readout.expectedIndexes.filter { !$0.isUsable }.count),
            ("pg_stat_statements rows listed", readout.slowStatements.statements.count),
        ]
        return .dataQuality(name: "doctor-data-quality", title: "What was read", checks: rows)
    }
}
