import Digest
import Foundation

/// One step of the schema: either DDL run in the migration's transaction, or a set of indexes
/// built in it when their table is empty and with `CREATE INDEX CONCURRENTLY` when it is not.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String
    public var indexes: [IndexDefinition]

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.indexes = []
    }

    public init(version: Int, name: String, indexes: [IndexDefinition]) {
        self.version = version
        self.name = name
        self.sql = indexes.map { $0.createStatement(concurrently: false) }.joined(separator: "\n\n")
        self.indexes = indexes
    }

    /// Recorded with the migration, so that a changed definition is noticed.
    public var checksum: String { SHA256.hex(of: Array(sql.utf8)) }
}
