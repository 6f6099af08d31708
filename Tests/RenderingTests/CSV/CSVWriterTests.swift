import Foundation
import TestSupport
import Testing

@testable import Rendering

@Suite struct CSVWriterTests {
    let document = SampleDocument.document

    @Test(arguments: ["ab-test", "ab-test-tests", "ab-test-data-quality"])
    func sampleTablesMatchTheirGoldenFiles(table name: String) throws {
        let table = try #require(document.table(named: name))
        try TabularGolden.check(CSVWriter().encode(table), named: CSVWriter.fileName(for: table))
    }

    @Test func fileNamesFollowTheTable() {
        #expect(CSVWriter.fileName(for: document.dataQuality) == "ab-test-data-quality.csv")
    }

    @Test func everyRecordEndsWithCRLFByDefaultAndLFOnRequest() throws {
        let table = document.dataQuality
        let crlf = String(decoding: CSVWriter().encode(table), as: UTF8.self)
        #expect(crlf == "check,rows\r\nrows read,52060\r\nnull e-mail or variant,3\r\n'-multiple exposures,17\r\n")
        let lf = String(decoding: CSVWriter(options: CSVOptions(lineEnding: .lf)).encode(table), as: UTF8.self)
        #expect(lf == crlf.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    @Test func theByteOrderMarkIsOptional() {
        let plain = CSVWriter().encode(document.dataQuality)
        let marked = CSVWriter(options: CSVOptions(includesByteOrderMark: true)).encode(document.dataQuality)
        #expect(!plain.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(marked.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(marked.dropFirst(3) == plain)
    }

    @Test func streamingToAFileGivesTheSameBytes() throws {
        let folder = try TabularGolden.temporaryDirectory("csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = try #require(document.table(named: "ab-test"))
        let url = folder.appendingPathComponent("ab-test.csv")
        try CSVWriter().write(table, to: url)
        #expect(FileManager.default.contents(atPath: url.path) == CSVWriter().encode(table))
    }

    // MARK: Values

    @Test(arguments: [
        (0.125, "0.125"), (3e-250, "3e-250"), (1.2e-300, "1.2e-300"), (1.0, "1"), (-2.5, "-2.5"),
        (0.1 + 0.2, "0.30000000000000004"), (123_456.789, "123456.789"), (1e20, "100000000000000000000"),
        (1e21, "1e+21"), (1.5e-6, "0.0000015"), (1e-7, "1e-7"), (-0.0, "0"), (0.0, "0"),
        (Double.leastNonzeroMagnitude, "5e-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"), (-1234567.0, "-1234567"),
    ])
    func numbersAreTheShortestRoundTrippingDecimal(value: Double, expected: String) {
        #expect(MachineText.number(value) == expected)
    }

    @Test func numbersReadBackExactly() {
        var generator = SplitMix64(seed: 47)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else {
                #expect(MachineText.number(value) == nil)
                continue
            }
            let text = MachineText.number(value)!
            #expect(Double(text) == value || (value == 0 && Double(text) == 0), "\(value) → \(text)")
            #expect(CSVWriter().field(.number(value)) == text)
        }
    }

    @Test func nonFiniteNumbersAreEmpty() {
        #expect(CSVWriter().field(.number(Double.nan)) == "")
        #expect(CSVWriter().field(.number(Double.infinity)) == "")
        #expect(CSVWriter().field(.empty) == "")
    }

    @Test(arguments: [
        ("1234.5", "1234.50"), ("0.005", "0.01"), ("-0.005", "-0.01"), ("-0.001", "0.00"), ("1e3", "1000.00"),
        ("0", "0.00"), ("-5", "-5.00"), ("98765.4321", "98765.43"),
        ("123456789012345678901234567890.125", "123456789012345678901234567890.13"),
    ])
    func moneyHasExactlyTwoDecimalsFromTheDecimal(value: String, expected: String) {
        #expect(MachineText.money(Decimal(string: value)!) == expected)
    }

    @Test func zonesAreNamedAsUsersWriteThem() {
        #expect(MachineText.zoneName(TimeZone(identifier: "UTC")!) == "UTC")
        #expect(MachineText.zoneName(TimeZone(identifier: "Europe/Berlin")!) == "Europe/Berlin")
    }

    @Test func otherValuesAreMachineReadable() {
        let writer = CSVWriter()
        #expect(writer.field(.integer(-5)) == "-5")
        #expect(writer.field(.boolean(true)) == "true")
        #expect(writer.field(.boolean(false)) == "false")
        #expect(writer.field(.date(ReportDate(year: 2026, month: 11, day: 16))) == "2026-11-16")
        let moment = Date(timeIntervalSince1970: 1_794_823_200) // 2026-11-16T10:00:00Z
        #expect(writer.field(.timestamp(moment)) == "2026-11-16T10:00:00Z")
        #expect(writer.field(.timestamp(moment.addingTimeInterval(0.25))) == "2026-11-16T10:00:00.25Z")
        let berlin = CSVWriter(options: CSVOptions(timeZone: TimeZone(identifier: "Europe/Berlin")!))
        #expect(berlin.field(.timestamp(moment)) == "2026-11-16T11:00:00+01:00")
        let newYork = CSVWriter(options: CSVOptions(timeZone: TimeZone(identifier: "America/New_York")!))
        #expect(newYork.field(.timestamp(moment)) == "2026-11-16T05:00:00-05:00")
        #expect(MachineText.timestamp(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    // MARK: Formula guard

    @Test(arguments: ["=SUM(A1)", "+1", "-5", "@cmd", "\tx", "\rx", "\nx", "\r\n", "＝1+1", "＋1", "－1", "＠x", "=\u{301}x"])
    func dangerousTextIsPrefixed(text: String) {
        #expect(CSVWriter().field(.text(text)) == "'" + text)
    }

    @Test(arguments: ["control", "Café", "<script>alert(1)</script>", "'already quoted", " =spaced", "", "5", "🚀"])
    func ordinaryTextIsLeftAlone(text: String) {
        #expect(CSVWriter().field(.text(text)) == text)
    }

    @Test func numericCellsAreNeverPrefixed() {
        let writer = CSVWriter()
        #expect(writer.field(.integer(-5)) == "-5")
        #expect(writer.field(.number(-0.5)) == "-0.5")
        #expect(writer.field(.money(Decimal(-5))) == "-5.00")
        for row in document.tables.flatMap(\.rows) {
            for cell in row {
                switch cell {
                case .integer, .number, .money: #expect(!writer.field(cell).hasPrefix("'"))
                default: break
                }
            }
        }
    }

    // MARK: Round trip through a parser

    @Test func everyTableParsesBackToItsFields() throws {
        let writer = CSVWriter()
        for table in document.tables {
            let records = try CSVParser.parse(String(decoding: writer.encode(table), as: UTF8.self))
            #expect(records.count == table.rows.count + 1)
            #expect(records.first == table.columns.map(\.key))
            for (record, row) in zip(records.dropFirst(), table.rows) {
                #expect(record == row.map(writer.field))
                for (field, cell) in zip(record, row) {
                    switch cell {
                    case .text(let text): #expect(field == text || field == "'" + text)
                    case .number(let value): #expect(Double(field) == value)
                    case .integer(let value): #expect(Int(field) == value)
                    case .empty: #expect(field == "")
                    default: break
                    }
                }
            }
        }
        let variants = try #require(document.table(named: "ab-test"))
        let records = try CSVParser.parse(String(decoding: writer.encode(variants), as: UTF8.self))
        let names = records.dropFirst().map { $0[1] }
        #expect(names.contains("'=SUM(A1)"))
        #expect(names.contains("'-5"))
        #expect(names.contains("'@cmd"))
        #expect(names.contains("Café, \"quoted\"\nnewline"))
        #expect(names.contains(SampleDocument.longName))
        // The control row's comparison columns are empty fields.
        let control = try #require(records.first { $0[1] == "control" })
        #expect(control[8] == "" && control[10] == "" && control[12] == "")
    }

    @Test func randomTextSurvivesQuotingAndIsGuarded() throws {
        let alphabet: [String] = [
            "a", "Z", "0", ",", "\"", "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", " ", "é",
            "🚀", "＝", "'", ";", "\u{301}",
        ]
        var generator = SplitMix64(seed: 2026)
        let rows: [[ReportCell]] = (0..<500).map { _ in
            (0..<3).map { _ in
                let length = Int(generator.next() % 12)
                return .text((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined())
            }
        }
        let table = ReportTable(
            name: "random", title: "Random",
            columns: [
                ReportColumn("a", "A", .text), ReportColumn("b", "B", .text), ReportColumn("c", "C", .text),
            ], rows: rows)
        let records = try CSVParser.parse(String(decoding: CSVWriter().encode(table), as: UTF8.self))
        #expect(records.count == rows.count + 1)
        for (record, row) in zip(records.dropFirst(), rows) {
            for (field, cell) in zip(record, row) {
                guard case .text(let text) = cell else { continue }
                if CSVField.startsLikeFormula(text) {
                    #expect(field == "'" + text)
                } else {
                    #expect(field == text)
                    #expect(!CSVField.startsLikeFormula(field))
                }
            }
        }
    }
}
