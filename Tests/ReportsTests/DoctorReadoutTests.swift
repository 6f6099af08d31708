import Database
import Foundation
import Rendering
import TestSupport
import Testing

@testable import Reports

/// `db doctor` against a real PostgreSQL: a seeded database, a dropped index, a long history,
/// degenerate databases and hypopg.
@Suite struct DoctorReadoutTests {
    @Test func everyExpectedIndexPresentIsHealthy() throws {
        let fixture = try DoctorFixture("doctor_healthy")
        let readout = try fixture.readout()
        #expect(readout.isHealthy, "\(readout.failures)")
        #expect(readout.failures.isEmpty)
        #expect(readout.expectedIndexes.count == Schema.indexes.count)
        #expect(readout.expectedIndexes.allSatisfy { $0.state == .present })
        #expect(readout.checks.contains { $0.title == "Expected indexes" && $0.status == .ok })

        // Every period statement reads its week through the index on its time column.
        let tallies = try #require(readout.plan("viral_tallies")?.analysis)
        #expect(tallies.indexesUsed == ["viral_metrics_created_at_idx"], "\(tallies.verdict)")
        #expect(tallies.wholeHistoryReads.isEmpty)
        #expect(tallies.verdict.contains("through viral_metrics_created_at_idx on created_at"), "\(tallies.verdict)")
        #expect(readout.plan("ab_test_active")?.analysis?.wholeHistoryReads.isEmpty == true)
        #expect(readout.plan("attribution_conversions")?.analysis?.indexesUsed == ["conversion_events_occurred_at_idx"])
        #expect(readout.statements.allSatisfy { $0.status == .ok }, "\(readout.statements.map { "\($0.name): \($0.verdict)" })")
        // begin and commit are not explained; the small table is read whole and that is fine.
        #expect(readout.statements.filter { if case .skipped = $0.outcome { true } else { false } }.map(\.name) == ["begin", "commit"])
        #expect(readout.plan("real_time_metrics")?.analysis?.verdict.hasPrefix("reads small real_time_metrics") == true)

        // Tables: sizes and row estimates from the analyzed statistics.
        let viral = try #require(readout.tables.first { $0.name == "viral_metrics" })
        #expect(viral.exists && viral.totalBytes > 0 && viral.lastAnalyze != nil)
        #expect(abs((viral.estimatedRows ?? 0) - 40_000) < 1)
        #expect(!readout.tables.contains { $0.hasStaleStatistics }, "\(readout.tables.filter(\.hasStaleStatistics))")
        #expect(readout.tables.map(\.name) == Schema.tables)

        // No pg_stat_statements in this cluster: one line on how to turn it on.
        guard case .notInstalled = readout.slowStatements else {
            Issue.record("\(readout.slowStatements)")
            return
        }
        let slow = try #require(readout.checks.first { $0.area == .slowStatements })
        #expect(slow.status == .notChecked)
        #expect(slow.fix?.contains("shared_preload_libraries = 'pg_stat_statements'") == true)
        #expect(slow.fix?.contains("CREATE EXTENSION pg_stat_statements") == true)
    }

    @Test func aDroppedIndexFailsAndItsStatementsReadTheWholeHistory() throws {
        let fixture = try DoctorFixture("doctor_dropped")
        try fixture.connection.execute(Statement("drop_index", "DROP INDEX viral_metrics_created_at_idx"))
        let hypopg = try fixture.hypopgIsAvailable()
        if hypopg { try fixture.connection.execute(Statement("create_hypopg", "CREATE EXTENSION hypopg")) }
        let readout = try fixture.readout()

        #expect(!readout.isHealthy)
        let failing = try #require(readout.failures.first { $0.title.contains("viral_metrics_created_at_idx") })
        #expect(failing.area == .indexes)
        #expect(failing.fix?.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS viral_metrics_created_at_idx ON viral_metrics (created_at);") == true)
        #expect(readout.failures.count == 1, "\(readout.failures.map(\.title))")
        #expect(readout.expectedIndexes.first { $0.name == "viral_metrics_created_at_idx" }?.state == .missing)

        // Both viral statements now read all of viral_metrics, and say so.
        for name in ["viral_tallies", "viral_groups"] {
            let plan = try #require(readout.plan(name))
            let analysis = try #require(plan.analysis)
            #expect(plan.status == .warning)
            #expect(analysis.wholeHistoryReads.map(\.relation) == ["viral_metrics"], "\(analysis.verdict)")
            #expect(analysis.verdict.contains("reads all of viral_metrics"), "\(analysis.verdict)")
            let warning = try #require(readout.warnings.first { $0.title == "Statement viral/\(name)" })
            #expect(warning.detail.contains("its whole history"))
            #expect(warning.fix?.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS viral_metrics_created_at_idx") == true)
        }
        // The other reports are untouched.
        #expect(readout.plan("attribution_conversions")?.status == .ok)

        if hypopg {
            print("DoctorReadoutTests: hypopg is installed; the hypothetical-index check ran")
            guard case .checked(let results) = readout.hypotheticalIndexes else {
                Issue.record("hypopg installed but not used: \(readout.hypotheticalIndexes)")
                return
            }
            #expect(Set(results.map(\.statement)) == ["viral_tallies", "viral_groups"])
            for result in results {
                #expect(result.index == "viral_metrics_created_at_idx")
                #expect(result.usesIndex, "\(result)")
                #expect(result.costAfter < result.costBefore / 2, "\(result)")
            }
            #expect(failing.detail.contains("Tried as a hypothetical index (hypopg): 2 of 2 statements over viral_metrics would use it"), "\(failing.detail)")
            // The hypothetical index is gone afterwards: the plans of a new readout are as before.
            let again = try fixture.readout()
            #expect(again.plan("viral_tallies")?.analysis?.indexesUsed.isEmpty == true)
        } else {
            print("DoctorReadoutTests: hypopg is not installed; the recommendation-alone path ran")
            guard case .unavailable(packageInstalled: false) = readout.hypotheticalIndexes else {
                Issue.record("\(readout.hypotheticalIndexes)")
                return
            }
            let line = try #require(readout.checks.first { $0.title == "Hypothetical indexes" })
            #expect(line.fix?.contains("postgresql-\(readout.serverMajorVersion)-hypopg") == true)
        }
    }

    @Test func withoutHypopgTheRecommendationStandsAlone() throws {
        // The same dropped index in a database without the extension: the CREATE INDEX, and how to get hypopg.
        let fixture = try DoctorFixture("doctor_no_hypopg", viralRows: 12_000)
        try fixture.connection.execute(Statement("drop_index", "DROP INDEX viral_metrics_created_at_idx"))
        let readout = try fixture.readout()
        guard case .unavailable(let packageInstalled) = readout.hypotheticalIndexes else {
            Issue.record("\(readout.hypotheticalIndexes)")
            return
        }
        let failing = try #require(readout.failures.first { $0.title == "Index viral_metrics_created_at_idx" })
        #expect(!failing.detail.contains("hypothetical"))
        let line = try #require(readout.checks.first { $0.title == "Hypothetical indexes" })
        #expect(line.status == .notChecked)
        #expect(line.detail.contains("the index is recommended on the plans alone"))
        // The fix names only what is missing: the package on the server, or the extension in the database.
        let packageOnServer =
            try fixture.connection.query(
                Statement("hypopg_package", "SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'hypopg'")
            ).first?.int("n") == 1
        #expect(packageInstalled == packageOnServer)
        #expect(
            line.fix
                == (packageOnServer
                    ? "CREATE EXTENSION hypopg;"
                    : "apt-get install postgresql-\(readout.serverMajorVersion)-hypopg, then CREATE EXTENSION hypopg;"))
    }

    @Test func aOneWeekStatementOverTwoYearsOfHistoryUsesTheIndex() throws {
        // Two years of actions, one week read: about 1 % of the rows.
        let fixture = try DoctorFixture("doctor_history", viralRows: 150_000, viralDays: 730)
        let statement = try #require(DoctorFixture.statements().first?.statements.first)
        let text = try #require(
            try fixture.connection.transaction(.snapshot) {
                try fixture.connection.query(ExplainStatement.make(statement, options: "FORMAT JSON")).first?
                    .decodeIfPresent("QUERY PLAN", as: String.self)
            })
        // Straight from the JSON: some node reads viral_metrics through the created_at index.
        func nodes(_ node: [String: Any]) -> [[String: Any]] {
            [node] + (node["Plans"] as? [[String: Any]] ?? []).flatMap(nodes)
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let plan = try #require(json.first?["Plan"] as? [String: Any])
        let all = nodes(plan)
        #expect(all.contains { $0["Index Name"] as? String == "viral_metrics_created_at_idx" }, "\(text)")
        #expect(!all.contains { ($0["Node Type"] as? String)?.hasSuffix("Seq Scan") == true }, "\(text)")

        let readout = try fixture.readout()
        let tallies = try #require(readout.plan("viral_tallies")?.analysis)
        #expect(tallies.indexesUsed == ["viral_metrics_created_at_idx"])
        #expect(tallies.scans.allSatisfy { $0.estimatedRows < 5_000 }, "\(tallies.scans)")
        #expect(tallies.verdict.contains("of 150 k rows of viral_metrics through viral_metrics_created_at_idx"), "\(tallies.verdict)")
    }

    @Test func analyzeReportsActualRowsAndTimes() throws {
        let fixture = try DoctorFixture("doctor_analyze", viralRows: 12_000)
        let readout = try fixture.readout(analyzes: true)
        #expect(readout.isHealthy)
        let tallies = try #require(readout.plan("viral_tallies")?.analysis)
        #expect(tallies.actualRows == 1)
        #expect((tallies.actualMilliseconds ?? 0) > 0)
        #expect(tallies.sharedHitBlocks != nil)
        let document = DoctorDocument.make(readout, context: DoctorFixture.context(readout))
        let table = try #require(document.table(named: "doctor-statements"))
        #expect(table.columnIndex("actual_ms") != nil && table.columnIndex("actual_rows") != nil)
        #expect(DoctorReport(period: DoctorFixture.period, analyzes: true).recordedOptions.first?.value.hasPrefix("yes") == true)
    }

    // MARK: - Degenerate databases

    @Test func anEmptyNeverAnalyzedDatabaseHasAClearStatus() throws {
        let fixture = try DoctorFixture("doctor_empty", seeds: false)
        let readout = try fixture.readout()
        #expect(readout.isHealthy)
        #expect(readout.tables.allSatisfy { $0.exists && !$0.hasStaleStatistics })
        #expect(readout.statements.filter { $0.analysis != nil }.count == 6)
        let tables = try #require(readout.checks.first { $0.title == "Tables" })
        #expect(tables.detail.contains("no rows yet"))
        // The document renders with unknown estimates and no scans.
        let document = DoctorDocument.make(readout, context: DoctorFixture.context(readout))
        #expect(document.table(named: "doctor-tables")?.rows.count == 6)
    }

    @Test func rowsNeverAnalyzedAreStaleStatistics() throws {
        let fixture = try DoctorFixture("doctor_stale", seeds: false)
        try fixture.connection.execute(
            Statement(
                "rows",
                """
                INSERT INTO conversion_events (user_email, event_type, occurred_at)
                SELECT 'u' || g, 'signup', now() - make_interval(mins => g) FROM generate_series(1, 3000) AS g
                """))
        // Statistics reach the shared counters when the session flushes them.
        try fixture.connection.query(Statement("flush", "SELECT pg_stat_force_next_flush()"))
        try fixture.connection.query(Statement("idle", "SELECT 1"))
        let readout = try fixture.readout()
        let table = try #require(readout.tables.first { $0.name == "conversion_events" })
        #expect(table.hasStaleStatistics, "\(table)")
        let warning = try #require(readout.warnings.first { $0.title == "Statistics of conversion_events" })
        #expect(warning.fix == "ANALYZE conversion_events;")
        #expect(readout.isHealthy)
    }

    @Test func aMissingTableFailsWithoutStoppingTheRun() throws {
        let fixture = try DoctorFixture("doctor_missing_table", viralRows: 12_000)
        try fixture.connection.execute(Statement("drop_table", "DROP TABLE conversion_events"))
        let readout = try fixture.readout()
        #expect(!readout.isHealthy)
        #expect(readout.failures.contains { $0.title == "Table conversion_events" && $0.fix == "growth-report db migrate" })
        #expect(readout.expectedIndexes.first { $0.name == "conversion_events_occurred_at_idx" }?.state == .tableMissing)
        // The statement over it could not be planned; the ones after it were.
        guard case .failed(_, let sqlState)? = readout.plan("attribution_conversions")?.outcome else {
            Issue.record("\(String(describing: readout.plan("attribution_conversions")?.outcome))")
            return
        }
        #expect(sqlState == "42P01")
        #expect(readout.plan("real_time_metrics")?.analysis != nil)
        #expect(readout.tables.first { $0.name == "viral_metrics" }?.exists == true)
    }

    @Test func aDatabaseWithoutTheSchemaFailsEveryTableCheck() throws {
        let (connection, _) = try TestDatabase.connect("doctor_bare")
        let readout = try DoctorReport(period: DoctorFixture.period).readout(of: DoctorFixture.statements(), on: connection)
        #expect(!readout.isHealthy)
        #expect(readout.tables.allSatisfy { !$0.exists })
        #expect(readout.failures.filter { $0.area == .tables }.count == Schema.tables.count)
        #expect(readout.scanRatio.ratio == nil)
        #expect(readout.checks.contains { $0.title == "Index scan ratio" && $0.detail.hasPrefix("No scans yet") })
        _ = DoctorDocument.make(readout, context: DoctorFixture.context(readout))
    }

    // MARK: - Unused and duplicate indexes, scan ratio

    @Test func unusedAndDuplicateIndexesAreWarnings() throws {
        let fixture = try DoctorFixture("doctor_duplicates", viralRows: 12_000)
        try fixture.connection.execute(Statement("duplicate", "CREATE INDEX viral_metrics_created_copy ON viral_metrics (created_at)"))
        try fixture.connection.execute(
            Statement("other", "CREATE INDEX viral_metrics_platform_idx ON viral_metrics (source_platform) WHERE source_platform IS NOT NULL"))
        try fixture.connection.execute(Statement("not_duplicate", "CREATE INDEX viral_metrics_created_desc ON viral_metrics (created_at DESC)"))
        let readout = try fixture.readout()
        #expect(readout.isHealthy)
        let group = try #require(readout.duplicateIndexes.first)
        #expect(readout.duplicateIndexes.count == 1)
        #expect(group.table == "viral_metrics")
        #expect(group.indexes == ["viral_metrics_created_at_idx", "viral_metrics_created_copy"])
        #expect(readout.warnings.contains { $0.title == "Duplicate indexes on viral_metrics" })
        let unused = Set(readout.unusedIndexes.map(\.name))
        #expect(unused.isSuperset(of: ["viral_metrics_platform_idx", "viral_metrics_created_copy"]))
        #expect(!unused.contains { $0.hasSuffix("_pkey") })
        let warning = try #require(readout.warnings.first { $0.title == "Unused indexes" })
        #expect(warning.detail.contains("a candidate to drop: "))
        #expect(warning.detail.contains("viral_metrics_platform_idx on viral_metrics ("))
        #expect(warning.detail.contains("the reports use them, so keep them."))
        #expect(warning.fix?.contains("DROP INDEX CONCURRENTLY viral_metrics_platform_idx;") == true)
        #expect(warning.fix?.contains("viral_metrics_created_at_idx") == false)

        // Only indexes the reports use, not scanned yet (just rebuilt): nothing to do, not a warning.
        for name in ["viral_metrics_created_copy", "viral_metrics_platform_idx", "viral_metrics_created_desc"] {
            try fixture.connection.execute(Statement("drop_extra", "DROP INDEX \(raw: name)"))
        }
        let kept = try fixture.readout()
        let line = try #require(kept.checks.first { $0.title == "Unused indexes" })
        #expect(line.status == .ok, "\(line)")
        #expect(line.fix == nil)
        #expect(line.detail.contains("the reports use them, so keep them."), "\(line.detail)")
    }

    @Test func theIndexScanRatioCountsTheToolsTables() throws {
        let fixture = try DoctorFixture("doctor_ratio", viralRows: 12_000)
        for _ in 0..<5 {
            try fixture.connection.query(Statement("seq", "SELECT count(*) FROM viral_metrics"))
        }
        try fixture.connection.query(Statement("flush", "SELECT pg_stat_force_next_flush()"))
        try fixture.connection.query(Statement("idle", "SELECT 1"))
        let readout = try fixture.readout()
        let ratio = readout.scanRatio
        #expect(ratio.sequentialScans >= 5)
        let check = try #require(readout.checks.first { $0.area == .scanRatio })
        if let value = ratio.ratio, value < DoctorReport.minimumIndexScanRatio {
            #expect(check.status == .warning)
            #expect(check.detail.contains("\(ratio.indexScans) index scans, \(ratio.sequentialScans) sequential scans"))
        } else {
            Issue.record("sequential scans should bring the ratio below 95 %: \(ratio)")
        }
    }
}
