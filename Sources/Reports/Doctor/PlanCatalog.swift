/// What the planner's output is read against: each table's row estimate (`pg_class.reltuples`)
/// and, for partitions, the partitioned table they belong to.
public struct PlanCatalog: Sendable, Equatable {
    public struct Relation: Sendable, Equatable {
        /// `reltuples`; nil when the table was never vacuumed or analyzed (-1).
        public var rows: Double?
        /// The root of the partition tree, for a partition.
        public var partitionOf: String?

        public init(rows: Double?, partitionOf: String? = nil) {
            self.rows = rows
            self.partitionOf = partitionOf
        }
    }

    /// By table name (`Relation Name` in a plan, which carries no schema).
    public var relations: [String: Relation]
    /// Leaf partitions of each partitioned table.
    public var partitionCounts: [String: Int]
    /// The first key column of each index (none for an expression): an index read with no
    /// condition on it is read whole.
    public var leadingColumns: [String: String]
    /// A table above this many estimated rows is large: reading all of it is worth a warning.
    public var largeTableRows: Double

    /// The default threshold of a large table.
    public static let defaultLargeTableRows: Double = 10_000

    public init(
        relations: [String: Relation] = [:], partitionCounts: [String: Int] = [:],
        leadingColumns: [String: String] = [:], largeTableRows: Double = PlanCatalog.defaultLargeTableRows
    ) {
        self.relations = relations
        self.partitionCounts = partitionCounts
        self.leadingColumns = leadingColumns
        self.largeTableRows = largeTableRows
    }
}
