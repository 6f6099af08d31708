import Foundation
import Testing

@testable import Rendering

/// One validation of a document's references: HTML, XLSX and the e-mail refuse the same bad
/// document with the same message, before anything is written.
@Suite struct DocumentValidationTests {
    /// Each a mistake a document builder could make, and the words the refusal must name.
    static let mistakes: [(String, @Sendable (inout ReportDocument) -> Void)] = [
        (
            "chart 'partner-revenue' plots column 'nope'",
            { document in
                document.sections[1].charts[0].valueColumns = ["nope"]
            }
        ),
        (
            "chart 'partner-revenue' reads table 'absent'",
            { document in
                document.sections[1].charts[0].table = "absent"
            }
        ),
        (
            "uses rows 0..<9 of table 'exec-summary-partners', which has 3",
            { document in
                document.sections[1].charts[0].rows = 0..<9
            }
        ),
        (
            "column 'uplift_relative' of table 'exec-summary-experiments' refers to column 'is_significant_now'",
            { document in
                document.sections[2].tables[0].columns[1].display.emphasis = .signWhen(column: "is_significant_now")
            }
        ),
        (
            "two tables are named 'exec-summary-partners'",
            { document in
                document.sections[3].tables[0].name = "exec-summary-partners"
            }
        ),
    ]

    @Test func theSampleIsValid() throws {
        try EmailSampleDocument.document.validate()
        _ = try EmailSampleDocument.html()
    }

    @Test(arguments: 0..<mistakes.count)
    func everyRendererRefusesTheSameMistakeAlike(index: Int) throws {
        let (expected, mistake) = Self.mistakes[index]
        var document = EmailSampleDocument.document
        mistake(&document)
        let folder = try TabularGolden.temporaryDirectory("validation")
        defer { try? FileManager.default.removeItem(at: folder) }
        let workbook = folder.appendingPathComponent("exec-summary.xlsx")

        var messages: [String] = []
        for render in [
            { _ = try HTMLTestSupport.renderer().render(document) },
            { _ = try XLSXWriter().write(document, to: workbook) },
            { _ = try EmailSampleDocument.html(document) },
        ] as [() throws -> Void] {
            do {
                try render()
                Issue.record("rendered a document that says \(expected)")
            } catch let error as DocumentError {
                messages.append(error.description)
            }
        }
        #expect(messages.count == 3 && Set(messages).count == 1, "\(messages)")
        #expect(messages.first?.contains(expected) == true, "\(messages)")
        #expect(!FileManager.default.fileExists(atPath: workbook.path))
    }
}
