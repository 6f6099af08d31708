import Foundation

/// One statement's plan as `EXPLAIN (FORMAT JSON)` gives it, read for what the doctor asks:
/// its cost and rows, the tables it scans and how, the indexes it uses, the partitions it
/// reads, and whether it reads a large table's whole history.
public struct PlanAnalysis: Sendable, Equatable {
    /// One scan of a table in the plan.
    public struct Scan: Sendable, Equatable {
        /// `Seq Scan`, `Index Scan`, `Index Only Scan`, `Bitmap Heap Scan`, …
        public var nodeType: String
        public var relation: String
        /// The index read (for a bitmap scan, every index of its bitmap, joined by " + ").
        public var index: String?
        /// `Index Cond` (or a bitmap's `Recheck Cond`): the range the index is read over.
        public var condition: String?
        /// The planner's rows for this scan (per loop).
        public var estimatedRows: Double
        /// The table's `reltuples`; nil when unknown.
        public var tableRows: Double?
        /// The partitioned table, when this scans one of its partitions.
        public var partitionOf: String?
        /// The table is above the large-table threshold.
        public var isLarge: Bool
        /// The scan reads every row: a sequential scan, or an index scan with no condition
        /// that no `Limit` above it stops early.
        public var readsWholeTable: Bool

        public var isSequential: Bool { nodeType.hasSuffix("Seq Scan") }
        /// What the verdict and the warning say about the table: the partitioned table's name
        /// and the partition, or the table.
        public var tableLabel: String {
            partitionOf.map { "\($0) (partition \(relation))" } ?? relation
        }
    }

    /// Partitions of one partitioned table that the plan reads.
    public struct PartitionRead: Sendable, Equatable {
        public var table: String
        /// The partitions scanned, in plan order.
        public var scanned: [String]
        /// Leaf partitions of the table; nil when the catalog does not say.
        public var total: Int?
        /// `Subplans Removed`: partitions pruned when the statement started (run-time pruning).
        public var removedAtRunTime: Int

        /// Partitions the plan does not read: pruned when planning, or when starting.
        public var pruned: Int? {
            total.map { max(0, $0 - scanned.count) }
        }
    }

    public var totalCost: Double
    public var estimatedRows: Double
    /// With ANALYZE: the rows the statement returned.
    public var actualRows: Double?
    /// With ANALYZE: planning plus execution time.
    public var actualMilliseconds: Double?
    /// With ANALYZE and BUFFERS: shared blocks found in the cache and read.
    public var sharedHitBlocks: Int?
    public var sharedReadBlocks: Int?
    public var scans: [Scan]
    public var partitions: [PartitionRead]
    /// Sequential scans of large tables that PostgreSQL chose over an index it could read:
    /// most of the table's rows qualify, so its history is not the reason (see `IndexAlternative`).
    public var indexAlternatives: [IndexAlternative] = []

    /// The same statement with sequential scans disabled reads `relation` through `index`, at
    /// `cost` (the chosen plan's is lower): the sequential scan is PostgreSQL's informed choice,
    /// and it switches to the index when a long history makes the index cheaper.
    public struct IndexAlternative: Sendable, Equatable {
        public var relation: String
        public var index: String
        /// The total cost of the plan through the index; nil when that plan still needed a
        /// disabled sequential scan elsewhere, so its cost says nothing.
        public var cost: Double?

        public init(relation: String, index: String, cost: Double?) {
            self.relation = relation
            self.index = index
            self.cost = cost
        }
    }

    /// The indexes read, in plan order, each once.
    public var indexesUsed: [String] {
        var seen: [String] = []
        for scan in scans {
            for name in scan.index.map({ $0.components(separatedBy: " + ") }) ?? [] where !seen.contains(name) {
                seen.append(name)
            }
        }
        return seen
    }

    /// The tables read by sequential scan, each once.
    public var sequentialScans: [Scan] {
        var seen: Set<String> = []
        return scans.filter { $0.isSequential && seen.insert($0.relation).inserted }
    }

    /// The scans that read a large table's whole history: the plan's warning. A sequential
    /// scan chosen over a usable index (`indexAlternatives`) is not one.
    public var wholeHistoryReads: [Scan] {
        var seen: Set<String> = []
        let chosen = Set(indexAlternatives.map(\.relation))
        return scans.filter {
            $0.isLarge && $0.readsWholeTable && !($0.isSequential && chosen.contains($0.relation)) && seen.insert($0.relation).inserted
        }
    }

    /// The large tables read whole by sequential scan: those the doctor asks PostgreSQL about
    /// with sequential scans disabled.
    public var largeSequentialReads: [Scan] {
        var seen: Set<String> = []
        return scans.filter { $0.isLarge && $0.isSequential && seen.insert($0.relation).inserted }
    }

    /// Records the index each large sequential read could have used, from the plan of the same
    /// statement with sequential scans disabled (`alternative`).
    public mutating func compare(withIndexPlan alternative: PlanAnalysis) {
        // The planner adds 1e10 to a disabled node it still had to use.
        let cost: Double? = alternative.totalCost < 1e9 ? alternative.totalCost : nil
        indexAlternatives = largeSequentialReads.compactMap { scan in
            alternative.scans.first { $0.relation == scan.relation && $0.index != nil && !$0.readsWholeTable }
                .map { IndexAlternative(relation: scan.relation, index: $0.index ?? "", cost: cost) }
        }
    }

    /// The tables the plan reads (a partition counts as its partitioned table).
    public var tablesRead: Set<String> {
        Set(scans.map { $0.partitionOf ?? $0.relation })
    }

    /// One sentence: how each table is read.
    public var verdict: String {
        if scans.isEmpty { return "reads no table" }
        var clauses: [String] = []
        var done: Set<String> = []
        for scan in scans {
            let table = scan.partitionOf ?? scan.relation
            let group = scans.filter { ($0.partitionOf ?? $0.relation) == table && $0.index == scan.index && $0.isSequential == scan.isSequential }
            let key = "\(table)|\(scan.index ?? "")|\(scan.isSequential)"
            guard done.insert(key).inserted else { continue }
            let rows = group.reduce(0) { $0 + $1.estimatedRows }
            let tableRows: Double? = scan.partitionOf == nil ? scan.tableRows : nil
            let times = group.count > 1 ? " (\(group.count) scans)" : ""
            let partitionNote = partitions.first { $0.table == table }.map { partitionPhrase($0) } ?? ""
            if let index = scan.index {
                if group.contains(where: { $0.readsWholeTable }) {
                    let size = tableRows.map { " (≈ \(Self.rows($0)) rows)" } ?? ""
                    clauses.append("reads all of \(table)\(size) through \(index), with no condition on its first column\(partitionNote)\(times)")
                } else {
                    let columns = group.compactMap(\.condition).flatMap(Self.columns(in:))
                    let on = Self.unique(columns).isEmpty ? "" : " on \(Self.unique(columns).joined(separator: ", "))"
                    let share = tableRows.map { "≈ \(Self.rows(rows)) of \(Self.rows($0)) rows" } ?? "≈ \(Self.rows(rows)) rows"
                    clauses.append("reads \(share) of \(table) through \(index)\(on)\(partitionNote)\(times)")
                }
            } else if scan.isSequential {
                let large = group.contains { $0.isLarge }
                let size = (tableRows ?? group.compactMap(\.tableRows).max()).map { " (≈ \(Self.rows($0)) rows)" } ?? ""
                if large, let alternative = indexAlternatives.first(where: { $0.relation == scan.relation }) {
                    let costs = alternative.cost.map { String(format: " (cost %.0f against %.0f)", totalCost, $0) } ?? ""
                    clauses.append(
                        "reads all of \(table)\(size) by sequential scan, cheaper here than through \(alternative.index)\(costs): most of its rows qualify\(partitionNote)\(times)"
                    )
                } else {
                    clauses.append(
                        large
                            ? "reads all of \(table)\(size) by sequential scan\(partitionNote)\(times)"
                            : "reads small \(table)\(size) by sequential scan\(partitionNote)\(times)")
                }
            } else {
                clauses.append("reads \(table) by \(scan.nodeType.lowercased())\(partitionNote)\(times)")
            }
        }
        return clauses.joined(separator: "; ")
    }

    func partitionPhrase(_ read: PartitionRead) -> String {
        let of = read.total.map { " of \($0)" } ?? ""
        let noun = read.scanned.count == 1 && read.total == nil ? "partition" : "partitions"
        var text = ", \(read.scanned.count)\(of) \(noun)"
        if read.removedAtRunTime > 0 { text += " (\(read.removedAtRunTime) pruned at start)" }
        return text
    }

    /// `≈ 12,345` rows written short: 980, 12 k, 1.2 M.
    static func rows(_ value: Double) -> String {
        let value = max(0, value.rounded())
        switch value {
        case ..<10_000: return String(Int(value))
        case ..<1_000_000: return "\(Int((value / 1000).rounded())) k"
        default: return String(format: "%.1f M", value / 1_000_000)
        }
    }

    /// Column names compared in a condition such as `((created_at >= $1) AND (created_at < $2))`.
    static func columns(in condition: String) -> [String] {
        let pattern = #"\(*"?([A-Za-z_][A-Za-z0-9_$]*)"?\)*\s*(?:>=|<=|<>|!=|=|<|>|~~|IS\s|BETWEEN\s)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(condition.startIndex..., in: condition)
        let keywords: Set<String> = ["AND", "OR", "NOT", "ANY", "ALL", "NULL", "TRUE", "FALSE"]
        return regex.matches(in: condition, range: range).compactMap { match in
            Range(match.range(at: 1), in: condition).map { String(condition[$0]) }
        }.filter { !keywords.contains($0.uppercased()) }
    }

    static func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }
}

extension PlanAnalysis {
    /// Errors in EXPLAIN output that does not have the shape PostgreSQL gives.
    public struct MalformedPlan: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads the text of `EXPLAIN (FORMAT JSON)` (with or without ANALYZE and BUFFERS).
    /// - Throws: `MalformedPlan` when the text is not a plan.
    public init(json text: String, catalog: PlanCatalog) throws {
        guard let data = text.data(using: .utf8),
            let top = try? JSONSerialization.jsonObject(with: data),
            let entries = top as? [Any], let entry = entries.first as? [String: Any],
            let plan = entry["Plan"] as? [String: Any]
        else {
            throw MalformedPlan(description: "EXPLAIN returned no plan")
        }
        totalCost = Self.double(plan["Total Cost"]) ?? 0
        estimatedRows = Self.double(plan["Plan Rows"]) ?? 0
        if let actual = Self.double(plan["Actual Rows"]) {
            actualRows = actual * (Self.double(plan["Actual Loops"]) ?? 1)
        }
        if let execution = Self.double(entry["Execution Time"]) {
            // EXPLAIN prints both to the microsecond: so is their sum.
            actualMilliseconds = ((execution + (Self.double(entry["Planning Time"]) ?? 0)) * 1000).rounded() / 1000
        }
        sharedHitBlocks = Self.double(plan["Shared Hit Blocks"]).map { Int($0) }
        sharedReadBlocks = Self.double(plan["Shared Read Blocks"]).map { Int($0) }
        scans = []
        partitions = []
        var runTimeRemoved: [String: Int] = [:]
        walk(plan, catalog: catalog, underLimit: false, runTimeRemoved: &runTimeRemoved)

        var order: [String] = []
        var scanned: [String: [String]] = [:]
        for scan in scans {
            guard let parent = scan.partitionOf else { continue }
            if scanned[parent] == nil { order.append(parent) }
            if !(scanned[parent] ?? []).contains(scan.relation) { scanned[parent, default: []].append(scan.relation) }
        }
        partitions = order.map { parent in
            PartitionRead(
                table: parent, scanned: scanned[parent] ?? [], total: catalog.partitionCounts[parent],
                removedAtRunTime: runTimeRemoved[parent] ?? 0)
        }
    }

    private mutating func walk(
        _ node: [String: Any], catalog: PlanCatalog, underLimit: Bool,
        runTimeRemoved: inout [String: Int]
    ) {
        let type = node["Node Type"] as? String ?? ""
        let children = node["Plans"] as? [[String: Any]] ?? []
        if let relation = node["Relation Name"] as? String, type != "ModifyTable" {
            let facts = catalog.relations[relation]
            var index = node["Index Name"] as? String
            var condition = node["Index Cond"] as? String
            if type == "Bitmap Heap Scan" {
                let names = Self.bitmapIndexes(children)
                index = names.isEmpty ? nil : names.joined(separator: " + ")
                condition = node["Recheck Cond"] as? String ?? Self.bitmapConditions(children).first
            }
            let rows = Self.double(node["Plan Rows"]) ?? 0
            // Unknown statistics: the planner's own rows for a scan that reads everything.
            let tableRows = facts?.rows
            let sizeForLargeness = tableRows ?? (type.hasSuffix("Seq Scan") ? rows : 0)
            let isLarge = sizeForLargeness > catalog.largeTableRows
            // An index read with no condition on its first column walks all of it (PostgreSQL
            // 15 has no skip scan), unless a Limit above stops it early.
            let leading = index.flatMap { catalog.leadingColumns[$0] }
            let boundsLeading = condition.map { text in leading.map { Self.columns(in: text).contains($0) } ?? true } ?? false
            let whole = type.hasSuffix("Seq Scan") || (index != nil && !boundsLeading && !underLimit)
            scans.append(
                Scan(
                    nodeType: type, relation: relation, index: index, condition: condition,
                    estimatedRows: rows, tableRows: tableRows, partitionOf: facts?.partitionOf,
                    isLarge: isLarge, readsWholeTable: whole))
        }
        if let removed = node["Subplans Removed"] as? Int ?? Self.double(node["Subplans Removed"]).map({ Int($0) }), removed > 0 {
            // Count them for the partitioned table the Append's children belong to.
            let parents = Self.scannedRelations(children).compactMap { catalog.relations[$0]?.partitionOf }
            if let parent = parents.first { runTimeRemoved[parent, default: 0] += removed }
        }
        // Bitmap Index Scans were folded into their heap scan above.
        let limited = underLimit || type == "Limit"
        for child in children
        where child["Node Type"] as? String != "Bitmap Index Scan" && child["Node Type"] as? String != "BitmapAnd"
            && child["Node Type"] as? String != "BitmapOr"
        {
            walk(child, catalog: catalog, underLimit: limited, runTimeRemoved: &runTimeRemoved)
        }
    }

    private static func bitmapIndexes(_ nodes: [[String: Any]]) -> [String] {
        nodes.flatMap { node -> [String] in
            if let name = node["Index Name"] as? String, node["Node Type"] as? String == "Bitmap Index Scan" { return [name] }
            return bitmapIndexes(node["Plans"] as? [[String: Any]] ?? [])
        }
    }

    private static func bitmapConditions(_ nodes: [[String: Any]]) -> [String] {
        nodes.flatMap { node -> [String] in
            if let condition = node["Index Cond"] as? String { return [condition] }
            return bitmapConditions(node["Plans"] as? [[String: Any]] ?? [])
        }
    }

    private static func scannedRelations(_ nodes: [[String: Any]]) -> [String] {
        nodes.flatMap { node -> [String] in
            (node["Relation Name"] as? String).map { [$0] } ?? scannedRelations(node["Plans"] as? [[String: Any]] ?? [])
        }
    }

    static func double(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let number as Double: number
        case let number as Int: Double(number)
        default: nil
        }
    }
}
