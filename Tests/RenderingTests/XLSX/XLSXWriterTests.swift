import Foundation
import Testing

@testable import Rendering

@Suite struct XLSXWriterTests {
    let document = SampleDocument.document
    static let variantsSheet = "Variant's_ checkout _A_B_"

    func written(_ document: ReportDocument, options: XLSXOptions = XLSXOptions()) throws -> (URL, XLSXSummary, URL) {
        let folder = try TabularGolden.temporaryDirectory("xlsx")
        let url = folder.appendingPathComponent(XLSXWriter.fileName(for: document))
        let summary = try XLSXWriter(options: options).write(document, to: url)
        return (url, summary, folder)
    }

    /// Every XML part but the theme (libxlsxwriter's constant), without the creation and
    /// modification dates, one tag per line.
    static func comparableXML(of url: URL) throws -> Data {
        var text = ""
        for name in try XLSXParts.names(url) where name != "xl/theme/theme1.xml" {
            var xml = try XLSXParts.part(name, of: url)
            for element in ["dcterms:created", "dcterms:modified"] {
                xml = xml.replacingOccurrences(
                    of: "<\(element)[^>]*>[^<]*</\(element)>", with: "<\(element)/>",
                    options: .regularExpression)
            }
            text += "=== \(name)\n" + xml.replacingOccurrences(of: "><", with: ">\n<") + "\n"
        }
        return Data(text.utf8)
    }

    @Test func theSampleWorkbookMatchesItsGoldenXML() throws {
        let (url, summary, folder) = try written(document)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.sheetNames == [Self.variantsSheet, "Tests", "Data quality", "About"])
        #expect(summary.chartCount == 2)
        #expect(!summary.usesConstantMemory)
        #expect(summary.notes.isEmpty)
        try TabularGolden.check(Self.comparableXML(of: url), named: "ab-test.xlsx.xml")
    }

    @Test func theSameDocumentGivesTheSameBytes() throws {
        let (first, _, folderA) = try written(document)
        let (second, _, folderB) = try written(document)
        defer {
            try? FileManager.default.removeItem(at: folderA)
            try? FileManager.default.removeItem(at: folderB)
        }
        #expect(FileManager.default.contents(atPath: first.path) == FileManager.default.contents(atPath: second.path))
    }

    @Test func openpyxlReadsTypedCellsBack() throws {
        let (url, _, folder) = try written(document)
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = try XLSXReadBack.read(url)
        #expect(book.sheets.map(\.name) == [Self.variantsSheet, "Tests", "Data quality", "About"])
        #expect(book.properties.title == "A/B test readout")
        #expect(book.properties.creator == "growth-report")
        #expect(book.properties.subject?.contains("2026-W47") == true)
        #expect(book.properties.description?.contains("0.1.0") == true)

        let variants = try #require(book.sheet(Self.variantsSheet))
        #expect(variants.freezePanes == "A2")
        #expect(variants.autoFilter == "A1:P10")
        // Header: bold text of the column titles.
        #expect(variants["A1"]?.value == .string("Test") && variants["A1"]?.bold == true)
        #expect(variants["F1"]?.value == .string("Conversion rate"))
        // Control row: typed values, empty comparison columns are blank.
        #expect(variants["C2"]?.type == "b" && variants["C2"]?.value == .boolean(true))
        #expect(variants["D2"]?.type == "n" && variants["D2"]?.value == .number(8_000) && variants["D2"]?.numberFormat == "#,##0")
        #expect(variants["F2"]?.value == .number(0.125) && variants["F2"]?.numberFormat == "0.00%")
        for column in ["I", "J", "K", "L", "M", "N", "P"] { #expect(variants["\(column)2"] == nil, "\(column)2 is blank") }
        #expect(variants["O2"]?.value == .number(1234.5) && variants["O2"]?.numberFormat == "\"$\"#,##0.00")
        // B: a tiny p-value in scientific notation, the relative uplift with one decimal.
        #expect(variants["K3"]?.value == .number(3e-250) && variants["K3"]?.numberFormat == "0.00E+00")
        #expect(variants["J3"]?.numberFormat == "0.0%")
        #expect(variants["O3"]?.value == .number(98765.4321))
        #expect(variants["N3"]?.numberFormat == "#,##0.000")
        #expect(variants["K4"]?.numberFormat == "0.0000")
        // Names that look like formulas are strings, never formulas.
        for (ref, name) in zip(["B4", "B5", "B6", "B7", "B8", "B9", "B10"], SampleDocument.nastyVariants) {
            #expect(variants[ref]?.type == "s", "\(ref)")
            #expect(variants[ref]?.value == .string(name), "\(ref)")
        }
        #expect(!variants.cells.contains { $0.type == "f" })
        // A negative amount stays a number.
        #expect(variants["O4"]?.value == .number(-5))
        // Widths from content: the long name is capped, the boolean column stays narrow.
        #expect(variants.columnWidths["B"].map { $0 > 50 && $0 <= 61 } == true)
        #expect(variants.columnWidths["C"].map { $0 < 15 } == true)

        // Charts: the interval chart with low/high series and high-low lines, the bar chart.
        #expect(variants.charts.count == 2)
        let interval = try #require(variants.charts.first { $0.type == "LineChart" })
        #expect(interval.title == "Conversion rate by variant")
        #expect(interval.highLowLines)
        #expect(interval.series.map(\.values) == ["F", "G", "H"].map { "'Variant''s_ checkout _A_B_'!$\($0)$2:$\($0)$10" })
        #expect(interval.series.first?.categories == "'Variant''s_ checkout _A_B_'!$B$2:$B$10")
        let bars = try #require(variants.charts.first { $0.type == "BarChart" })
        #expect(bars.series.count == 2)

        let tests = try #require(book.sheet("Tests"))
        #expect(tests["J2"]?.type == "d" && tests["J2"]?.isDate == true && tests["J2"]?.numberFormat == "yyyy-mm-dd")
        #expect(tests["J2"]?.value == .string("2026-10-01T00:00:00"))
        // 2026-11-22T10:00:00.25Z shown in the report's zone, Europe/Berlin.
        #expect(tests["K2"]?.value == .string("2026-11-22T11:00:00.250000"))
        #expect(tests["K2"]?.numberFormat == "yyyy-mm-dd hh:mm:ss")
        #expect(tests["L2"]?.numberFormat == "#,##0.00 \"EUR\"")
        #expect(tests["H2"]?.value == .number(1.5e-12))
        #expect(tests["F3"] == nil && tests["H3"] == nil && tests["K3"] == nil && tests["L3"] == nil)
        #expect(tests.freezePanes == "A2" && tests.autoFilter == "A1:L3")

        let quality = try #require(book.sheet("Data quality"))
        #expect(quality["A4"]?.value == .string("-multiple exposures") && quality["A4"]?.type == "s")

        let about = try #require(book.sheet("About"))
        let pairs = Dictionary(
            about.cells.filter { $0.ref.hasPrefix("A") }.compactMap { label -> (String, String)? in
                guard let text = label.value.string, let value = about["B" + label.ref.dropFirst()]?.value.string else { return nil }
                return (text, value)
            }, uniquingKeysWith: { first, _ in first })
        #expect(pairs["Report"] == "A/B test readout")
        #expect(pairs["Tool version"] == "0.1.0")
        #expect(pairs["Generated at"] == "2026-11-23T08:00:00Z")
        #expect(pairs["Data as of"] == "2026-11-23T07:59:00Z")
        #expect(pairs["Time zone"] == "Europe/Berlin")
        #expect(pairs["Timestamps shown in"] == "Europe/Berlin")
        #expect(pairs["Period"]?.hasPrefix("2026-W47") == true)
        #expect(pairs["alpha"] == "0.05")
        #expect(pairs["correction"] == "holm")
        #expect(pairs["database-url"] == "postgresql://app:****@db.internal/growth")
        #expect(pairs["ab_test_variants"] == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        #expect(pairs["SQL statement"] == "SHA-256")
    }

    @Test func nonFiniteNumbersAndEmptyCellsAreBlank() throws {
        let table = ReportTable(
            name: "odd", title: "Odd",
            columns: [
                ReportColumn("a", "A", .decimal(places: 2)), ReportColumn("b", "B", .percent(places: 0)), ReportColumn("c", "C", .text),
            ], rows: [[.number(Double.nan), .number(Double.infinity), .empty], [.number(-Double.infinity), .number(0.5), .text("")]])
        let odd = Self.document(with: [table])
        let (url, _, folder) = try written(odd)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try #require(XLSXReadBack.read(url).sheet("Odd"))
        #expect(sheet.cells.map(\.ref) == ["A1", "B1", "C1", "B3"])
        #expect(sheet["B3"]?.numberFormat == "0%")
    }

    @Test func textBeyondExcelsLimitIsCutWithAMarkerAndNoted() throws {
        let long = String(repeating: "x", count: 40_000)
        let table = ReportTable(name: "long", title: "Long", columns: [ReportColumn("note", "Note", .text)], rows: [[.text(long)]])
        let (url, summary, folder) = try written(Self.document(with: [table]))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.notes.count == 1)
        #expect(summary.notes.first?.contains("Long!A2") == true)
        let book = try XLSXReadBack.read(url)
        let text = try #require(book.sheet("Long")?["A2"]?.value.string)
        #expect(text.utf16.count <= XLSXWriter.maximumTextLength)
        #expect(text.hasSuffix("[truncated: 40000 characters in full]"))
        #expect(book.sheet("About")?.cells.contains { $0.value.string?.contains("Long!A2") == true } == true)
    }

    @Test func largeTablesWithoutChartsUseConstantMemory() throws {
        let rows: [[ReportCell]] = (0..<50).map { [.integer($0), .text("=row \($0)"), .number(Double($0) / 8)] }
        let table = ReportTable(
            name: "raw", title: "Raw export",
            columns: [
                ReportColumn("id", "Id", .integer), ReportColumn("label", "Label", .text), ReportColumn("share", "Share", .percent(places: 1)),
            ], rows: rows)
        let options = XLSXOptions(constantMemoryThreshold: 10)
        let (url, summary, folder) = try written(Self.document(with: [table]), options: options)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.usesConstantMemory)
        let sheet = try #require(XLSXReadBack.read(url).sheet("Raw export"))
        #expect(sheet["A51"]?.value == .number(49))
        #expect(sheet["B51"]?.value == .string("=row 49") && sheet["B51"]?.type == "s")
        #expect(sheet["C2"]?.numberFormat == "0.0%")
        #expect(sheet.freezePanes == "A2" && sheet.autoFilter == "A1:C51")

        // A workbook with a chart keeps normal mode (constant memory drops chart caches).
        let (_, withChart, chartFolder) = try written(document, options: XLSXOptions(constantMemoryThreshold: 1))
        defer { try? FileManager.default.removeItem(at: chartFolder) }
        #expect(!withChart.usesConstantMemory)
        let (_, forced, forcedFolder) = try written(Self.document(with: [table]), options: XLSXOptions(constantMemory: .never, constantMemoryThreshold: 1))
        defer { try? FileManager.default.removeItem(at: forcedFolder) }
        #expect(!forced.usesConstantMemory)
    }

    @Test func lineChartsAndChartsWithMissingColumns() throws {
        let table = ReportTable(
            name: "trend", title: "Weekly trend",
            columns: [
                ReportColumn("week", "Week", .date), ReportColumn("k_factor", "K-factor", .decimal(places: 2)),
            ], rows: (1...8).map { [.date(ReportDate(year: 2026, month: 10, day: $0 * 3)), .number(Double($0) / 10)] })
        var doc = Self.document(with: [table])
        doc.sections[0].charts = [
            ReportChart(
                id: "k", title: "=K-factor by week", kind: .line, table: "trend", categoryColumn: "week",
                valueColumns: ["k_factor"], referenceValue: 1)
        ]
        // A chart naming a column or table the document lacks: refused, as HTML and e-mail refuse it.
        for broken in [
            ReportChart(id: "missing", title: "Broken", kind: .bar, table: "trend", categoryColumn: "week", valueColumns: ["nope"]),
            ReportChart(id: "elsewhere", title: "Not here", kind: .bar, table: "absent", categoryColumn: "a", valueColumns: ["b"]),
        ] {
            var bad = doc
            bad.sections[0].charts.append(broken)
            let folder = try TabularGolden.temporaryDirectory("xlsx-bad-chart")
            defer { try? FileManager.default.removeItem(at: folder) }
            #expect(throws: DocumentError.self) { try XLSXWriter().write(bad, to: folder.appendingPathComponent("bad.xlsx")) }
            #expect(throws: DocumentError.self) { try HTMLRenderer(templatesDirectory: nil).render(bad) }
        }
        let (url, summary, folder) = try written(doc)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(summary.chartCount == 1)
        #expect(summary.notes.isEmpty)
        let charts = try #require(XLSXReadBack.read(url).sheet("Weekly trend")?.charts)
        #expect(charts.map(\.type) == ["LineChart"])
        #expect(charts.first?.title == " =K-factor by week")
    }

    @Test func shadedColumnsGetConditionalFormatsAndStayNumbers() throws {
        let currency = Currency.usDollar
        let table = ReportTable(
            name: "partners", title: "Partners",
            columns: [
                ReportColumn("partner_name", "Partner", .text),
                ReportColumn("revenue", "Revenue", .money(currency: currency), display: ColumnDisplay(spreadsheetShading: .dataBar)),
                ReportColumn("roi", "ROI", .percent(places: 1), display: ColumnDisplay(spreadsheetShading: .aroundZero)),
            ],
            rows: [
                [.text("Acme"), .money(1_200), .number(0.4)], [.text("Globex"), .money(300), .number(-0.25)],
                [.text("Initech"), .money(0), .empty],
            ])
        let empty = ReportTable(
            name: "none", title: "Nothing", columns: [ReportColumn("roi", "ROI", .percent(places: 1), display: ColumnDisplay(spreadsheetShading: .aroundZero))],
            rows: [])
        let (url, _, folder) = try written(Self.document(with: [table, empty]))
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = try XLSXReadBack.read(url)
        let sheet = try #require(book.sheet("Partners"))
        #expect(sheet.conditionalFormats == [.init(range: "B2:B4", rules: ["dataBar"]), .init(range: "C2:C4", rules: ["colorScale"])])
        #expect(sheet["B2"]?.type == "n" && sheet["C3"]?.type == "n")
        #expect(sheet["C4"] == nil, "an empty ROI stays blank")
        #expect(book.sheet("Nothing")?.conditionalFormats.isEmpty == true, "no rows, no format")
    }

    @Test func sheetNamesFollowExcelsRules() {
        var names = SheetNames(reserved: ["About"])
        #expect(names.claim("Variants: a/b [test]?*\\") == "Variants_ a_b _test____")
        #expect(names.claim("about") == "about (2)")
        #expect(names.claim("'quoted'") == "quoted")
        #expect(names.claim("") == "Sheet")
        #expect(names.claim("history") == "history (2)")
        let long = names.claim(String(repeating: "A", count: 40))
        #expect(long == String(repeating: "A", count: 31))
        #expect(names.claim(String(repeating: "a", count: 40)) == String(repeating: "a", count: 27) + " (2)")
        #expect(names.claim("Tab\there") == "Tab here")
        let emoji = names.claim(String(repeating: "🚀", count: 20))
        #expect(emoji.utf16.count <= 31 && emoji == String(repeating: "🚀", count: 15))
    }

    @Test func moneyFormatsNameTheCurrency() {
        #expect(ExcelNumberFormat.money(currency: "USD") == "\"$\"#,##0.00")
        #expect(ExcelNumberFormat.money(currency: "eur") == "#,##0.00 \"EUR\"")
        // A currency is an ISO 4217 code or nothing, so no text of a user reaches the format.
        let hostile = "C\"HF;@", unknown = "XYZ"
        #expect(Currency(hostile) == nil && Currency(unknown) == nil)
        #expect(ExcelNumberFormat.money(currency: "CHF") == "#,##0.00 \"CHF\"")
    }

    @Test func excelSerialsOfDates() {
        #expect(ExcelNumberFormat.serial(of: ReportDate(year: 1900, month: 3, day: 1)) == 61)
        #expect(ExcelNumberFormat.serial(of: ReportDate(year: 2026, month: 11, day: 16)) == 46_342)
        #expect(ExcelNumberFormat.serial(of: ReportDate(year: 1899, month: 12, day: 31)) == nil)
    }

    @Test func anUnwritablePathNamesTheFailedCall() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/book.xlsx")
        do {
            try XLSXWriter().write(document, to: url)
            Issue.record("writing into a missing folder succeeded")
        } catch let error as XLSXError {
            #expect(error.call == "workbook_close")
            #expect(error.description.contains("workbook_close"))
            #expect(error.description.contains(url.path))
        }
    }

    static func document(with tables: [ReportTable]) -> ReportDocument {
        var document = SampleDocument.document
        document.sections = [ReportSection(id: "only", title: "Only", tables: tables)]
        return document
    }
}
