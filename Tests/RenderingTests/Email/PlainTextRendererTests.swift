import Foundation
import Testing

@testable import Rendering

/// The e-mail's plain-text part: tables as aligned columns, numbers right-aligned, within 78
/// characters; wider tables as one "column: value" block per row.
@Suite struct PlainTextRendererTests {
    let renderer = PlainTextRenderer(timeZone: TimeZone(identifier: "UTC")!)
    let formatter = DisplayFormatter(timeZone: TimeZone(identifier: "UTC")!)

    func table(_ nameWidth: Int) -> ReportTable {
        ReportTable(
            name: "t", title: "T",
            columns: [
                ReportColumn("name", "Partner", .text), ReportColumn("revenue", "Revenue", .money(currency: "USD")),
            ],
            rows: [
                [.text(String(repeating: "a", count: nameWidth)), .money(Decimal(string: "36123.24")!)],
                [.text("B"), .money(Decimal(string: "5")!)],
            ])
    }

    @Test func numbersAreRightAlignedAndTextLeftAligned() {
        let lines = renderer.table(table(5), formatter: formatter)
        #expect(
            lines == [
                "  Partner     Revenue",
                "  -------  ----------",
                "  aaaaa    $36,123.24",
                "  B             $5.00",
            ])
    }

    @Test func aTableThatFitsOnlyFlushLeftLosesItsIndent() {
        let lines = renderer.table(table(66), formatter: formatter) // 66 + 2 + 10 = 78
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(lines.first?.hasPrefix("Partner") == true)
    }

    @Test func aWiderTableBecomesOneBlockPerRow() {
        let lines = renderer.table(table(67), formatter: formatter)
        #expect(lines.first == "  Partner: " + String(repeating: "a", count: 67))
        #expect(lines.contains("  Revenue: $5.00"))
    }

    @Test func paragraphsWrapAt78ColumnsAndCalloutsIndentTheirContinuation() {
        let words = Array(repeating: "growth", count: 40).joined(separator: " ")
        let lines = renderer.wrap(words)
        #expect(lines.count > 1 && lines.allSatisfy { $0.count <= 78 })
        #expect(lines.joined(separator: " ") == words)
        let callout = renderer.wrap("! Title: " + words, continuation: "  ")
        #expect(callout.dropFirst().allSatisfy { $0.hasPrefix("  g") && $0.count <= 78 })
        #expect(renderer.wrap(String(repeating: "x", count: 90)) == [String(repeating: "x", count: 90)])
    }

    @Test func theSampleDocumentReadsWithoutMarkup() {
        let text = renderer.render(EmailSampleDocument.document)
        // Names as they are, never HTML-escaped; no markup.
        #expect(text.contains("O'Brien <Tech>") && text.contains("Refunds & Co"))
        #expect(!text.contains("&amp;") && !text.contains("&lt;") && !text.contains("<td") && !text.contains("<b>"))
        #expect(text.contains("Key figures\n-----------"))
        #expect(text.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") })
    }
}
