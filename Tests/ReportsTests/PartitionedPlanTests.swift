import Database
import Foundation
import Seeding
import TestSupport
import Testing

@testable import Reports

/// Every report statement for one week, under EXPLAIN (FORMAT JSON) on a year of history that
/// `db partition` turned into monthly partitions: each reads the months its ranges reach and
/// prunes the rest when planning — no month after the period, no month of the history's first
/// half, and no default partition (where the ranges have a lower bound).
@Suite struct PartitionedPlanTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!
    static let largeTables: Set<String> = ["viral_metrics", "ab_test_assignments", "conversion_events"]

    @Test func everyStatementReadsOnlyTheMonthsItsRangesReach() throws {
        let (connection, _) = try TestDatabase.migrated("partitioned_plans")
        let plan = SeedPlan(scale: .small, seed: 42, lastDay: Self.period.last.daysSinceEpoch, weeks: 52)
        _ = try SeedLoader(plan: plan, mode: .emptyOnly).load(into: connection)
        let partitioner = TablePartitioner(connection: connection)
        for table in PartitionedTable.all {
            let outcome = try partitioner.apply(try partitioner.plan(table))
            #expect(outcome.keptAs == "growth_report_replaced.\(table.name)")
        }
        let asOf = Self.period.end.addingTimeInterval(2 * 86_400)
        let reports: [any Report] = [
            PartnerROIReport(period: Self.period), ViralReport(period: Self.period),
            AttributionReport(period: Self.period, options: AttributionOptions()),
            ABTestReport(period: Self.period, counting: ABTestCountingOptions(), settings: ABTestSettings(), isLive: false, asOf: asOf),
            ExecSummaryReport(period: Self.period, asOf: asOf),
            // `check`'s anomaly series: the 9 weeks to the period's end, so September to November.
            CheckReport(
                period: Self.period, asOf: asOf,
                rules: try CheckRulesFile(text: "[rules.a]\nwhen = \"anomaly viral.daily.actions\"\n").rules, rulesFile: "rules.toml",
                rulesDigest: ""),
        ]
        let refresh = RealTimeMetricsRefresh(asOf: asOf, timeZone: Self.utc)
        let doctor = DoctorReport(
            period: Self.period,
            reports: DoctorReport(period: Self.period, explaining: reports).reports + [
                .init(report: "metrics-refresh", statements: [Statement("real_time_metrics_figures", refresh.figures)])
            ])
        let plans = try doctor.readout(of: doctor.reports, on: connection).statements

        // The months after the period's and those before August 2026 (the period is in November;
        // the viral trend and attribution's lookback reach back weeks, not months).
        let periodMonth = Month(containing: Self.period.start)
        var readSomething = Set<String>()
        for statement in plans {
            if case .failed(let message, _) = statement.outcome { Issue.record("\(statement.report)/\(statement.name): \(message)") }
            let reads = (statement.analysis?.partitions ?? []).filter { Self.largeTables.contains($0.table) }
            for read in reads {
                readSomething.insert(read.table)
                let table = try #require(PartitionedTable.named(read.table))
                let months = read.scanned.compactMap { name -> Month? in
                    guard name.hasPrefix(table.name + "_") else { return nil }
                    return Month(String(name.dropFirst(table.name.count + 1)).replacingOccurrences(of: "_", with: "-"))
                }
                let label = "\(statement.report)/\(statement.name) on \(read.table): \(read.scanned)"
                #expect(months.allSatisfy { $0 <= periodMonth }, "reads a month after the period: \(label)")
                #expect((read.pruned ?? 0) > 0, "prunes nothing: \(label)")
                // A running test is read from its first assignment: its statement has no lower bound.
                guard statement.report != "ab-test" && statement.report != "exec-summary" || read.table != "ab_test_assignments" else { continue }
                #expect(!read.scanned.contains(table.defaultPartitionName), "reads the default partition: \(label)")
                #expect(months.allSatisfy { $0 >= Month(year: 2026, month: 8) }, "reads the history's early months: \(label)")
            }
        }
        #expect(readSomething == Self.largeTables)
    }
}
