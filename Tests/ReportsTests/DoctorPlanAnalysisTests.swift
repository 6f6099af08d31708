import Database
import Foundation
import Testing

@testable import Reports

/// Reading fixed EXPLAIN (FORMAT JSON) output, and putting a statement under EXPLAIN with its
/// own values.
@Suite struct DoctorPlanAnalysisTests {
    static let week =
        "((created_at >= '2026-11-16 00:00:00+00'::timestamp with time zone) AND (created_at < '2026-11-23 00:00:00+00'::timestamp with time zone))"

    static let catalog = PlanCatalog(
        relations: [
            "viral_metrics": .init(rows: 104_000),
            "real_time_metrics": .init(rows: 8),
            "viral_metrics_2026_w46": .init(rows: 4_000, partitionOf: "viral_metrics_by_week"),
            "viral_metrics_2026_w47": .init(rows: 4_100, partitionOf: "viral_metrics_by_week"),
            "viral_metrics_by_week": .init(rows: nil),
        ],
        partitionCounts: ["viral_metrics_by_week": 26],
        leadingColumns: [
            "viral_metrics_created_at_idx": "created_at", "viral_metrics_user_created_idx": "user_email",
            "viral_metrics_2026_w47_created_at_idx": "created_at", "viral_metrics_2026_w46_created_at_idx": "created_at",
        ])

    static func aggregate(over child: String, cost: Double = 2041.01) -> String {
        """
        [{"Plan": {"Node Type": "Aggregate", "Strategy": "Plain", "Partial Mode": "Simple", "Parallel Aware": false,
          "Startup Cost": \(cost - 0.01), "Total Cost": \(cost), "Plan Rows": 1, "Plan Width": 16,
          "Plans": [\(child)]}}]
        """
    }

    @Test func aSequentialScanOfALargeTableIsAWholeHistoryRead() throws {
        let json = Self.aggregate(
            over: """
                {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": false, "Relation Name": "viral_metrics",
                 "Alias": "viral_metrics", "Startup Cost": 0.00, "Total Cost": 2036.00, "Plan Rows": 1900, "Plan Width": 8,
                 "Filter": "\(Self.week)"}
                """)
        let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
        #expect(plan.totalCost == 2041.01)
        #expect(plan.estimatedRows == 1)
        #expect(plan.indexesUsed.isEmpty)
        #expect(plan.sequentialScans.map(\.relation) == ["viral_metrics"])
        #expect(plan.wholeHistoryReads.map(\.relation) == ["viral_metrics"])
        #expect(plan.verdict == "reads all of viral_metrics (≈ 104 k rows) by sequential scan")

        let statement = StatementPlan(report: "viral", name: "viral_tallies", outcome: .explained(plan))
        #expect(statement.status == .warning)
    }

    @Test func aSequentialScanChosenOverAUsableIndexIsNoWarning() throws {
        var plan = try PlanAnalysis(
            json: Self.aggregate(
                over: """
                    {"Node Type": "Seq Scan", "Relation Name": "viral_metrics", "Alias": "viral_metrics", "Startup Cost": 0.00,
                     "Total Cost": 2036.00, "Plan Rows": 90000, "Plan Width": 8, "Filter": "\(Self.week)"}
                    """), catalog: Self.catalog)
        #expect(plan.largeSequentialReads.map(\.relation) == ["viral_metrics"])
        // With sequential scans off, PostgreSQL reads the same rows through the index, for more.
        let indexPlan = try PlanAnalysis(
            json: Self.aggregate(
                over: """
                    {"Node Type": "Index Scan", "Relation Name": "viral_metrics", "Alias": "viral_metrics",
                     "Index Name": "viral_metrics_created_at_idx", "Startup Cost": 0.29, "Total Cost": 3100.00, "Plan Rows": 90000,
                     "Plan Width": 8, "Index Cond": "\(Self.week)"}
                    """, cost: 3105.5), catalog: Self.catalog)
        plan.compare(withIndexPlan: indexPlan)
        #expect(plan.indexAlternatives == [.init(relation: "viral_metrics", index: "viral_metrics_created_at_idx", cost: 3105.5)])
        #expect(plan.wholeHistoryReads.isEmpty)
        #expect(
            plan.verdict
                == "reads all of viral_metrics (≈ 104 k rows) by sequential scan, cheaper here than through viral_metrics_created_at_idx (cost 2041 against 3106): most of its rows qualify"
        )
        #expect(StatementPlan(report: "viral", name: "viral_tallies", outcome: .explained(plan)).status == .ok)

        // No index fits: the plan with sequential scans off still scans (at the disabled cost), and the warning stays.
        var forced = try PlanAnalysis(
            json: Self.aggregate(
                over: """
                    {"Node Type": "Seq Scan", "Relation Name": "viral_metrics", "Alias": "viral_metrics", "Startup Cost": 0.00,
                     "Total Cost": 2036.00, "Plan Rows": 1900, "Plan Width": 8, "Filter": "\(Self.week)"}
                    """), catalog: Self.catalog)
        let stillSequential = try PlanAnalysis(
            json: Self.aggregate(
                over: """
                    {"Node Type": "Seq Scan", "Relation Name": "viral_metrics", "Alias": "viral_metrics", "Startup Cost": 10000000000.00,
                     "Total Cost": 10000002036.00, "Plan Rows": 1900, "Plan Width": 8, "Filter": "\(Self.week)"}
                    """, cost: 10000002041.01), catalog: Self.catalog)
        forced.compare(withIndexPlan: stillSequential)
        #expect(forced.indexAlternatives.isEmpty)
        #expect(forced.wholeHistoryReads.map(\.relation) == ["viral_metrics"])
    }

    @Test func aSequentialScanOfASmallTableIsFine() throws {
        let json = """
            [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "real_time_metrics", "Alias": "real_time_metrics",
              "Startup Cost": 0.00, "Total Cost": 1.08, "Plan Rows": 8, "Plan Width": 64}}]
            """
        let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
        #expect(plan.wholeHistoryReads.isEmpty)
        #expect(plan.sequentialScans.map(\.relation) == ["real_time_metrics"])
        #expect(plan.verdict == "reads small real_time_metrics (≈ 8 rows) by sequential scan")
    }

    @Test func anIndexScanOverARangeNamesTheIndex() throws {
        let json = Self.aggregate(
            over: """
                {"Node Type": "Index Scan", "Parent Relationship": "Outer", "Parallel Aware": false, "Scan Direction": "Forward",
                 "Index Name": "viral_metrics_created_at_idx", "Relation Name": "viral_metrics", "Alias": "viral_metrics",
                 "Startup Cost": 0.29, "Total Cost": 95.20, "Plan Rows": 1900, "Plan Width": 8, "Index Cond": "\(Self.week)"}
                """, cost: 99.95)
        let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
        #expect(plan.indexesUsed == ["viral_metrics_created_at_idx"])
        #expect(plan.sequentialScans.isEmpty)
        #expect(plan.wholeHistoryReads.isEmpty)
        #expect(plan.verdict == "reads ≈ 1900 of 104 k rows of viral_metrics through viral_metrics_created_at_idx on created_at")
        #expect(plan.verdict.contains("through viral_metrics_created_at_idx"))
    }

    @Test func aBitmapScanCountsItsIndexes() throws {
        let json = Self.aggregate(
            over: """
                {"Node Type": "Bitmap Heap Scan", "Parent Relationship": "Outer", "Relation Name": "viral_metrics", "Alias": "viral_metrics",
                 "Startup Cost": 40.0, "Total Cost": 900.0, "Plan Rows": 4000, "Plan Width": 8, "Recheck Cond": "\(Self.week)",
                 "Plans": [{"Node Type": "Bitmap Index Scan", "Parent Relationship": "Outer", "Index Name": "viral_metrics_created_at_idx",
                            "Startup Cost": 0.0, "Total Cost": 39.0, "Plan Rows": 4000, "Plan Width": 0, "Index Cond": "\(Self.week)"}]}
                """)
        let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
        #expect(plan.indexesUsed == ["viral_metrics_created_at_idx"])
        #expect(plan.scans.count == 1)
        #expect(plan.wholeHistoryReads.isEmpty)
    }

    @Test func anIndexReadWithoutAConditionOnItsFirstColumnIsReadWhole() throws {
        // No condition at all, and one on the second column only: both walk the whole index.
        for condition in [nil, Self.week] {
            let cond = condition.map { #", "Index Cond": "\#($0)""# } ?? ""
            let json = Self.aggregate(
                over: """
                    {"Node Type": "Index Only Scan", "Index Name": "viral_metrics_user_created_idx", "Relation Name": "viral_metrics",
                     "Alias": "viral_metrics", "Startup Cost": 0.42, "Total Cost": 5000.0, "Plan Rows": 1900, "Plan Width": 8\(cond)}
                    """)
            let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
            #expect(plan.wholeHistoryReads.map(\.relation) == ["viral_metrics"], "\(condition ?? "no condition")")
            #expect(plan.verdict.hasPrefix("reads all of viral_metrics (≈ 104 k rows) through viral_metrics_user_created_idx"))
        }
        // Under a Limit, an index walked in order stops early (min/max, the first rows).
        let limited = """
            [{"Plan": {"Node Type": "Limit", "Startup Cost": 0.42, "Total Cost": 0.46, "Plan Rows": 1, "Plan Width": 8,
              "Plans": [{"Node Type": "Index Only Scan", "Parent Relationship": "Outer", "Index Name": "viral_metrics_created_at_idx",
                         "Relation Name": "viral_metrics", "Alias": "viral_metrics", "Startup Cost": 0.42, "Total Cost": 4000.0,
                         "Plan Rows": 104000, "Plan Width": 8}]}}]
            """
        #expect(try PlanAnalysis(json: limited, catalog: Self.catalog).wholeHistoryReads.isEmpty)
    }

    @Test func aPartitionedAppendCountsPrunedPartitions() throws {
        func partition(_ name: String) -> String {
            """
            {"Node Type": "Index Scan", "Parent Relationship": "Member", "Parallel Aware": false, "Scan Direction": "Forward",
             "Index Name": "\(name)_created_at_idx", "Relation Name": "\(name)", "Alias": "v", "Startup Cost": 0.29,
             "Total Cost": 90.0, "Plan Rows": 950, "Plan Width": 8, "Index Cond": "((created_at >= $1) AND (created_at < $2))"}
            """
        }
        let json = Self.aggregate(
            over: """
                {"Node Type": "Append", "Parent Relationship": "Outer", "Parallel Aware": false, "Startup Cost": 0.29,
                 "Total Cost": 190.0, "Plan Rows": 1900, "Plan Width": 8, "Subplans Removed": 24,
                 "Plans": [\(partition("viral_metrics_2026_w46")), \(partition("viral_metrics_2026_w47"))]}
                """, cost: 195.0)
        let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
        let read = try #require(plan.partitions.first)
        #expect(plan.partitions.count == 1)
        #expect(read.table == "viral_metrics_by_week")
        #expect(read.scanned == ["viral_metrics_2026_w46", "viral_metrics_2026_w47"])
        #expect(read.total == 26 && read.pruned == 24 && read.removedAtRunTime == 24)
        #expect(plan.wholeHistoryReads.isEmpty)
        #expect(plan.tablesRead == ["viral_metrics_by_week"])
        #expect(plan.verdict.contains("of viral_metrics_by_week through viral_metrics_2026_w46_created_at_idx"))
        #expect(plan.verdict.contains("2 of 26 partitions (24 pruned at start)"))
        #expect(DoctorDocument.partitionText(read) == "viral_metrics_by_week: 2 of 26 scanned, 24 pruned (Subplans Removed: 24)")
    }

    @Test func analyzeOutputCarriesActualRowsTimeAndBuffers() throws {
        let json = """
            [{"Plan": {"Node Type": "Index Scan", "Index Name": "viral_metrics_created_at_idx", "Relation Name": "viral_metrics",
              "Alias": "viral_metrics", "Startup Cost": 0.29, "Total Cost": 95.2, "Plan Rows": 1900, "Plan Width": 8,
              "Actual Startup Time": 0.02, "Actual Total Time": 1.5, "Actual Rows": 1875, "Actual Loops": 1,
              "Index Cond": "\(Self.week)", "Shared Hit Blocks": 120, "Shared Read Blocks": 3},
              "Planning Time": 0.25, "Triggers": [], "Execution Time": 1.75}]
            """
        let plan = try PlanAnalysis(json: json, catalog: Self.catalog)
        #expect(plan.actualRows == 1875)
        #expect(plan.actualMilliseconds == 2.0)
        #expect(plan.sharedHitBlocks == 120 && plan.sharedReadBlocks == 3)
    }

    @Test func textThatIsNotAPlanIsAnError() {
        #expect(throws: PlanAnalysis.MalformedPlan.self) { try PlanAnalysis(json: "[]", catalog: Self.catalog) }
        #expect(throws: PlanAnalysis.MalformedPlan.self) { try PlanAnalysis(json: "not json", catalog: Self.catalog) }
    }

    // MARK: - EXPLAIN with the statement's own values

    @Test func explainKeepsTheTextAndBindsTheSameValues() {
        let start = Date(timeIntervalSince1970: 1_794_787_200)
        let statement = Statement(
            "viral_tallies",
            """
            SELECT count(*) FROM viral_metrics -- $9 in a comment
            WHERE created_at >= \(start) AND created_at < \(start.addingTimeInterval(604_800)) /* $8 /* nested $7 */ */
              AND source_platform <> '$1 is text' AND action_type <> $$ $2 $$ AND \(raw: #""$3"#)" IS NOT NULL
              AND reach_metrics <> $tag$ $1 $tag$::jsonb AND \(nil as String?)::text IS NULL
            """)
        let explain = ExplainStatement.make(statement, options: "FORMAT JSON")
        #expect(explain.name == "explain_viral_tallies")
        #expect(explain.sql == "EXPLAIN (FORMAT JSON) " + statement.sql)
        #expect(explain.parameters == statement.parameters)
        #expect(statement.parameters.count == 3)
    }

    @Test func aValueReferencedTwiceStaysOneValue() {
        let statement = Statement("twice", "SELECT \(3) + \(raw: "$1") AS six, 'E''$1' AS text, E'\\' $1' AS escaped")
        #expect(statement.sql == #"SELECT $1 + $1 AS six, 'E''$1' AS text, E'\' $1' AS escaped"#)
        let explain = ExplainStatement.make(statement, options: "ANALYZE, BUFFERS, FORMAT JSON")
        #expect(explain.sql == #"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT $1 + $1 AS six, 'E''$1' AS text, E'\' $1' AS escaped"#)
        #expect(explain.parameters == [.int(3)])
    }

    @Test func onlyQueriesAreExplained() {
        #expect(ExplainStatement.isQuery("SELECT 1"))
        #expect(ExplainStatement.isQuery("  -- a comment\n  with x AS (SELECT 1) SELECT * FROM x"))
        #expect(ExplainStatement.isQuery("/* c */ select 1"))
        #expect(!ExplainStatement.isQuery("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        #expect(!ExplainStatement.isQuery("COMMIT"))
        #expect(!ExplainStatement.isQuery("SELECTED"))
        #expect(!ExplainStatement.isQuery("WITHOUT"))
    }

    @Test func bytesReadLikePgSizePretty() {
        #expect(ByteCount.text(0) == "0 bytes")
        #expect(ByteCount.text(8192) == "8.0 kB")
        #expect(ByteCount.text(16 * 1024 * 1024) == "16 MB")
        #expect(ByteCount.text(3 * 1024 * 1024 * 1024 / 2) == "1.5 GB")
    }
}
