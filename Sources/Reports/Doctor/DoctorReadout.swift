import Database
import Foundation

/// What `db doctor` found, read in one snapshot: each report statement's plan, the expected
/// indexes, unused and duplicate indexes, slow statements, the index-scan ratio, the tables'
/// sizes and statistics, and what a missing index would change. `checks` sums it up.
public struct DoctorReadout: Sendable {
    public var period: ReportPeriod
    /// EXPLAIN ran with ANALYZE and BUFFERS: plans carry actual rows and times.
    public var analyzes: Bool
    /// `server_version_num`, e.g. 150018.
    public var serverVersion: Int
    /// Every statement of every report given, in order (skipped ones included, with why).
    public var statements: [StatementPlan]
    public var expectedIndexes: [ExpectedIndex]
    public var unusedIndexes: [UnusedIndex]
    public var duplicateIndexes: [DuplicateIndexes]
    /// When the database's statistics were last reset (`pg_stat_database.stats_reset`); nil: never.
    public var statisticsResetAt: Date?
    public var slowStatements: SlowStatements
    public var scanRatio: IndexScanRatio
    public var tables: [TableHealth]
    public var hypotheticalIndexes: HypotheticalIndexes
    /// Every check with its status, failures first.
    public var checks: [DoctorCheck]

    public init(
        period: ReportPeriod, analyzes: Bool, serverVersion: Int, statements: [StatementPlan],
        expectedIndexes: [ExpectedIndex], unusedIndexes: [UnusedIndex], duplicateIndexes: [DuplicateIndexes],
        statisticsResetAt: Date?, slowStatements: SlowStatements, scanRatio: IndexScanRatio,
        tables: [TableHealth], hypotheticalIndexes: HypotheticalIndexes
    ) {
        self.period = period
        self.analyzes = analyzes
        self.serverVersion = serverVersion
        self.statements = statements
        self.expectedIndexes = expectedIndexes
        self.unusedIndexes = unusedIndexes
        self.duplicateIndexes = duplicateIndexes
        self.statisticsResetAt = statisticsResetAt
        self.slowStatements = slowStatements
        self.scanRatio = scanRatio
        self.tables = tables
        self.hypotheticalIndexes = hypotheticalIndexes
        checks = []
        checks = DoctorChecks.make(self)
    }

    /// No failing check (warnings allowed).
    public var isHealthy: Bool { !checks.contains { $0.status == .failing } }

    /// The worst status of any check.
    public var status: DoctorCheck.Status { checks.map(\.status).max() ?? .ok }

    public var failures: [DoctorCheck] { checks.filter { $0.status == .failing } }
    public var warnings: [DoctorCheck] { checks.filter { $0.status == .warning } }
    /// The checks that could not run here, named in lower case ("slow statements").
    public var notChecked: [String] { checks.filter { $0.status == .notChecked }.map { $0.title.lowercased() } }

    /// The PostgreSQL major version (15 for 150018).
    public var serverMajorVersion: Int { serverVersion / 10_000 }
}

/// One finding and how bad it is.
public struct DoctorCheck: Sendable, Equatable {
    public enum Status: Int, Sendable, Comparable, CustomStringConvertible {
        /// What could not be checked here (an extension the database does not have).
        case notChecked
        case ok, warning, failing
        public static func < (a: Status, b: Status) -> Bool { a.rawValue < b.rawValue }
        public var description: String {
            switch self {
            case .notChecked: "not checked"
            case .ok: "ok"
            case .warning: "warning"
            case .failing: "failing"
            }
        }
    }

    public enum Area: String, Sendable {
        case statements, indexes
        case slowStatements = "slow-statements"
        case scanRatio = "index-scan-ratio"
        case tables
    }

    public var area: Area
    public var status: Status
    /// A short name: "Index viral_metrics_created_at_idx", "Unused indexes".
    public var title: String
    /// What was found, in a sentence or two.
    public var detail: String
    /// What to run or change, when there is something (a CREATE INDEX statement).
    public var fix: String?

    public init(_ area: Area, _ status: Status, title: String, detail: String, fix: String? = nil) {
        self.area = area
        self.status = status
        self.title = title
        self.detail = detail
        self.fix = fix
    }
}

/// One report statement and what EXPLAIN said of it.
public struct StatementPlan: Sendable {
    public enum Outcome: Sendable {
        case explained(PlanAnalysis)
        /// Not a SELECT or WITH (begin, commit): not explained.
        case skipped(String)
        /// EXPLAIN failed: the server's message and SQLSTATE.
        case failed(message: String, sqlState: String?)
    }

    public var report: String
    public var name: String
    public var outcome: Outcome

    public init(report: String, name: String, outcome: Outcome) {
        self.report = report
        self.name = name
        self.outcome = outcome
    }

    public var analysis: PlanAnalysis? {
        if case .explained(let analysis) = outcome { return analysis }
        return nil
    }

    /// The sentence shown beside the statement.
    public var verdict: String {
        switch outcome {
        case .explained(let analysis): analysis.verdict
        case .skipped(let reason): reason
        case .failed(let message, let sqlState): "could not be explained (SQLSTATE \(sqlState ?? "none")): \(message)"
        }
    }

    public var status: DoctorCheck.Status {
        switch outcome {
        case .explained(let analysis): analysis.wholeHistoryReads.isEmpty ? .ok : .warning
        case .skipped: .ok
        case .failed: .failing
        }
    }
}

/// One index of `Schema.indexes` as found in the database.
public struct ExpectedIndex: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case present
        case missing
        /// `indisvalid` false: a failed `CREATE INDEX CONCURRENTLY`; the planner ignores it.
        case invalid
        /// `indisready` false: still being built, or a failed build.
        case notReady
        /// Its table does not exist.
        case tableMissing
    }

    public var name: String
    public var table: String
    public var columns: String
    public var reason: String
    public var state: State
    /// `pg_stat_user_indexes.idx_scan`, when present.
    public var scans: Int?
    /// `pg_relation_size`, when present.
    public var bytes: Int?
    /// `CREATE INDEX CONCURRENTLY IF NOT EXISTS …`, with the query it serves above it.
    public var createStatement: String

    public init(
        name: String, table: String, columns: String, reason: String, state: State, scans: Int?, bytes: Int?,
        createStatement: String
    ) {
        self.name = name
        self.table = table
        self.columns = columns
        self.reason = reason
        self.state = state
        self.scans = scans
        self.bytes = bytes
        self.createStatement = createStatement
    }

    public var isUsable: Bool { state == .present }

    public var stateText: String {
        switch state {
        case .present: "present"
        case .missing: "missing"
        case .invalid: "invalid"
        case .notReady: "not ready"
        case .tableMissing: "table missing"
        }
    }
}

/// An index never scanned since the statistics were reset.
public struct UnusedIndex: Sendable, Equatable {
    public var name: String
    public var table: String
    public var bytes: Int
    /// One of the indexes the reports expect.
    public var isExpected: Bool

    public init(name: String, table: String, bytes: Int, isExpected: Bool) {
        self.name = name
        self.table = table
        self.bytes = bytes
        self.isExpected = isExpected
    }
}

/// Indexes of one table with the same key columns, operator classes, expressions and predicate.
public struct DuplicateIndexes: Sendable, Equatable {
    public var table: String
    /// The indexes, those backing a constraint (primary key, unique) first.
    public var indexes: [String]
    /// `pg_get_indexdef` of the first.
    public var definition: String
    /// The ones that back no constraint and could go (the first kept when none does).
    public var droppable: [String]

    public init(table: String, indexes: [String], definition: String, droppable: [String]) {
        self.table = table
        self.indexes = indexes
        self.definition = definition
        self.droppable = droppable
    }
}

/// `pg_stat_statements`, when it can be read.
public enum SlowStatements: Sendable {
    /// The extension's view: statements of this database, those slower than the threshold on
    /// average and the top 10 by total time.
    case available([SlowStatement])
    /// No `pg_stat_statements` extension in this database.
    case notInstalled
    /// The extension exists but its library is not loaded (SQLSTATE 55000), or the view failed.
    case notLoaded(String)

    /// The view could be read (it may list nothing).
    public var isReadable: Bool {
        if case .available = self { true } else { false }
    }

    public var statements: [SlowStatement] {
        if case .available(let statements) = self { return statements }
        return []
    }
}

/// One normalised statement of `pg_stat_statements`.
public struct SlowStatement: Sendable, Equatable {
    public var query: String
    public var calls: Int
    public var meanMilliseconds: Double
    public var totalMilliseconds: Double
    public var rows: Int
    /// Mean time above the seed plan's threshold.
    public var isSlow: Bool
    /// Among the 10 with the most total time.
    public var isTopByTotal: Bool

    public init(
        query: String, calls: Int, meanMilliseconds: Double, totalMilliseconds: Double, rows: Int,
        isSlow: Bool, isTopByTotal: Bool
    ) {
        self.query = query
        self.calls = calls
        self.meanMilliseconds = meanMilliseconds
        self.totalMilliseconds = totalMilliseconds
        self.rows = rows
        self.isSlow = isSlow
        self.isTopByTotal = isTopByTotal
    }
}

/// Index scans against all scans over the tool's tables (`pg_stat_user_tables`).
public struct IndexScanRatio: Sendable, Equatable {
    public var indexScans: Int
    public var sequentialScans: Int

    public init(indexScans: Int, sequentialScans: Int) {
        self.indexScans = indexScans
        self.sequentialScans = sequentialScans
    }

    /// nil when no scan has been counted yet.
    public var ratio: Double? {
        let total = indexScans + sequentialScans
        return total > 0 ? Double(indexScans) / Double(total) : nil
    }
}

/// One of the tool's tables: size, rows, dead rows, maintenance and scans.
public struct TableHealth: Sendable, Equatable {
    public var name: String
    public var exists: Bool
    public var isPartitioned: Bool
    /// Leaf partitions, for a partitioned table.
    public var partitions: Int
    /// `reltuples` (summed over partitions); nil when never vacuumed or analyzed.
    public var estimatedRows: Double?
    /// `pg_total_relation_size`: table, indexes and TOAST (summed over partitions).
    public var totalBytes: Int
    public var indexBytes: Int
    public var liveRows: Int
    public var deadRows: Int
    public var modifiedSinceAnalyze: Int
    public var lastVacuum: Date?
    public var lastAutovacuum: Date?
    public var lastAnalyze: Date?
    public var lastAutoanalyze: Date?
    public var sequentialScans: Int
    public var indexScans: Int

    public init(
        name: String, exists: Bool, isPartitioned: Bool = false, partitions: Int = 0, estimatedRows: Double? = nil,
        totalBytes: Int = 0, indexBytes: Int = 0, liveRows: Int = 0, deadRows: Int = 0, modifiedSinceAnalyze: Int = 0,
        lastVacuum: Date? = nil, lastAutovacuum: Date? = nil, lastAnalyze: Date? = nil, lastAutoanalyze: Date? = nil,
        sequentialScans: Int = 0, indexScans: Int = 0
    ) {
        self.name = name
        self.exists = exists
        self.isPartitioned = isPartitioned
        self.partitions = partitions
        self.estimatedRows = estimatedRows
        self.totalBytes = totalBytes
        self.indexBytes = indexBytes
        self.liveRows = liveRows
        self.deadRows = deadRows
        self.modifiedSinceAnalyze = modifiedSinceAnalyze
        self.lastVacuum = lastVacuum
        self.lastAutovacuum = lastAutovacuum
        self.lastAnalyze = lastAnalyze
        self.lastAutoanalyze = lastAutoanalyze
        self.sequentialScans = sequentialScans
        self.indexScans = indexScans
    }

    /// The last ANALYZE of either kind.
    public var lastAnalyzed: Date? { [lastAnalyze, lastAutoanalyze].compactMap { $0 }.max() }

    /// Rows as far as anything knows: the estimate, else the live rows counted.
    public var knownRows: Double { max(estimatedRows ?? 0, Double(liveRows)) }

    /// The planner's statistics lag behind the table: many rows changed since the last ANALYZE
    /// (over 10 % of the rows and over 1,000), or rows and no ANALYZE ever.
    public var hasStaleStatistics: Bool {
        guard exists else { return false }
        if lastAnalyzed == nil { return liveRows > 0 || modifiedSinceAnalyze > 0 || (estimatedRows ?? 0) > 0 }
        return Double(modifiedSinceAnalyze) > 0.1 * knownRows && modifiedSinceAnalyze > 1000
    }
}

/// What each missing expected index would change, tried with hypopg.
public enum HypotheticalIndexes: Sendable {
    /// hypopg is in the database: each missing index tried on the statements over its table.
    case checked([HypotheticalIndex])
    /// hypopg is not in this database: the recommendation stands alone. Its package may be on
    /// the server already (then `CREATE EXTENSION hypopg` adds it).
    case unavailable(packageInstalled: Bool)

    /// How to make hypopg available to the doctor, in one line.
    static func setup(packageInstalled: Bool, serverMajorVersion: Int) -> String {
        packageInstalled
            ? "CREATE EXTENSION hypopg;"
            : "apt-get install postgresql-\(serverMajorVersion)-hypopg, then CREATE EXTENSION hypopg;"
    }
    /// hypopg is installed but failed.
    case failed(String)
}

/// One missing index tried as a hypothetical one, against one statement.
public struct HypotheticalIndex: Sendable, Equatable {
    public var index: String
    public var report: String
    public var statement: String
    public var costBefore: Double
    public var costAfter: Double
    /// The plan with the hypothetical index reads it.
    public var usesIndex: Bool

    public init(index: String, report: String, statement: String, costBefore: Double, costAfter: Double, usesIndex: Bool) {
        self.index = index
        self.report = report
        self.statement = statement
        self.costBefore = costBefore
        self.costAfter = costAfter
        self.usesIndex = usesIndex
    }

    /// After against before: -0.9 is 90 % cheaper.
    public var change: Double? { costBefore > 0 ? costAfter / costBefore - 1 : nil }
}
