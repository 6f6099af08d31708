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

    /// The doctor's readout of every report's statements on a database seeded with `weeks` of
    /// history; then the same with random reads priced ten times higher (`random_page_cost =
    /// 40`): what a planner sees when the rows wanted are a large share of the table, or on
    /// storage where random reads are slow. An index plan must not hinge on that price.
    static func plans(weeks: Int) throws -> (plans: [StatementPlan], costlyRandomReads: [StatementPlan]) {
        let (connection, _) = try TestDatabase.migrated("history_\(weeks)")
        let plan = SeedPlan(scale: .small, seed: 42, lastDay: period.last.daysSinceEpoch, weeks: weeks)
        _ = try SeedLoader(plan: plan, mode: .emptyOnly).load(into: connection)
        let asOf = period.end.addingTimeInterval(2 * 86_400)
        let reports: [any Report] = [
            PartnerROIReport(period: period), ViralReport(period: period),
            AttributionReport(period: period, options: AttributionOptions()),
            ABTestReport(period: period, counting: ABTestCountingOptions(), settings: ABTestSettings(), isLive: false, asOf: asOf),
            ExecSummaryReport(period: period, asOf: asOf),
            // `check`'s daily series of anomaly rules: 9 weeks, and the first day with a row.
            CheckReport(
                period: period, asOf: asOf,
                rules: try CheckRulesFile(
                    text: "[rules.a]\nwhen = \"anomaly viral.daily.actions\"\n[rules.b]\nwhen = \"anomaly partner-roi.daily.revenue\"\n"
                ).rules, rulesFile: "rules.toml", rulesDigest: ""),
        ]
        // `metrics refresh` from cron every minute: its counts must read index ranges too.
        let refresh = RealTimeMetricsRefresh(asOf: asOf, timeZone: utc)
        let doctor = DoctorReport(
            period: period,
            reports: DoctorReport(period: period, explaining: reports).reports + [
                .init(report: "metrics-refresh", statements: [Statement("real_time_metrics_figures", refresh.figures)])
            ])
        let plans = try doctor.readout(of: doctor.reports, on: connection).statements
        try connection.execute(Statement("costly_random_reads", "SET random_page_cost = 40"))
        defer { _ = try? connection.execute(Statement("reset_random_page_cost", "RESET random_page_cost")) }
        return (plans, try doctor.readout(of: doctor.reports, on: connection).statements)
    }

    static let short = Result { try plans(weeks: 52).plans }
    static let longHistory = Result { try plans(weeks: 104) }
    static let long = Result { try longHistory.get().plans }

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

    @Test func theRunningTestsAreReadThroughTheirIndexHoweverRandomReadsArePriced() throws {
        // With the running tests' names as an array (test_name = ANY (…)) the planner switched
        // to a sequential scan of the whole table at random_page_cost 10 on a large seed.
        let plans = try Self.longHistory.get().costlyRandomReads
        let counts = try #require(plans.first { $0.name == "ab_test_counts" })
        let scans = (counts.analysis?.scans ?? []).filter { ($0.partitionOf ?? $0.relation) == "ab_test_assignments" }
        #expect(!scans.isEmpty, "\(counts.verdict)")
        #expect(!scans.contains { $0.isSequential }, "\(counts.verdict)")
        #expect(counts.analysis?.indexesUsed.contains("ab_test_assignments_test_created_idx") == true, "\(counts.verdict)")
    }

    @Test func theMetricsRefreshReadsIndexRangesOnly() throws {
        let plan = try #require(try Self.long.get().first { $0.report == "metrics-refresh" })
        let scans = plan.analysis?.scans ?? []
        #expect(Set(scans.map { $0.partitionOf ?? $0.relation }) == ["conversion_events", "viral_metrics", "partnership_analytics"])
        #expect(scans.allSatisfy { !$0.isSequential && !$0.readsWholeTable }, "\(plan.verdict)")
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
