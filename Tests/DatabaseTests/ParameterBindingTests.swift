import Database
import Foundation
import TestSupport
import Testing

/// Every value travels as a `$n` parameter and comes back byte for byte.
@Suite struct ParameterBindingTests {
    static let awkward: [String] = [
        "O'Brien", "\"double\"", "back\\slash", "\\\\server\\share", "$1", "$$ dollar $$", "'; DROP TABLE viral_metrics; --",
        "Robert'); DROP TABLE students;--", "emoji 🎉👩‍👩‍👧 ✓", "tab\there", "line\nbreak\r\n", "=SUM(A1)", "",
        "日本語のテキスト", "\u{FEFF}bom", String(repeating: "x", count: 1 << 20),
    ]

    @Test(arguments: awkward)
    func textRoundTrips(_ value: String) throws {
        let (connection, _) = try TestDatabase.connect("bind")
        let rows = try connection.query(
            named: "echo", "SELECT $1::text AS value, length($1::text) AS characters",
            parameters: [.text(value)])
        #expect(try rows[0].string("value") == value)
        #expect(try rows[0].int("characters") == value.unicodeScalars.count)
    }

    @Test func injectionTextIsStoredNotRun() throws {
        let (connection, _) = try TestDatabase.migrated("inject")
        let attack = "x'); DROP TABLE partner_costs; --"
        try connection.execute(
            named: "insert",
            """
            INSERT INTO partner_costs (partner_name, analytics_period, cost) VALUES ($1, $2, $3)
            """, parameters: [.text(attack), .date(CalendarDate(year: 2026, month: 11, day: 16)!), .decimal(Decimal(string: "12.50")!)])
        let rows = try connection.query(named: "read", "SELECT partner_name, cost FROM partner_costs")
        #expect(try rows[0].string("partner_name") == attack)
        #expect(try rows[0].decimal("cost") == Decimal(string: "12.5")!)
    }

    @Test func typedParametersRoundTrip() throws {
        let (connection, _) = try TestDatabase.connect("typed")
        let id = UUID()
        let instant = Date(timeIntervalSince1970: 1_794_823_200.123456)
        let rows = try connection.query(
            named: "typed",
            """
            SELECT $1::bigint AS i, $2::numeric AS n, $3::date AS d, $4::timestamptz AS t, $5::uuid AS u,
                   $6::jsonb AS j, $7::boolean AS b, $8::text AS missing, $9::text[] AS list
            """,
            parameters: [
                .int(Int.min), .decimal(Decimal(string: "-12345678901234567890.12")!),
                .date(CalendarDate(year: 2024, month: 2, day: 29)!), .timestamp(instant), .uuid(id),
                .jsonb(#"{"a": [1, "two", null]}"#), .bool(true), .null, .textArray(["a\"b", "c\\d", ""]),
            ])
        let row = rows[0]
        #expect(try row.int("i") == Int.min)
        #expect(try row.decimal("n") == Decimal(string: "-12345678901234567890.12")!)
        #expect(try row.date("d") == CalendarDate(year: 2024, month: 2, day: 29)!)
        #expect(abs(try row.timestamp("t").timeIntervalSince(instant)) < 1e-6)
        #expect(try row.decode("u", as: UUID.self) == id)
        #expect(try row.string("j") == #"{"a": [1, "two", null]}"#)
        #expect(try row.decode("b", as: Bool.self) == true)
        #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
        #expect(try row.string("list") == #"{"a\"b","c\\d",""}"#)
    }

    @Test func nulByteIsRejectedBeforeSending() throws {
        let (connection, _) = try TestDatabase.connect("nul")
        #expect {
            try connection.query(named: "nul", "SELECT $1::text AS value", parameters: [.text("a\u{0}b")])
        } throws: { error in
            (error as? DatabaseError)?.code == .invalidParameter && "\(error)".contains("NUL")
        }
    }
}
