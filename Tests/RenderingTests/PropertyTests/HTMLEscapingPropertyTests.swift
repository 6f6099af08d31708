import Foundation
import Mustache
import Testing

@testable import Rendering

/// The escaping of report values in HTML pages, e-mail HTML and SVG charts, over random text
/// (seeded): no raw markup character survives, the entities decode to the original, and a page
/// of random values has exactly the markup of the same page with plain letters.
@Suite("HTML escaping properties")
struct HTMLEscapingPropertyTests {
    static let entities: [String: Unicode.Scalar] = ["amp;": "&", "lt;": "<", "gt;": ">", "quot;": "\"", "#39;": "'"]

    /// Decodes the five entities the escapers write; nil when an `&` starts anything else.
    static func unescape(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&" else {
                result.append(scalars[index])
                index += 1
                continue
            }
            let rest = String(String.UnicodeScalarView(scalars[(index + 1)...].prefix(5)))
            guard let (name, scalar) = entities.first(where: { rest.unicodeScalars.starts(with: $0.key.unicodeScalars) }) else { return nil }
            result.append(scalar)
            index += 1 + name.unicodeScalars.count
        }
        return String(result)
    }

    static func rawMarkup(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }
    }

    @Test func escapedTextHasNoRawMarkupAndDecodesToTheOriginal() {
        var random = RandomText(seed: 3986)
        for _ in 0..<20_000 {
            let text = random.string()
            let escaped = HTMLEscaping.escape(text)
            #expect(Self.rawMarkup(in: escaped).isEmpty, "\(text.debugDescription) → \(escaped.debugDescription)")
            #expect(Self.unescape(escaped) == text, "\(text.debugDescription) → \(escaped.debugDescription)")
        }
        // One grapheme, two scalars: a quote with a combining acute accent is still a quote.
        #expect(HTMLEscaping.escape("\"\u{301}'\u{301}<\u{338}&\u{301}") == "&quot;\u{301}&#39;\u{301}&lt;\u{338}&amp;\u{301}")
    }

    /// Templates parsed as the renderers parse them escape every `{{ }}` with `HTMLEscaping`,
    /// in partials too (swift-mustache gives each partial its own default escaping).
    @Test func everyTemplateValueAndPartialUsesTheScalarEscaping() throws {
        var library = MustacheLibrary()
        library.register(try HTMLTemplates.parse("<p title=\"{{x}}\">{{x}}</p>{{>part}}", path: "page.mustache"), named: "page")
        library.register(try HTMLTemplates.parse("<i data-x='{{x}}'>{{#list}}{{.}}{{/list}}</i>", path: "part.mustache"), named: "part")
        var random = RandomText(seed: 79)
        for _ in 0..<3_000 {
            let text = random.string()
            let escaped = HTMLEscaping.escape(text)
            let output = library.render(["x": text, "list": [text, text]], withTemplate: "page")
            #expect(
                output == "<p title=\"\(escaped)\">\(escaped)</p><i data-x='\(escaped)'>\(escaped)\(escaped)</i>",
                "\(text.debugDescription)")
        }
    }

    /// A report with random text wherever text goes.
    static func document(_ text: () -> String) -> ReportDocument {
        let columns = [ReportColumn("name", text(), .text), ReportColumn("note", "Note", .text), ReportColumn("value", "Value", .integer)]
        let rows: [[ReportCell]] = (0..<6).map { index in [.text(text()), .text(text()), .integer(index * 10 + 5)] }
        let table = ReportTable(name: "random", title: text(), columns: columns, rows: rows)
        return ReportDocument(
            report: "random", title: text(), subtitle: text(), periodLabel: text(),
            callouts: [Callout(.warning, title: text(), text: text()), Callout(.positive, title: text(), text: text())],
            sections: [
                ReportSection(
                    id: "random", title: text(), paragraphs: [text(), text()],
                    callouts: [Callout(.danger, title: text(), text: text())],
                    facts: [Fact(text(), .text(text()), format: .text, note: text())],
                    tables: [table],
                    charts: [
                        ReportChart(
                            id: "bars", title: text(), kind: .bar, table: "random", categoryColumn: "name",
                            valueColumns: ["value"], valueAxisTitle: text(), referenceLabel: text())
                    ])
            ],
            dataQuality: ReportTable(
                name: "random-data-quality", title: "Data quality",
                columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
                rows: [[.text(text()), .integer(1)]]),
            reproducibility: Reproducibility(
                toolVersion: "0", generatedAt: Date(timeIntervalSince1970: 0),
                dataAsOf: Date(timeIntervalSince1970: 0), timeZone: "UTC", period: "2026-W47",
                periodStart: ReportDate(year: 2026, month: 11, day: 16),
                periodEnd: ReportDate(year: 2026, month: 11, day: 22),
                options: [.init(text(), text())], statements: []), timeZone: TimeZone(identifier: "UTC")!)
    }

    /// The random page and the same page with each text replaced by as many letters have the
    /// same markup: the same `<`, `>`, `"` and `'` in the same order. Data that broke out of
    /// its text or attribute would add some.
    @Test func aPageOfRandomTextHasTheMarkupOfAPageOfLetters() throws {
        let renderer = try HTMLTestSupport.renderer()
        var random = RandomText(seed: 1998)
        for round in 0..<40 {
            var texts: [String] = []
            let page = try renderer.render(
                Self.document {
                    let text = random.string(pieces: 1...12)
                    texts.append(text)
                    return text
                })
            var plain = texts.makeIterator()
            let letters = try renderer.render(Self.document { String(repeating: "x", count: plain.next()!.count) })
            #expect(Self.rawMarkup(in: page) == Self.rawMarkup(in: letters), "round \(round): \(texts.map(\.debugDescription))")
            for svg in HTMLTestSupport.svgElements(in: page) {
                #expect(HTMLTestSupport.xmlError(svg) == nil, "round \(round): \(HTMLTestSupport.xmlError(svg) ?? "")")
            }
        }
    }

    @Test func svgTextHasNoRawMarkupNoCharacterXMLForbidsAndDecodesToTheOriginal() {
        var random = RandomText(seed: 1999)
        for _ in 0..<20_000 {
            let text = random.string()
            let escaped = SVGWriter.escape(text)
            #expect(Self.rawMarkup(in: escaped).isEmpty, "\(text.debugDescription) → \(escaped.debugDescription)")
            #expect(
                !escaped.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF },
                "\(text.debugDescription) → \(escaped.debugDescription)")
            let expected = String(
                String.UnicodeScalarView(
                    text.unicodeScalars.map {
                        $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF ? " " : $0
                    }))
            #expect(Self.unescape(escaped) == expected, "\(text.debugDescription) → \(escaped.debugDescription)")
        }
        #expect(SVGWriter.escape("\"\u{301}\u{1}\u{301}\r\n") == "&quot;\u{301} \u{301}  ")
    }
}
