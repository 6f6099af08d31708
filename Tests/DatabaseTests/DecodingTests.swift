import Database
import Foundation
import TestSupport
import Testing

/// Values decode exactly into Swift types, or fail with an error naming the column.
@Suite struct DecodingTests {
    @Test func sumOfOneMillionCentsIsExact() throws {
        let (connection, _) = try TestDatabase.connect("cents")
        try connection.executeScript(named: "table", "CREATE TABLE amounts (cents numeric(12,2) NOT NULL)")
        try connection.copyIn(named: "load", table: "amounts", columns: ["cents"]) { writer in
            let chunk = Array(String(repeating: "0.01\n", count: 100_000).utf8)
            for _ in 0..<10 { try writer.send(chunk) }
        }
        // In SQL…
        let total = try connection.query(named: "sum", "SELECT sum(cents) AS total FROM amounts")[0].decimal("total")
        #expect(total == Decimal(10_000))
        // …and streamed into Swift one row at a time, summed as Decimal.
        var streamed = Decimal(0)
        var count = 0
        try connection.forEachRow(named: "stream", "SELECT cents FROM amounts") { row in
            streamed += try row.decimal("cents")
            count += 1
        }
        #expect(count == 1_000_000)
        #expect(streamed == Decimal(10_000))
        // Double would not be exact: this is why money never goes through it.
        #expect((0..<1_000_000).reduce(0.0) { sum, _ in sum + 0.01 } != 10_000)
    }

    @Test(arguments: [
        ("UTC", "2026-11-16 10:00:00.25+00"), ("Asia/Kolkata", "2026-11-16 15:30:00.25+05:30"),
        ("America/St_Johns", "2026-11-16 06:30:00.25-03:30"),
    ])
    func timestampsDecodeInAnySessionZone(_ zone: String, _ expectedText: String) throws {
        let conninfo = try TestDatabase.create("zone")
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, timeZone: zone))
        let row = try connection.query(
            named: "ts", "SELECT '2026-11-16 10:00:00.25+00'::timestamptz AS t, ('2026-11-16 10:00:00.25+00'::timestamptz)::text AS shown")[0]
        #expect(try row.string("shown") == expectedText)
        #expect(try row.timestamp("t") == Date(timeIntervalSince1970: 1_794_823_200.25))
    }

    @Test func historicalOffsetWithSecondsDecodes() throws {
        let conninfo = try TestDatabase.create("lmt")
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, timeZone: "Europe/Amsterdam"))
        let row = try connection.query(
            named: "lmt", "SELECT '1900-01-01 00:00:00+00'::timestamptz AS t, ('1900-01-01 00:00:00+00'::timestamptz)::text AS shown")[0]
        #expect(try row.string("shown").hasSuffix("+00:19:32"))
        #expect(try row.timestamp("t") == Date(timeIntervalSince1970: -2_208_988_800))
    }

    @Test func numericThatDoesNotFitNamesTheColumn() throws {
        let (connection, _) = try TestDatabase.connect("wide")
        let row = try connection.query(
            named: "wide", "SELECT (10::numeric ^ 45) AS huge, 'NaN'::numeric AS nan, 'infinity'::timestamptz AS forever, 'abc'::text AS word")[0]
        for column in ["huge", "nan"] {
            #expect {
                _ = try row.decimal(column)
            } throws: { error in
                let error = error as? DatabaseError
                return error?.code == .decodingFailed && error?.statement == "wide" && error!.message.contains("'\(column)'")
            }
        }
        #expect(throws: DatabaseError.self) { _ = try row.timestamp("forever") }
        #expect(throws: DatabaseError.self) { _ = try row.int("word") }
        #expect(throws: DatabaseError.self) { _ = try row.string("no_such_column") }
    }

    @Test func nullWhereAValueIsRequiredIsAnError() throws {
        let (connection, _) = try TestDatabase.connect("null")
        let row = try connection.query(named: "null", "SELECT NULL::integer AS n")[0]
        #expect(try row.decodeIfPresent("n", as: Int.self) == nil)
        #expect { _ = try row.int("n") } throws: { "\($0)".contains("'n' is NULL") }
    }

    @Test func jsonbReadsAsItsText() throws {
        let (connection, _) = try TestDatabase.connect("json")
        let row = try connection.query(named: "json", #"SELECT '{"impressions": 120, "clicks": "9", "u": "\u00e9🎉"}'::jsonb AS j"#)[0]
        #expect(try row.string("j") == #"{"u": "é🎉", "clicks": "9", "impressions": 120}"#)
    }

    @Test func serverTimesComeFromTheJSONPlan() throws {
        let (connection, _) = try TestDatabase.connect("plan")
        connection.measuresServerTime = true
        _ = try connection.query(named: "series", "SELECT count(*) AS n FROM generate_series(1, 1000)")
        let times = connection.serverTimes
        #expect(times.map(\.name) == ["series"])
        #expect(times.allSatisfy { $0.milliseconds > 0 && $0.milliseconds.isFinite })
    }

    @Test func calendarArithmetic() {
        #expect(CalendarDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CalendarDate(year: 2026, month: 11, day: 22)!.isoWeekday == 7)
        #expect(CalendarDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CalendarDate("2000-02-29")!.adding(days: 1).description == "2000-03-01")
        for days in stride(from: -800_000, to: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }
}
