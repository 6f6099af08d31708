import Foundation
import Rendering

/// The checks of a readout, each with its status: failures first, then warnings, then what is
/// fine, in the order the document shows the areas.
enum DoctorChecks {
    static func make(_ readout: DoctorReadout) -> [DoctorCheck] {
        let checks = tables(readout) + indexes(readout) + statements(readout) + scanRatio(readout) + slowStatements(readout)
        // A stable sort: the order within a status is the order above.
        return checks.enumerated().sorted {
            $0.element.status != $1.element.status ? $0.element.status > $1.element.status : $0.offset < $1.offset
        }.map(\.element)
    }

    static func rows(_ value: Double) -> String { PlanAnalysis.rows(value) }

    static func timestamp(_ date: Date?, _ readout: DoctorReadout) -> String {
        guard let date else { return "never" }
        return DisplayFormatter(timeZone: readout.period.timeZone).timestamp(date)
    }

    // MARK: - Tables

    static func tables(_ readout: DoctorReadout) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let missing = readout.tables.filter { !$0.exists }
        for table in missing {
            checks.append(
                DoctorCheck(
                    .tables, .failing, title: "Table \(table.name)",
                    detail: "\(table.name) does not exist: the reports that read it fail.",
                    fix: "growth-report db migrate"))
        }
        for table in readout.tables where table.hasStaleStatistics {
            let detail =
                table.lastAnalyzed == nil
                ? "\(table.name) holds rows (≈ \(rows(table.knownRows))) but has never been analyzed: the planner guesses its sizes."
                : "\(table.modifiedSinceAnalyze) rows of \(table.name) (≈ \(rows(table.knownRows)) rows) changed since its last ANALYZE (\(timestamp(table.lastAnalyzed, readout))): the planner's estimates lag behind."
            checks.append(
                DoctorCheck(
                    .tables, .warning, title: "Statistics of \(table.name)", detail: detail,
                    fix: "ANALYZE \(table.name);"))
        }
        let present = readout.tables.filter(\.exists)
        if !present.isEmpty {
            let totalRows = present.reduce(0) { $0 + $1.knownRows }
            let bytes = present.reduce(0) { $0 + $1.totalBytes }
            let detail =
                totalRows == 0
                ? "\(present.count) of \(readout.tables.count) tables present, with no rows yet: plans and scan counts say little until data is loaded."
                : "\(present.count) of \(readout.tables.count) tables present: ≈ \(rows(totalRows)) rows, \(ByteCount.text(bytes)) with indexes."
            checks.append(DoctorCheck(.tables, .ok, title: "Tables", detail: detail))
        }
        return checks
    }

    // MARK: - Indexes

    static func indexes(_ readout: DoctorReadout) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        for index in readout.expectedIndexes where !index.isUsable {
            let serves = " It serves \(index.reason)."
            let detail: String
            var fix = index.createStatement
            switch index.state {
            case .present: continue
            case .missing:
                detail = "\(index.name) on \(index.table) \(index.columns) is missing.\(serves)\(hypotheticalNote(index, readout))"
            case .invalid:
                detail = "\(index.name) exists but is invalid (a CREATE INDEX CONCURRENTLY that failed): the planner ignores it.\(serves)"
                fix = "DROP INDEX CONCURRENTLY IF EXISTS \(index.name);\n" + fix
            case .notReady:
                detail = "\(index.name) exists but is not ready (being built, or a build that failed): the planner ignores it.\(serves)"
                fix = "DROP INDEX CONCURRENTLY IF EXISTS \(index.name);\n" + fix
            case .tableMissing:
                detail = "\(index.name) is missing with its table \(index.table).\(serves)"
                fix = "growth-report db migrate"
            }
            checks.append(DoctorCheck(.indexes, .failing, title: "Index \(index.name)", detail: detail, fix: fix))
        }
        if checks.isEmpty {
            checks.append(
                DoctorCheck(
                    .indexes, .ok, title: "Expected indexes",
                    detail: "All \(readout.expectedIndexes.count) indexes the reports use are present and valid."))
        } else if case .unavailable(let packageInstalled) = readout.hypotheticalIndexes,
            readout.expectedIndexes.contains(where: { $0.state == .missing })
        {
            checks.append(
                DoctorCheck(
                    .indexes, .notChecked, title: "Hypothetical indexes",
                    detail:
                        "hypopg is not installed in this database, so what a missing index would change is not measured: the index is recommended on the plans alone\(packageInstalled ? " (its package is on the server)" : "").",
                    fix: HypotheticalIndexes.setup(packageInstalled: packageInstalled, serverMajorVersion: readout.serverMajorVersion)))
        } else if case .failed(let message) = readout.hypotheticalIndexes {
            checks.append(DoctorCheck(.indexes, .warning, title: "Hypothetical indexes", detail: message))
        }

        let since =
            readout.statisticsResetAt.map { "since the statistics were reset (\(timestamp($0, readout)))" }
            ?? "since the statistics began (never reset)"
        if readout.unusedIndexes.isEmpty {
            checks.append(
                DoctorCheck(
                    .indexes, .ok, title: "Unused indexes",
                    detail: "Every index of the tool's tables has been scanned \(since), or enforces a constraint."))
        } else {
            // An index the reports expect is kept even before its first scan (just built, or
            // no report has run since): only the others are candidates to drop.
            let unused = readout.unusedIndexes
            let expected = unused.filter(\.isExpected).map(\.name)
            let others = unused.filter { !$0.isExpected }
            var parts: [String] = []
            if !others.isEmpty {
                let list = others.map { "\($0.name) on \($0.table) (\(ByteCount.text($0.bytes)))" }.joined(separator: ", ")
                parts.append("never scanned \(since) and not one the reports use, a candidate to drop: \(list)")
            }
            if !expected.isEmpty {
                parts.append(
                    "\(expected.joined(separator: ", ")) \(expected.count == 1 ? "has" : "have") no scan yet \(since); the reports use \(expected.count == 1 ? "it" : "them"), so keep \(expected.count == 1 ? "it" : "them")"
                )
            }
            let detail = parts.joined(separator: "; ")
            checks.append(
                DoctorCheck(
                    .indexes, others.isEmpty ? .ok : .warning, title: "Unused indexes",
                    detail: detail.prefix(1).uppercased() + detail.dropFirst() + ".",
                    fix: others.isEmpty ? nil : others.map { "DROP INDEX CONCURRENTLY \($0.name);" }.joined(separator: "\n")))
        }
        for group in readout.duplicateIndexes {
            let fix = group.droppable.isEmpty ? nil : group.droppable.map { "DROP INDEX CONCURRENTLY \($0);" }.joined(separator: "\n")
            checks.append(
                DoctorCheck(
                    .indexes, .warning, title: "Duplicate indexes on \(group.table)",
                    detail: "\(group.indexes.joined(separator: ", ")) are the same index (\(group.definition)): each write updates all of them.",
                    fix: fix))
        }
        return checks
    }

    static func hypotheticalNote(_ index: ExpectedIndex, _ readout: DoctorReadout) -> String {
        guard case .checked(let results) = readout.hypotheticalIndexes else { return "" }
        let mine = results.filter { $0.index == index.name }
        guard !mine.isEmpty else { return "" }
        let used = mine.filter(\.usesIndex)
        let before = mine.reduce(0) { $0 + $1.costBefore }, after = mine.reduce(0) { $0 + $1.costAfter }
        let change = before > 0 ? " (\(Int(((after / before - 1) * 100).rounded())) %)" : ""
        return
            " Tried as a hypothetical index (hypopg): \(used.count) of \(mine.count) statements over \(index.table) would use it; their cost \(costText(before)) → \(costText(after))\(change)."
    }

    static func costText(_ cost: Double) -> String {
        cost >= 100 ? String(Int(cost.rounded())) : String(format: "%.2f", cost)
    }

    // MARK: - Statements

    static func statements(_ readout: DoctorReadout) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let missingByTable = Dictionary(grouping: readout.expectedIndexes.filter { !$0.isUsable }, by: \.table)
        for statement in readout.statements {
            let title = "Statement \(statement.report)/\(statement.name)"
            switch statement.outcome {
            case .skipped: continue
            case .failed(let message, let sqlState):
                checks.append(
                    DoctorCheck(
                        .statements, .failing, title: title,
                        detail: "EXPLAIN failed (SQLSTATE \(sqlState ?? "none")): \(message). The report fails the same way."))
            case .explained(let analysis):
                let reads = analysis.wholeHistoryReads
                guard !reads.isEmpty else { continue }
                let what = reads.map { scan in
                    let size = scan.tableRows.map { " (≈ \(rows($0)) rows)" } ?? ""
                    let how = scan.isSequential ? "by sequential scan" : "through \(scan.index ?? "an index") with no condition on its first column"
                    return "all of \(scan.tableLabel)\(size) \(how)"
                }
                let fixes = Set(reads.map { $0.partitionOf ?? $0.relation }).sorted().flatMap { missingByTable[$0] ?? [] }
                checks.append(
                    DoctorCheck(
                        .statements, .warning, title: title,
                        detail: "Reads \(what.joined(separator: " and ")): its whole history, however short the period.",
                        fix: fixes.isEmpty ? nil : fixes.map(\.createStatement).joined(separator: "\n")))
            }
        }
        let explained = readout.statements.compactMap(\.analysis)
        let justified = explained.filter { !$0.largeSequentialReads.isEmpty && $0.wholeHistoryReads.isEmpty }.count
        if checks.isEmpty {
            let detail =
                readout.statements.isEmpty
                ? "No report statements were given to explain."
                : "\(explained.count) statements explained: none reads a large table's whole history"
                    + (justified == 0
                        ? "."
                        : "; \(justified) \(justified == 1 ? "reads a large table" : "read large tables") by sequential scan because most of its rows qualify, cheaper than any index (see the verdicts).")
            checks.append(DoctorCheck(.statements, .ok, title: "Report statements", detail: detail))
        }
        return checks
    }

    // MARK: - Scans and slow statements

    static func scanRatio(_ readout: DoctorReadout) -> [DoctorCheck] {
        let scans = readout.scanRatio
        let counts = "\(scans.indexScans) index scans, \(scans.sequentialScans) sequential scans over the tool's tables"
        guard let ratio = scans.ratio else {
            return [
                DoctorCheck(
                    .scanRatio, .ok, title: "Index scan ratio",
                    detail: "No scans yet: the tool's tables have not been read since the statistics were reset.")
            ]
        }
        let percent = String(format: "%.1f %%", ratio * 100)
        let minimum = Int(DoctorReport.minimumIndexScanRatio * 100)
        if ratio < DoctorReport.minimumIndexScanRatio {
            return [
                DoctorCheck(
                    .scanRatio, .warning, title: "Index scan ratio",
                    detail:
                        "\(percent) of scans use an index, below the \(minimum) % wanted (\(counts)): some workload reads these tables whole. Sequential scans of small tables count too."
                )
            ]
        }
        return [DoctorCheck(.scanRatio, .ok, title: "Index scan ratio", detail: "\(percent) of scans use an index (\(counts)); at least \(minimum) % wanted.")]
    }

    /// How to turn `pg_stat_statements` on, in one line.
    static let enablePgStatStatements =
        "add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart PostgreSQL, then CREATE EXTENSION pg_stat_statements;"

    static func slowStatements(_ readout: DoctorReadout) -> [DoctorCheck] {
        let threshold = Int(DoctorReport.slowMilliseconds)
        switch readout.slowStatements {
        case .notInstalled:
            return [
                DoctorCheck(
                    .slowStatements, .notChecked, title: "Slow statements",
                    detail: "pg_stat_statements is not installed in this database, so slow statements are not tracked.",
                    fix: "To enable it: \(enablePgStatStatements)")
            ]
        case .notLoaded(let message):
            return [
                DoctorCheck(
                    .slowStatements, .warning, title: "Slow statements",
                    detail: "\(message); slow statements are not tracked.",
                    fix: "add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart PostgreSQL")
            ]
        case .available(let statements):
            let slow = statements.filter(\.isSlow)
            if slow.isEmpty {
                return [
                    DoctorCheck(
                        .slowStatements, .ok, title: "Slow statements",
                        detail: "No statement of this database averages over \(threshold) ms (pg_stat_statements, \(statements.count) listed by total time).")
                ]
            }
            let worst = slow.max { $0.meanMilliseconds < $1.meanMilliseconds }!
            return [
                DoctorCheck(
                    .slowStatements, .warning, title: "Slow statements",
                    detail:
                        "\(slow.count) \(slow.count == 1 ? "statement averages" : "statements average") over \(threshold) ms; the slowest, \(String(format: "%.0f", worst.meanMilliseconds)) ms over \(worst.calls) calls: \(String(worst.query.prefix(120)))"
                )
            ]
        }
    }
}
