import Database
import Foundation
import Reports
import TestSupport
import Testing

/// `--week`, `--month` and `--from/--to` over thousands of random values (seeded): a period
/// whose start is before its end, whose label parses back to it and whose start is the first
/// instant of its first day in the zone (a Monday for weeks) — or the one-line usage error;
/// never a crash.
@Suite("Period parsing properties")
struct PeriodSelectionPropertyTests {
    /// Zones with half-hour and 45-minute offsets, offsets beyond ±12 h, midnight DST changes
    /// (Havana, Santiago, São Paulo until 2019) and a skipped day (Apia, 30 Dec 2011).
    static let zones = [
        "UTC", "Europe/Berlin", "America/Sao_Paulo", "America/Havana", "America/Santiago", "Pacific/Kiritimati",
        "Pacific/Pago_Pago", "Pacific/Apia", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns",
        "Australia/Lord_Howe", "Asia/Tehran", "Africa/Casablanca",
    ]
    static let asOf = Date(timeIntervalSince1970: 1_795_420_800)

    func resolve(week: String? = nil, month: String? = nil, from: String? = nil, to: String? = nil, zone: String) throws -> ReportPeriod {
        try PeriodSelection(week: week, month: month, from: from, to: to, timeZone: zone, asOf: Self.asOf).resolve()
    }

    /// The local calendar day and second of the day of an instant, from the zone's offset alone.
    static func local(_ instant: Date, _ zone: TimeZone) -> (day: CalendarDate, second: Int) {
        let local = Int((instant.timeIntervalSince1970).rounded(.down)) + zone.secondsFromGMT(for: instant)
        let days = Int((Double(local) / 86_400).rounded(.down))
        return (CalendarDate(daysSinceEpoch: days), local - days * 86_400)
    }

    /// `instant` is the first instant of `day` in the zone: its midnight, or where midnight does
    /// not exist, the instant after which the day begins.
    static func isStart(of day: CalendarDate, _ instant: Date, _ zone: TimeZone) -> Bool {
        let (shown, second) = local(instant, zone)
        guard shown == day else { return false }
        return second == 0 || local(instant.addingTimeInterval(-1), zone).day < day
    }

    /// Checks the invariants of a parsed period; returns a description of what is wrong.
    static func problems(_ period: ReportPeriod, _ zone: TimeZone) -> [String] {
        var problems: [String] = []
        if !(period.start < period.end) { problems.append("start \(period.start) is not before end \(period.end)") }
        if !isStart(of: period.first, period.start, zone) { problems.append("start \(period.start) is not the first instant of \(period.first)") }
        if !isStart(of: period.last.adding(days: 1), period.end, zone) { problems.append("end \(period.end) is not the first instant after \(period.last)") }
        if period.last < period.first { problems.append("last \(period.last) before first \(period.first)") }
        if case .week = period.kind {
            if period.first.isoWeekday != 1 { problems.append("\(period.first) is not a Monday") }
            if period.last != period.first.adding(days: 6) { problems.append("a week of \(period.dayCount) days") }
        }
        return problems
    }

    @Test func randomISOWeeksAreMondayToSundayOrAUsageError() throws {
        var random = SplitMix64(seed: 8601)
        var weeks: [(year: Int, week: Int, exists: Bool)] = []
        let fixed = [(1, 1), (9999, 52), (9999, 53), (2026, 53), (2020, 53), (2025, 53), (2015, 53), (2021, 53), (1582, 41), (1, 53)]
        let cases = fixed + (0..<3_000).map { _ in (Int.random(in: 1...9999, using: &random), Int.random(in: 1...53, using: &random)) }
        for (index, (year, week)) in cases.enumerated() {
            let zoneName = Self.zones[index % Self.zones.count]
            let zone = TimeZone(identifier: zoneName)!
            let text = String(format: "%04d-W%02d", year, week)
            do {
                let period = try resolve(week: text, zone: zoneName)
                weeks.append((year, week, true))
                #expect(period.label == text, "\(text)")
                #expect(Self.problems(period, zone).isEmpty, "\(text) in \(zoneName): \(Self.problems(period, zone))")
                // The week belongs to the ISO year of its Thursday; week 1 holds 4 January.
                #expect(period.first.adding(days: 3).year == year, "\(text) starts \(period.first)")
                if week == 1 { #expect(CalendarDate(year: year, month: 1, day: 4)! <= period.last, "\(text)") }
                let again = try resolve(week: period.label, zone: zoneName)
                #expect(again == period, "\(text)")
                let lower = try resolve(week: text.lowercased(), zone: zoneName)
                #expect(lower == period, "\(text.lowercased())")
            } catch let error as PeriodError {
                weeks.append((year, week, false))
                #expect(week == 53, "\(text): \(error)")
                #expect(error.description == "--week '\(text)': \(year) has ISO weeks 1 to 52.")
            }
        }
        #expect(weeks[0].exists && weeks[1].exists && !weeks[2].exists && weeks[3].exists && weeks[4].exists && !weeks[5].exists)
        #expect(try resolve(week: "0001-W01", zone: "UTC").first.description == "0001-01-01")
        #expect(try resolve(week: "2026-W53", zone: "UTC").last.description == "2027-01-03")
        #expect(try resolve(week: "9999-W52", zone: "UTC").last.description == "10000-01-02") // its Sunday is in year 10000

        // Python's datetime (proleptic Gregorian, years 1–9999) says which weeks exist and where they start.
        let lines = weeks.map { "\($0.year) \($0.week)" }.joined(separator: "\n")
        let script = """
            import datetime, sys
            for line in sys.stdin.read().split():
                pass
            pairs = sys.stdin
            """
        _ = script
        let oracle = try Self.python(
            """
            import datetime, sys
            out = []
            for line in sys.argv[1].splitlines():
                year, week = map(int, line.split())
                try:
                    out.append(datetime.date.fromisocalendar(year, week, 1).isoformat())
                except ValueError:
                    out.append("-")
            print("\\n".join(out))
            """, lines)
        let mondays = oracle.split(separator: "\n").map(String.init)
        try #require(mondays.count == weeks.count)
        for (index, week) in weeks.enumerated() {
            let text = String(format: "%04d-W%02d", week.year, week.week)
            let period = try? resolve(week: text, zone: "UTC")
            #expect((period?.first.description ?? "-") == mondays[index], "\(text)")
        }
    }

    @Test func randomMonthsAndDayRangesAreWholeDaysOrAUsageError() throws {
        var random = SplitMix64(seed: 1111)
        for index in 0..<3_000 {
            let zoneName = Self.zones[index % Self.zones.count]
            let zone = TimeZone(identifier: zoneName)!
            let year = Int.random(in: 1...9999, using: &random), month = Int.random(in: 0...13, using: &random)
            let text = String(format: "%04d-%02d", year, month)
            if (1...12).contains(month) {
                let period = try resolve(month: text, zone: zoneName)
                #expect(period.label == text && period.first.day == 1 && period.last.adding(days: 1).day == 1, "\(text)")
                #expect(period.first.month == month && period.last.month == month, "\(text)")
                #expect(Self.problems(period, zone).isEmpty, "\(text) in \(zoneName): \(Self.problems(period, zone))")
                #expect(try resolve(month: period.label, zone: zoneName) == period)
            } else {
                #expect(throws: PeriodError.self, "\(text)") { try resolve(month: text, zone: zoneName) }
            }

            let day = Int.random(in: 0...32, using: &random)
            let from = String(format: "%04d-%02d-%02d", year, month, day)
            let length = Int.random(in: 0...40, using: &random)
            let start = CalendarDate(year: year, month: month, day: day)
            let end = start?.adding(days: length)
            let to = end?.description ?? from
            do {
                let period = try resolve(from: from, to: to, zone: zoneName)
                #expect(start != nil && end!.year <= 9999, "\(from) is accepted")
                #expect(period.first == start && period.last == end && period.label == "\(from)_\(to)", "\(from) – \(to)")
                #expect(Self.problems(period, zone).isEmpty, "\(from) – \(to) in \(zoneName): \(Self.problems(period, zone))")
            } catch let error as PeriodError {
                #expect(start == nil, "\(from) – \(to): \(error)")
                #expect(error.description.hasPrefix("--from '\(from)' is not a date"), "\(error)")
            }
        }
    }

    @Test func randomTextIsAPeriodThatReadsBackOrAOneLineUsageError() throws {
        var random = SplitMix64(seed: 64)
        let pieces = [
            "2026", "0001", "9999", "0000", "-W", "-w", "W", "-", "--", "47", "53", "1", "01", "00", "99", "+", "+1", "-1",
            " ", "\t", "\n", "٢٠٢٦", "２０２６", "W４７", "1e3", "0x1F", "ſ", "ß", "\u{0}", "é", "11", "16", "T", ":", "/",
            "2026-W47", "2026-11", "2026-11-16", "-W-W", "12345", "W53-",
        ]
        var accepted = 0
        for index in 0..<6_000 {
            let zoneName = Self.zones[index % Self.zones.count]
            let zone = TimeZone(identifier: zoneName)!
            let text = (0..<Int.random(in: 1...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            for option in ["week", "month", "from"] {
                do {
                    let period = try resolve(
                        week: option == "week" ? text : nil, month: option == "month" ? text : nil,
                        from: option == "from" ? text : nil, to: option == "from" ? text : nil, zone: zoneName)
                    accepted += 1
                    #expect(Self.problems(period, zone).isEmpty, "--\(option) \(text.debugDescription): \(Self.problems(period, zone))")
                    // What was accepted is the canonical spelling of the period it names.
                    let expected = option == "from" ? "\(text)_\(text)" : text.uppercased()
                    #expect(period.label == expected, "--\(option) \(text.debugDescription) read as \(period.label)")
                    #expect(
                        text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.numericType != nil || $0 == "-" || $0 == "W" || $0 == "w") },
                        "--\(option) \(text.debugDescription) accepted")
                } catch let error as PeriodError {
                    #expect(
                        error.description.hasPrefix("--\(option) '") && error.description.contains(" is not a"),
                        "--\(option) \(text.debugDescription): \(error)")
                }
            }
        }
        #expect(accepted > 50)
        for text in ["+202-W01", "2026-W+1", "2026-W-W47", "-W2026-W47", "2026-W47-W", "0000-W01", "٢٠٢٦-W47", "2026-W4７"] {
            #expect(throws: PeriodError.self, "\(text)") { try resolve(week: text, zone: "UTC") }
        }
        for text in ["2026-+1", "+999-01", "0000-01", "2026-1", "2026-11-"] {
            #expect(throws: PeriodError.self, "\(text)") { try resolve(month: text, zone: "UTC") }
        }
        for text in ["+202-11-16", "0000-01-01", "2026-+1-16", "2026-11-+6"] {
            #expect(throws: PeriodError.self, "\(text)") { try resolve(from: text, to: text, zone: "UTC") }
        }
    }

    /// Foundation's Gregorian calendar is Julian before 15 October 1582; PostgreSQL and ISO 8601
    /// are proleptic Gregorian. 0001-01-01 is a Monday, 1582-10-04 a Monday, 1000-01-01 a Wednesday.
    @Test func daysBeforeTheGregorianReformStartAtTheirOwnMidnight() throws {
        for (text, days) in [("0001-01-01", -719_162), ("1000-01-01", -354_285), ("1582-10-04", -141_438), ("1582-10-15", -141_427)] {
            let period = try resolve(from: text, to: text, zone: "UTC")
            #expect(period.start.timeIntervalSince1970 == Double(days) * 86_400, "\(text)")
        }
        let week = try resolve(week: "1000-W01", zone: "Europe/Berlin")
        #expect(week.first.description == "0999-12-30")
        #expect(Self.problems(week, TimeZone(identifier: "Europe/Berlin")!).isEmpty)
        #expect(ReportPeriod.localDate(of: Date(timeIntervalSince1970: -719_162 * 86_400), in: TimeZone(identifier: "UTC")!).description == "0001-01-01")
    }

    static func python(_ script: String, _ argument: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, argument]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 is needed (scripts/install-dependencies)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
