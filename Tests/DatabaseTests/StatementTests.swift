import Database
import Foundation
import TestSupport
import Testing

/// Statements as values: values interpolated into SQL number themselves in order, fragments
/// renumber where they stand, code text goes in as written, and each report's scope records
/// exactly what ran inside it.
@Suite struct StatementTests {
    @Test func valuesNumberThemselvesInOrder() {
        let start = Date(timeIntervalSince1970: 1_794_787_200)
        let statement = Statement(
            "range",
            """
            SELECT count(*) FROM viral_metrics WHERE created_at >= \(start) AND created_at < \(start) AND user_email = \("O'Brien")
            """)
        #expect(statement.sql == "SELECT count(*) FROM viral_metrics WHERE created_at >= $1 AND created_at < $2 AND user_email = $3")
        #expect(statement.parameters == [.timestamp(start), .timestamp(start), .text("O'Brien")])
    }

    @Test func fragmentsRenumberAndRawTextIsCode() {
        let branches = (1...3).map { index -> SQL in "SELECT \(raw: String(index)) AS i, \(index * 10) AS v" }
        let statement = Statement("union", "\(SQL(joining: branches, separator: " UNION ALL ")) ORDER BY \(raw: "i") LIMIT \(5)")
        #expect(statement.sql == "SELECT 1 AS i, $1 AS v UNION ALL SELECT 2 AS i, $2 AS v UNION ALL SELECT 3 AS i, $3 AS v ORDER BY i LIMIT $4")
        #expect(statement.parameters == [.int(10), .int(20), .int(30), .int(5)])
        let none: String? = nil
        #expect(Statement("null", "SELECT \(none)::text").parameters == [.null])
        #expect(Statement("plain", "SELECT 1").parameters.isEmpty)
    }

    @Test func textThatLooksLikeSQLIsBoundNotSpliced() throws {
        let (connection, _) = try TestDatabase.connect("statement")
        let attack = "x' OR '1'='1'; DROP TABLE pg_class; --"
        let rows = try connection.query(Statement("echo", "SELECT \(attack)::text AS value, \(42) + 1 AS answer"))
        #expect(try rows[0].string("value") == attack)
        #expect(try rows[0].int("answer") == 43)
    }

    @Test func aScopeRecordsWhatRanInsideItOnce() throws {
        let (connection, _) = try TestDatabase.connect("scope")
        try connection.query(Statement("before", "SELECT 1"))
        let (outer, outerStatements) = try connection.recordingStatements { () -> [RanStatement] in
            try connection.transaction(.snapshot) {
                try connection.query(Statement("first", "SELECT \(1)"))
                try connection.query(Statement("first", "SELECT \(2)")) // same SQL: recorded once
            }
            let (_, inner) = try connection.recordingStatements { try connection.query(Statement("second", "SELECT 2")) }
            return inner
        }
        #expect(outer.map(\.name) == ["second"])
        #expect(outerStatements.map(\.name) == ["begin", "first", "commit", "second"])
        #expect(outerStatements[1].sql == "SELECT $1")
        // A scope that throws leaves no scope open behind it.
        #expect(throws: DatabaseError.self) {
            _ = try connection.recordingStatements { try connection.query(Statement("broken", "SELECT * FROM no_such_table")) }
        }
        let (_, after) = try connection.recordingStatements { try connection.query(Statement("after", "SELECT 3")) }
        #expect(after.map(\.name) == ["after"])
    }
}
