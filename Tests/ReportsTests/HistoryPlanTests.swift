import Database
import Foundation
import Seeding
import TestSupport
import Testing

@testable import Reports

/// The plans of every report statement for one week read that week, however long the history:
/// the same seed over 52 and over 104 weeks (most of its tests ended long before the week),
/// each statement under EXPLAIN (FORMAT JSON) on both. A sequential scan of a large table, or
/// a plan that expects to read more rows of it on the longer history, fails.
@Suite(.serialized) struct HistoryPlanTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// The last week of both seeds (as of Wednesday 25 Nov 2026).
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!
    static let largeTables: Set<String> = ["viral_metrics", "ab_test_assignments", "conversion_events"]

    /// The doctor's readout of every report's statements on a database seeded with `weeks` of history.
    static func plans(weeks: Int) throws -> [StatementPlan] {
        let (connection, _) = try TestDatabase.migrated("history_\(weeks)")
        let plan = SeedPlan(scale: .small, seed: 42, lastDay: period.last.daysSinceEpoch, weeks: weeks)
        _ = try SeedLoader(plan: plan, mode: .emptyOnly).load(into: connection)
        let asOf = period.end.addingTimeInterval(2 * 86_400)
        let reports: [any Report] = [
            PartnerROIReport(period: period), ViralReport(period: period),
            AttributionReport(period: period, options: AttributionOptions()),
            ABTestReport(period: period, counting: ABTestCountingOptions(), settings: ABTestSettings(), isLive: false, asOf: asOf),
            ExecSummaryReport(period: period, asOf: asOf),
        ]
        let doctor = DoctorReport(period: period, explaining: reports)
        return try doctor.readout(of: doctor.reports, on: connection).statements
    }

    static let short = Result { try plans(weeks: 52) }
    static let long = Result { try plans(weeks: 104) }

    /// Rows each statement's plan expects to read from each large table.
    static func rowsRead(_ plans: [StatementPlan]) -> [String: [String: Double]] {
        var rows: [String: [String: Double]] = [:]
        for plan in plans {
            for scan in plan.analysis?.scans ?? [] where largeTables.contains(scan.partitionOf ?? scan.relation) {
                rows["\(plan.report)/\(plan.name)", default: [:]][scan.partitionOf ?? scan.relation, default: 0] += scan.estimatedRows
            }
        }
        return rows
    }

    @Test func noStatementReadsALargeTableBySequentialScan() throws {
        for plan in try Self.long.get() {
            if case .failed(let message, _) = plan.outcome { Issue.record("\(plan.report)/\(plan.name): EXPLAIN failed: \(message)") }
            let sequential = (plan.analysis?.scans ?? []).filter { $0.isSequential && Self.largeTables.contains($0.partitionOf ?? $0.relation) }
            #expect(sequential.isEmpty, "\(plan.report)/\(plan.name) reads \(sequential.map(\.relation)) by sequential scan: \(plan.verdict)")
            #expect(plan.analysis?.wholeHistoryReads.isEmpty ?? true, "\(plan.report)/\(plan.name): \(plan.verdict)")
        }
    }

    @Test func theRowsAStatementReadsDoNotGrowWithHistory() throws {
        let short = Self.rowsRead(try Self.short.get()), long = Self.rowsRead(try Self.long.get())
        #expect(Set(long.keys) == Set(short.keys))
        for (statement, tables) in long {
            for (table, rows) in tables {
                let before = short[statement]?[table] ?? 0
                // Twice the history: a plan that read all of it would expect about twice the rows.
                #expect(rows <= 1.25 * before + 500, "\(statement) expects \(Int(rows)) rows of \(table) on 104 weeks, \(Int(before)) on 52")
            }
        }
    }
}
