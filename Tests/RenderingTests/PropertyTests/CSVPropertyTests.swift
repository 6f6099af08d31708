import Foundation
import TestSupport
import Testing

@testable import Rendering

/// The CSV writer and the formula guard over thousands of random tables and cells (seeded):
/// what is written parses back to the same fields, one record per row, and no text cell can
/// start a formula while numbers stay numbers.
@Suite("CSV properties")
struct CSVPropertyTests {
    /// A table of `columns` text columns holding random text.
    static func randomTable(_ random: inout RandomText, rows: Int, columns: Int) -> ReportTable {
        let keys = (0..<columns).map { "c\($0)" }
        let cells = (0..<rows).map { _ in (0..<columns).map { _ in ReportCell.text(random.string()) } }
        return ReportTable(name: "random", title: "Random", columns: keys.map { ReportColumn($0, $0, .text) }, rows: cells)
    }

    static func texts(_ table: ReportTable) -> [[String]] {
        table.rows.map { $0.map { if case .text(let text) = $0 { text } else { "" } } }
    }

    /// The guard's effect undone: the text a field stands for.
    static func unguarded(_ field: String) -> String {
        field.hasPrefix("'") && CSVField.startsLikeFormula(String(field.dropFirst())) ? String(field.dropFirst()) : field
    }

    @Test func randomTablesParseBackToTheSameFieldsOneRecordPerRow() throws {
        var random = RandomText(seed: 4180)
        var cells = 0
        for round in 0..<600 {
            let table = Self.randomTable(&random, rows: random.int(0...6), columns: random.int(1...5))
            let options = CSVOptions(includesByteOrderMark: random.chance(20), lineEnding: random.chance(70) ? .crlf : .lf)
            var data = CSVWriter(options: options).encode(table)
            #expect(data.starts(with: [0xEF, 0xBB, 0xBF]) == options.includesByteOrderMark)
            if options.includesByteOrderMark { data = data.dropFirst(3) }
            let text = try #require(String(data: data, encoding: .utf8), "round \(round): not UTF-8")
            #expect(text.hasSuffix(options.lineEnding.rawValue), "round \(round): the last record ends with a line break")
            let records = try CSVParser.parse(text)
            try #require(records.count == table.rows.count + 1, "round \(round): \(records.count) records for \(table.rows.count) rows")
            #expect(records[0] == table.columns.map(\.key))
            for (index, row) in Self.texts(table).enumerated() {
                let record = records[index + 1]
                #expect(record.count == row.count, "round \(round) row \(index): \(record.count) fields for \(row.count) cells")
                #expect(record == row.map(CSVField.neutralizingFormula), "round \(round) row \(index)")
                // Undoing the guard gives the text back, except for text that itself starts with
                // the guard's apostrophe and a trigger ("'=1" and "=1" are both written '=1).
                for (field, text) in zip(record, row) where !text.hasPrefix("'") {
                    #expect(Self.unguarded(field) == text, "round \(round) row \(index)")
                }
                cells += row.count
            }
        }
        #expect(cells > 5_000)
    }

    @Test func unquotedFieldsHoldNoSeparatorAndQuotedOnesDoubleTheirQuotes() {
        var random = RandomText(seed: 7)
        for _ in 0..<5_000 {
            let field = random.string()
            let escaped = CSVField.escaped(field)
            let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            if needsQuotes {
                // Scalar by scalar: a quote followed by a combining mark is still a quote to a reader.
                var doubled = String.UnicodeScalarView()
                for scalar in field.unicodeScalars {
                    if scalar == "\"" { doubled.append("\"") }
                    doubled.append(scalar)
                }
                #expect(escaped == "\"" + String(doubled) + "\"", "\(field.debugDescription)")
            } else {
                #expect(escaped == field, "\(field.debugDescription)")
            }
        }
    }

    @Test func aRecordOfOneEmptyFieldIsNotAnEmptyLine() {
        let table = ReportTable(
            name: "one", title: "One", columns: [ReportColumn("name", "Name", .text)],
            rows: [[.text("a")], [.empty], [.text("")], [.text("b")]])
        #expect(String(decoding: CSVWriter().encode(table), as: UTF8.self) == "name\r\na\r\n\"\"\r\n\"\"\r\nb\r\n")
    }

    /// Python's own `csv` module reads the same fields from a sample of random files.
    @Test func pythonsCSVModuleReadsTheSameFields() throws {
        var random = RandomText(seed: 2026)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-properties-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var expected: [[[String]]] = []
        for index in 0..<150 {
            let table = Self.randomTable(&random, rows: random.int(1...6), columns: random.int(1...4))
            let options = CSVOptions(includesByteOrderMark: index.isMultiple(of: 5), lineEnding: index.isMultiple(of: 3) ? .lf : .crlf)
            try CSVWriter(options: options).encode(table).write(to: folder.appendingPathComponent("\(index).csv"))
            expected.append([table.columns.map(\.key)] + Self.texts(table).map { $0.map(CSVField.neutralizingFormula) })
        }
        let script = """
            import csv, json, sys
            folder, count = sys.argv[1], int(sys.argv[2])
            result = []
            for index in range(count):
                with open(f"{folder}/{index}.csv", newline="", encoding="utf-8-sig") as handle:
                    result.append(list(csv.reader(handle, strict=True)))
            json.dump(result, sys.stdout)
            """
        let output = try Python.run(script, arguments: [folder.path, String(expected.count)])
        let parsed = try JSONDecoder().decode([[[String]]].self, from: output)
        try #require(parsed.count == expected.count)
        for index in expected.indices {
            #expect(parsed[index] == expected[index], "file \(index)")
        }
    }

    // MARK: The formula guard

    /// What a spreadsheet reads as the start of a formula, per SPEC §6: =, +, -, @, tab, CR, LF
    /// and the full-width forms of the first four.
    static let triggers: [Unicode.Scalar] = ["=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    @Test func noTextCellStartsLikeAFormulaAndNothingElseIsTouched() {
        var random = RandomText(seed: 1236)
        var guarded = 0
        for _ in 0..<20_000 {
            var text = random.string()
            // Half the cases start with a trigger, sometimes followed by what a formula holds.
            if random.chance(50) {
                text =
                    String(random.element(Self.triggers)) + random.element(["", "HYPERLINK(\"http://x\",\"y\")", "1+1", "2+3", "SUM(A1)", "\u{301}", "=1"])
                    + text
            }
            let field = CSVWriter().field(.text(text))
            let first = text.unicodeScalars.first
            if let first, Self.triggers.contains(first) {
                #expect(field == "'" + text, "\(text.debugDescription)")
                guarded += 1
            } else {
                #expect(field == text, "\(text.debugDescription) is not a formula and stays as it is")
            }
            #expect(!(field.unicodeScalars.first.map(Self.triggers.contains) ?? false), "\(text.debugDescription) → \(field.debugDescription)")
        }
        #expect(guarded > 9_000)
    }

    @Test(arguments: [
        "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\r\n=1",
        "\u{FF1D}1+1", "\u{FF0B}1", "\u{FF0D}1", "\u{FF20}SUM(A1)", "=\u{301}1", "-", "=",
    ])
    func knownPayloadsAreQuotedAsText(payload: String) throws {
        let table = ReportTable(name: "p", title: "p", columns: [ReportColumn("name", "Name", .text)], rows: [[.text(payload)]])
        let records = try CSVParser.parse(String(decoding: CSVWriter().encode(table), as: UTF8.self))
        #expect(records == [["name"], ["'" + payload]])
    }

    @Test func numbersIncludingNegativeOnesAreNeverAltered() {
        var random = SplitMix64(seed: 3)
        let writer = CSVWriter()
        for _ in 0..<20_000 {
            let integer = Int(truncatingIfNeeded: random.next()) >> Int(random.next() % 60)
            #expect(writer.field(.integer(integer)) == String(integer))
            let number = Double(Int64(truncatingIfNeeded: random.next()) >> Int(random.next() % 60)) / Double(1 << Int(random.next() % 30))
            let field = writer.field(.number(number))
            #expect(field == MachineText.number(number) && Double(field) == number, "\(number) → \(field)")
            #expect(field.hasPrefix("-") == (number < 0), "\(number) → \(field): a negative number stays a number")
            let cents = Decimal(Int(truncatingIfNeeded: random.next() % 2_000_000)) / 100 - 10_000
            let money = writer.field(.money(cents))
            #expect(Decimal(string: money) == cents && money.hasPrefix("-") == (cents < 0), "\(cents) → \(money)")
        }
    }
}

/// Runs a short Python program (python3 is a test dependency: scripts/install-dependencies).
enum Python {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func run(_ script: String, arguments: [String] = []) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 failed (\(process.terminationStatus)); scripts/install-dependencies installs it: \(message)")
        }
        return data
    }
}
