import Foundation
import Testing

@testable import Rendering

@Suite("E-mail message")
struct MailMessageTests {
    @Test func quotedPrintableKeepsLinesShortAndEncodesWhatIsNotPlainASCII() {
        let text = String(repeating: "a = b · ", count: 40) + "\n.leading dot\ntrailing space \nend"
        let encoded = MailMessage.quotedPrintable(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(!encoded.contains("\n.") && lines.contains("=2Eleading dot"))
        #expect(lines.contains("trailing space=20"))
        #expect(encoded.contains("=C2=B7") && encoded.contains("=3D"))
    }

    @Test func encodedWordsAreAtMost75CharactersAndSplitOnlyBetweenCharacters() {
        let subject = String(repeating: "Résumé — ", count: 12)
        let words = MailHeaders.encodedWords(subject)
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { word -> String in
            let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return String(data: Data(base64Encoded: String(payload))!, encoding: .utf8)!
        }.joined()
        #expect(decoded == subject)
    }

    @Test func addressesAndHeaderValuesWithLineBreaksAreRejected() throws {
        #expect(throws: MailHeaderError.self) { try MailAddress(parsing: "a@example.com\r\nBcc: b@example.com", field: "--mail-to") }
        #expect(throws: MailHeaderError.self) { try MailAddress(parsing: "a@example.com\u{2028}", field: "--mail-to") }
        #expect(throws: MailHeaderError.self) { try MailAddress(parsing: "a b@example.com", field: "--mail-to") }
        #expect(throws: MailHeaderError.self) { try MailAddress(parsing: "a@-example.com", field: "--mail-to") }
        #expect(throws: MailHeaderError.self) { try MailHeaders.checkNoControl("Hi\nthere", field: "--subject") }
        let list = try MailAddress.list(["a@example.com, B <b@example.org>", "c@example.net"], field: "--mail-to")
        #expect(list.map(\.address) == ["a@example.com", "b@example.org", "c@example.net"])
        // A comma inside a quoted display name does not separate addresses.
        let quoted = try MailAddress.list(["\"Doe, Jane\" <jane@example.com>, ops@example.com"], field: "--mail-to")
        #expect(quoted.map(\.address) == ["jane@example.com", "ops@example.com"])
        #expect(quoted.first?.headerText == "\"Doe, Jane\" <jane@example.com>")
        #expect(
            MailHeaderError(field: "--mail-from", value: "", reason: "an .eml needs a sender").description
                == "--mail-from is needed: an .eml needs a sender.")
        let named = try MailAddress(parsing: "Zoë Ops <ops@example.com>", field: "--mail-to")
        #expect(named.headerText.hasPrefix("=?UTF-8?B?") && named.headerText.hasSuffix(" <ops@example.com>"))
    }

    @Test func aMessageHasCRLFLinesAndBoundariesThatCannotOccurInTheParts() throws {
        let message = try MailMessage(
            from: MailAddress(parsing: "reports@example.com", field: "--mail-from"),
            to: [MailAddress(parsing: "ceo@example.com", field: "--mail-to")],
            subject: "Weekly", date: Date(timeIntervalSince1970: 0), messageID: "<fixed@example.com>",
            text: "Hello\n", html: "<p>Hello</p>",
            attachments: [.init(fileName: "a.xlsx", contentType: "application/octet-stream", data: Data(repeating: 7, count: 200))])
        let raw = String(decoding: message.data(), as: UTF8.self)
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(raw.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(raw.contains("Subject: Weekly\r\n"))
        #expect(raw.hasSuffix("--\r\n"))
    }
}
