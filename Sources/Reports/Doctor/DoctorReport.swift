import Database
import Foundation
import Rendering

/// `db doctor`: the database as the reports see it (SPEC §4.7, the seed plan's monitoring
/// section). Each report statement is explained with its own values, the expected indexes are
/// looked up, and the statistics views say what is unused, slow, stale or missing — all in one
/// `REPEATABLE READ READ ONLY` snapshot; nothing is written.
public struct DoctorReport: Report, Sendable {
    public static let kind = ReportKind.doctor

    /// One report and the statements it runs for the period.
    public struct ReportStatements: Sendable {
        public var report: String
        public var statements: [Statement]

        public init(report: String, statements: [Statement]) {
            self.report = report
            self.statements = statements
        }
    }

    /// A statement slower than this on average (pg_stat_statements) is slow: the seed plan's
    /// monitoring query.
    public static let slowMilliseconds = 100.0
    /// The seed plan's alert: index scans below this share of all scans.
    public static let minimumIndexScanRatio = 0.95
    /// Statements listed by total time.
    public static let topStatementCount = 10

    public var period: ReportPeriod
    /// `--analyze`: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON), so plans carry actual rows and times.
    public var analyzes: Bool
    /// Tables above this many estimated rows are large.
    public var largeTableRows: Double

    /// The statements explained: every report's, for the period.
    public var reports: [ReportStatements]

    public init(period: ReportPeriod, analyzes: Bool = false, reports: [ReportStatements] = []) {
        self.period = period
        self.analyzes = analyzes
        self.reports = reports
        self.largeTableRows = PlanCatalog.defaultLargeTableRows
    }

    /// The doctor of these reports: each one's statements for its period, listed without running any.
    public init(period: ReportPeriod, analyzes: Bool = false, explaining reports: [any Report]) {
        self.init(
            period: period, analyzes: analyzes,
            reports: reports.map { ReportStatements(report: type(of: $0).kind.name, statements: $0.statements) })
    }

    /// Everything in one REPEATABLE READ READ ONLY transaction. A check that fails on the
    /// server (a statement that cannot be explained, `pg_stat_statements` not loaded, hypopg
    /// refusing) is rolled back to a savepoint and reported; the run goes on.
    /// - Throws: `DatabaseError` when the connection fails or the catalog cannot be read.
    public func readout(of reports: [ReportStatements], on connection: PostgresConnection) throws -> DoctorReadout {
        try connection.transaction(.snapshot) {
            let probe = Probe(connection: connection)
            let catalog = try relationCatalog(on: connection)
            let statements = try explain(reports, catalog: catalog, probe: probe)
            let tables = try connection.query(DoctorSQL.tables(Schema.tables)).map(Self.tableHealth)
            let expected = try connection.query(DoctorSQL.expectedIndexes(Schema.indexes)).enumerated().map { offset, row in
                try Self.expectedIndex(row, definition: Schema.indexes[offset])
            }
            let expectedNames = Set(Schema.indexes.map(\.name))
            let unused = try connection.query(DoctorSQL.unusedIndexes(Schema.tables)) { row in
                UnusedIndex(
                    name: try row.string("name"), table: try row.string("table_name"), bytes: try row.int("bytes"),
                    isExpected: expectedNames.contains(try row.string("name")))
            }
            let duplicates = try connection.query(DoctorSQL.duplicateIndexes(Schema.tables)).map(Self.duplicates)
            let reset = try connection.query(DoctorSQL.statisticsReset).first?.decodeIfPresent("stats_reset", as: Date.self)
            let slow = try slowStatements(on: connection, probe: probe)
            let ratio = IndexScanRatio(
                indexScans: tables.reduce(0) { $0 + $1.indexScans },
                sequentialScans: tables.reduce(0) { $0 + $1.sequentialScans })
            let hypothetical = try hypotheticalIndexes(
                missing: expected, statements: statements, reports: reports,
                catalog: catalog, on: connection, probe: probe)
            return DoctorReadout(
                period: period, analyzes: analyzes, serverVersion: connection.serverVersion, statements: statements,
                expectedIndexes: expected, unusedIndexes: unused, duplicateIndexes: duplicates, statisticsResetAt: reset,
                slowStatements: slow, scanRatio: ratio, tables: tables, hypotheticalIndexes: hypothetical)
        }
    }

    /// The catalog statements every readout runs, then each report statement under EXPLAIN.
    /// Those made from what the catalog and the plans say (pg_stat_statements in the schema it
    /// was created in, a hypothetical index for an expected one that is missing, a plan with
    /// sequential scans disabled) are not listed.
    public var statements: [Statement] {
        [DoctorSQL.relations, DoctorSQL.leadingColumns]
            + reports.flatMap { report in
                report.statements.filter { ExplainStatement.isQuery($0.sql) }.map { ExplainStatement.make($0, options: explainOptions) }
            }
            + [
                DoctorSQL.tables(Schema.tables), DoctorSQL.expectedIndexes(Schema.indexes), DoctorSQL.unusedIndexes(Schema.tables),
                DoctorSQL.duplicateIndexes(Schema.tables), DoctorSQL.statisticsReset, DoctorSQL.extensionSchema("pg_stat_statements"),
                DoctorSQL.extensionSchema("hypopg"),
            ]
    }

    public func read(using reading: ReportReading) throws -> DoctorReadout {
        try readout(of: reports, on: reading.connection)
    }

    public func document(_ model: DoctorReadout, context: ReportContext) -> ReportDocument {
        DoctorDocument.make(model, context: context)
    }

    /// Plans and tables hold no amounts.
    public static var recordsCurrency: Bool { false }

    /// The options that shaped the readout, for the reproducibility record.
    public var recordedOptions: [Reproducibility.Setting] {
        [
            .init(
                "analyze",
                analyzes
                    ? "yes: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON), statements run inside the read-only snapshot" : "no: EXPLAIN (FORMAT JSON), estimates only"
            ),
            .init("large_table_rows", "more than \(Int(largeTableRows)) estimated rows (pg_class.reltuples)"),
            .init("slow_statement_ms", "mean_exec_time above \(Int(Self.slowMilliseconds)) ms; top \(Self.topStatementCount) by total_exec_time"),
            .init("index_scan_ratio_min", "\(Int(Self.minimumIndexScanRatio * 100)) %"),
            .init("stale_statistics", "n_mod_since_analyze above 10 % of the rows and above 1000, or never analyzed with rows"),
        ]
    }

    // MARK: - Statements

    var explainOptions: String { analyzes ? "ANALYZE, BUFFERS, FORMAT JSON" : "FORMAT JSON" }

    func relationCatalog(on connection: PostgresConnection) throws -> PlanCatalog {
        var relations: [String: PlanCatalog.Relation] = [:]
        var counts: [String: Int] = [:]
        for row in try connection.query(DoctorSQL.relations) {
            let name = try row.string("name")
            let rows = try row.decodeIfPresent("reltuples", as: Double.self).flatMap { $0 >= 0 ? $0 : nil }
            let parent = try row.decodeIfPresent("partition_of", as: String.self)
            // A name in two schemas: the larger estimate, so a large table is never missed.
            if let known = relations[name], (known.rows ?? -1) >= (rows ?? -1) { continue }
            relations[name] = PlanCatalog.Relation(rows: rows, partitionOf: parent)
            if let parent, try row.string("kind") != "p" { counts[parent, default: 0] += 1 }
        }
        var leading: [String: String] = [:]
        for row in try connection.query(DoctorSQL.leadingColumns) {
            let name = try row.string("index_name")
            if leading[name] == nil, let column = try row.decodeIfPresent("leading_column", as: String.self) { leading[name] = column }
        }
        return PlanCatalog(relations: relations, partitionCounts: counts, leadingColumns: leading, largeTableRows: largeTableRows)
    }

    func explain(_ reports: [ReportStatements], catalog: PlanCatalog, probe: Probe) throws -> [StatementPlan] {
        var plans: [StatementPlan] = []
        for report in reports {
            for statement in report.statements {
                guard ExplainStatement.isQuery(statement.sql) else {
                    plans.append(
                        StatementPlan(
                            report: report.report, name: statement.name,
                            outcome: .skipped("not explained: not a SELECT or WITH statement")))
                    continue
                }
                plans.append(
                    StatementPlan(
                        report: report.report, name: statement.name,
                        outcome: try plan(of: statement, options: explainOptions, catalog: catalog, probe: probe)))
            }
        }
        return plans
    }

    func plan(of statement: Statement, options: String, catalog: PlanCatalog, probe: Probe) throws -> StatementPlan.Outcome {
        let explained = try probe.attempt {
            try probe.connection.query(ExplainStatement.make(statement, options: options)).first?
                .decodeIfPresent("QUERY PLAN", as: String.self)
        }
        switch explained {
        case .failure(let error):
            return .failed(message: error.message, sqlState: error.sqlState)
        case .success(let text):
            do {
                var analysis = try PlanAnalysis(json: text ?? "", catalog: catalog)
                if !analysis.largeSequentialReads.isEmpty, let alternative = try indexPlan(of: statement, catalog: catalog, probe: probe) {
                    analysis.compare(withIndexPlan: alternative)
                }
                return .explained(analysis)
            } catch let error as PlanAnalysis.MalformedPlan {
                return .failed(message: error.description, sqlState: nil)
            }
        }
    }

    /// The plan of `statement` with sequential scans disabled (plain EXPLAIN: nothing runs), or
    /// nil when the server refused it; the setting is back on afterwards in every case.
    func indexPlan(of statement: Statement, catalog: PlanCatalog, probe: Probe) throws -> PlanAnalysis? {
        let explained = try probe.attempt { () throws -> String? in
            try probe.connection.execute(DoctorSQL.sequentialScansOff)
            let text = try probe.connection.query(ExplainStatement.make(statement, options: "FORMAT JSON")).first?
                .decodeIfPresent("QUERY PLAN", as: String.self)
            try probe.connection.execute(DoctorSQL.sequentialScansOn)
            return text
        }
        guard case .success(let text?) = explained else { return nil }
        return try? PlanAnalysis(json: text, catalog: catalog)
    }

    /// The schema an extension was created in, if it was, and whether its package is
    /// installed on the server (so `CREATE EXTENSION` alone would add it).
    static func extensionSchema(_ name: String, on connection: PostgresConnection) throws -> (schema: String?, isAvailable: Bool) {
        guard let row = try connection.query(DoctorSQL.extensionSchema(name)).first else { return (nil, false) }
        return (try row.decodeIfPresent("schema_name", as: String.self), try row.decode("is_available"))
    }

    // MARK: - pg_stat_statements

    func slowStatements(on connection: PostgresConnection, probe: Probe) throws -> SlowStatements {
        guard let schema = try Self.extensionSchema("pg_stat_statements", on: connection).schema else {
            return .notInstalled
        }
        let statement = DoctorSQL.slowStatements(
            schema: try connection.quoteIdentifier(schema), serverVersion: connection.serverVersion,
            slowMilliseconds: Self.slowMilliseconds, top: Self.topStatementCount, limit: 50)
        let result = try probe.attempt {
            try connection.query(statement) { row in
                SlowStatement(
                    query: Self.oneLine(try row.string("query")), calls: try row.int("calls"),
                    meanMilliseconds: try row.decode("mean_ms"), totalMilliseconds: try row.decode("total_ms"),
                    rows: try row.int("rows"), isSlow: try row.decode("slow"), isTopByTotal: try row.decode("top"))
            }
        }
        switch result {
        case .success(let statements): return .available(statements)
        case .failure(let error) where error.sqlState == "55000":
            return .notLoaded("the pg_stat_statements extension exists in this database but its library is not loaded (SQLSTATE 55000)")
        case .failure(let error):
            return .notLoaded("pg_stat_statements could not be read (SQLSTATE \(error.sqlState ?? "none")): \(error.message)")
        }
    }

    /// A statement's text on one line, at most 1,000 characters.
    static func oneLine(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return words.count > 1000 ? String(words.prefix(999)) + "…" : words
    }

    // MARK: - hypopg

    func hypotheticalIndexes(
        missing expected: [ExpectedIndex], statements: [StatementPlan], reports: [ReportStatements],
        catalog: PlanCatalog, on connection: PostgresConnection, probe: Probe
    ) throws -> HypotheticalIndexes {
        let hypopg = try Self.extensionSchema("hypopg", on: connection)
        guard let schema = hypopg.schema else {
            return .unavailable(packageInstalled: hypopg.isAvailable)
        }
        let quoted = try connection.quoteIdentifier(schema)
        let byName = Dictionary(
            reports.flatMap { report in report.statements.map { ("\(report.report)\u{0}\($0.name)", $0) } },
            uniquingKeysWith: { first, _ in first })
        var results: [HypotheticalIndex] = []
        for index in expected where index.state == .missing {
            let readers = statements.filter { $0.analysis?.tablesRead.contains(index.table) == true }
            guard !readers.isEmpty else { continue }
            let definition = "CREATE INDEX \(index.name) ON \(index.table) \(index.columns)"
            let outcome = try probe.attempt { () throws -> [HypotheticalIndex] in
                guard
                    let name = try connection.query(DoctorSQL.createHypotheticalIndex(schema: quoted, definition: definition))
                        .first?.string("indexname")
                else { return [] }
                var found: [HypotheticalIndex] = []
                for reader in readers {
                    guard let before = reader.analysis, let statement = byName["\(reader.report)\u{0}\(reader.name)"] else { continue }
                    // hypopg shows in plain EXPLAIN only: ANALYZE would run the real plan.
                    guard case .explained(let after) = try plan(of: statement, options: "FORMAT JSON", catalog: catalog, probe: probe) else { continue }
                    found.append(
                        HypotheticalIndex(
                            index: index.name, report: reader.report, statement: reader.name,
                            costBefore: before.totalCost, costAfter: after.totalCost,
                            usesIndex: after.indexesUsed.contains(name)))
                }
                return found
            }
            // Hypothetical indexes live in the session, not the transaction: a savepoint
            // rolled back keeps them, so they go in every case before the next one is tried.
            let reset = try probe.attempt { try connection.query(DoctorSQL.resetHypotheticalIndexes(schema: quoted)) }
            if case .failure(let error) = reset {
                return .failed("hypopg_reset failed (SQLSTATE \(error.sqlState ?? "none")): \(error.message)")
            }
            switch outcome {
            case .success(let found): results += found
            case .failure(let error):
                return .failed("hypopg could not try \(index.name) (SQLSTATE \(error.sqlState ?? "none")): \(error.message)")
            }
        }
        return .checked(results)
    }

    // MARK: - Rows

    static func tableHealth(_ row: PostgresRow) throws -> TableHealth {
        let exists: Bool = try row.decode("present")
        guard exists else { return TableHealth(name: try row.string("name"), exists: false) }
        let known: Bool = try row.decode("rows_known")
        return TableHealth(
            name: try row.string("name"), exists: true, isPartitioned: try row.decode("partitioned"),
            partitions: try row.int("partitions"), estimatedRows: known ? try row.decode("reltuples") : nil,
            totalBytes: try row.int("total_bytes"), indexBytes: try row.int("index_bytes"),
            liveRows: try row.int("live_rows"), deadRows: try row.int("dead_rows"),
            modifiedSinceAnalyze: try row.int("modified_rows"),
            lastVacuum: try row.decodeIfPresent("last_vacuum"), lastAutovacuum: try row.decodeIfPresent("last_autovacuum"),
            lastAnalyze: try row.decodeIfPresent("last_analyze"), lastAutoanalyze: try row.decodeIfPresent("last_autoanalyze"),
            sequentialScans: try row.int("seq_scan"), indexScans: try row.int("idx_scan"))
    }

    static func expectedIndex(_ row: PostgresRow, definition: IndexDefinition) throws -> ExpectedIndex {
        let state: ExpectedIndex.State
        if !(try row.decode("table_present", as: Bool.self)) {
            state = .tableMissing
        } else if !(try row.decode("present", as: Bool.self)) {
            state = .missing
        } else if !(try row.decode("ready", as: Bool.self)) {
            state = .notReady
        } else if !(try row.decode("valid", as: Bool.self)) {
            state = .invalid
        } else {
            state = .present
        }
        return ExpectedIndex(
            name: definition.name, table: definition.table, columns: definition.columns,
            reason: definition.reason, state: state, scans: try row.decodeIfPresent("scans"),
            bytes: try row.decodeIfPresent("bytes"),
            createStatement: definition.createStatement(concurrently: true))
    }

    static func duplicates(_ row: PostgresRow) throws -> DuplicateIndexes {
        func array<T>(_ column: String, as type: T.Type) throws -> [T] {
            let text = try row.string(column)
            let value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
            return value as? [T] ?? []
        }
        let names = try array("names", as: String.self)
        let constraints = try array("constraints", as: Bool.self)
        var droppable = zip(names, constraints).filter { !$0.1 }.map(\.0)
        if droppable.count == names.count { droppable.removeFirst() }
        return DuplicateIndexes(
            table: try row.string("table_name"), indexes: names,
            definition: try row.string("definition"), droppable: droppable)
    }
}

/// Runs a check that the server may refuse inside a savepoint, so a refusal leaves the
/// snapshot usable: the error comes back as a value, the transaction goes on.
struct Probe {
    let connection: PostgresConnection

    func attempt<T>(_ body: () throws -> T) throws -> Result<T, DatabaseError> {
        try connection.execute(DoctorSQL.savepoint)
        do {
            let value = try body()
            try connection.execute(DoctorSQL.releaseSavepoint)
            return .success(value)
        } catch let error as DatabaseError where error.code == .queryFailed || error.code == .decodingFailed {
            try connection.execute(DoctorSQL.rollbackToSavepoint)
            return .failure(error)
        }
    }
}
