import Database
import Foundation
import TestSupport
import Testing

@Suite struct TransactionAndStreamingTests {
    struct Boom: Error {}

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        let (connection, _) = try TestDatabase.connect("tx")
        try connection.executeScript(named: "table", "CREATE TABLE items (name text)")
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.execute(named: "insert", "INSERT INTO items VALUES ($1)", parameters: [.text("lost")])
                throw Boom()
            }
        }
        #expect(!connection.isInTransaction)
        try connection.transaction {
            try connection.execute(named: "insert", "INSERT INTO items VALUES ($1)", parameters: [.text("kept")])
        }
        #expect(try connection.query(named: "all", "SELECT name FROM items").map { try $0.string("name") } == ["kept"])
    }

    @Test func snapshotTransactionsAreReadOnly() throws {
        let (connection, _) = try TestDatabase.connect("snapshot")
        try connection.executeScript(named: "table", "CREATE TABLE items (name text)")
        #expect {
            try connection.transaction(.snapshot) {
                try connection.execute(named: "insert", "INSERT INTO items VALUES ($1)", parameters: [.text("x")])
            }
        } throws: { ($0 as? DatabaseError)?.sqlState == "25006" }
        let isolation = try connection.transaction(.snapshot) {
            try connection.query(named: "isolation", "SHOW transaction_isolation")[0].string("transaction_isolation")
        }
        #expect(isolation == "repeatable read")
    }

    @Test func copyRoundTripsEscapedText() throws {
        let (connection, _) = try TestDatabase.connect("copy")
        try connection.executeScript(named: "table", "CREATE TABLE notes (body text, amount numeric)")
        let loaded = try connection.copyIn(named: "load", table: "notes", columns: ["body", "amount"]) { writer in
            try writer.send(Array("tab\\there\\nnext\t1.50\n\\N\t\\N\nback\\\\slash 🎉\t-0.01\n".utf8))
        }
        #expect(loaded == 3)
        let rows = try connection.query(named: "read", "SELECT body, amount FROM notes ORDER BY amount NULLS LAST")
        #expect(try rows.map { try $0.decodeIfPresent("body", as: String.self) } == ["back\\slash 🎉", "tab\there\nnext", nil])
    }

    @Test func failedCopyLoadsNothing() throws {
        let (connection, _) = try TestDatabase.connect("copyfail")
        try connection.executeScript(named: "table", "CREATE TABLE notes (body text)")
        #expect(throws: Boom.self) {
            try connection.copyIn(named: "load", table: "notes", columns: ["body"]) { writer in
                try writer.send(Array("one\ntwo\n".utf8))
                throw Boom()
            }
        }
        #expect(try connection.query(named: "count", "SELECT count(*) AS n FROM notes")[0].int("n") == 0)
        // Bad data is the server's error, with its SQLSTATE.
        #expect {
            try connection.copyIn(named: "load_bad", table: "notes", columns: ["body"]) { writer in
                try writer.send(Array("a\tb\n".utf8))
            }
        } throws: { ($0 as? DatabaseError)?.sqlState == "22P04" }
        #expect(try connection.query(named: "usable", "SELECT 1 AS one")[0].int("one") == 1)
    }

    @Test func streamingStopsCleanlyWhenTheConsumerThrows() throws {
        let (connection, _) = try TestDatabase.connect("stream")
        var seen = 0
        #expect(throws: Boom.self) {
            try connection.forEachRow(named: "series", "SELECT g FROM generate_series(1, $1::int) AS g", parameters: [.int(5_000_000)]) { row in
                seen += 1
                if try row.int("g") == 1000 { throw Boom() }
            }
        }
        #expect(seen == 1000)
        #expect(try connection.query(named: "after", "SELECT 2 AS two")[0].int("two") == 2)
    }
}
