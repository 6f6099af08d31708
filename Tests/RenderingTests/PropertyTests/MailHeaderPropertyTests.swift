import Foundation
import Testing

@testable import Rendering

/// The e-mail's header over random subjects and display names (seeded): only the headers the
/// message writes, lines of at most 76 characters (RFC 2047 §2, within RFC 5322's 78), encoded
/// words of at most 75, values that decode to what was given, and refusal of any control
/// character or line break (header injection) with `MailHeaderError`.
@Suite("Mail header properties")
struct MailHeaderPropertyTests {
    static let headerNames = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"]
    static let addresses = ["reports@example.com", "a@b.io", "ceo.office+weekly@mail.example.org", "x_y@sub.example.net"]
    static let date = Date(timeIntervalSince1970: 1_795_420_800)

    static func message(from: MailAddress, to: [MailAddress], subject: String) throws -> String {
        let message = try MailMessage(from: from, to: to, subject: subject, date: date, text: "Hello\n", html: "<p>Hello</p>")
        return String(decoding: message.data(), as: UTF8.self)
    }

    /// The header block's fields, unfolded (each CRLF before a space removed), the value
    /// without the one space after the colon.
    static func fields(of raw: String) -> [(name: String, value: String)] {
        let block = raw.components(separatedBy: "\r\n\r\n")[0]
        var unfolded: [String] = []
        for line in block.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !unfolded.isEmpty {
                unfolded[unfolded.count - 1] += line
            } else {
                unfolded.append(line)
            }
        }
        return unfolded.map { field in
            guard let colon = field.firstIndex(of: ":") else { return (field, "") }
            let value = field[field.index(after: colon)...]
            return (String(field[..<colon]), String(value.hasPrefix(" ") ? value.dropFirst() : value))
        }
    }

    /// RFC 2047 decoding of a run of B-encoded words, or the text itself when it holds none.
    static func decoded(_ value: String) -> String? {
        guard value.hasPrefix("=?UTF-8?B?") else { return value }
        var bytes: [UInt8] = []
        for word in value.split(separator: " ") {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            else { return nil }
            bytes += data
        }
        return String(validating: bytes, as: UTF8.self) // keeps a leading U+FEFF, which Foundation drops
    }

    /// A mailbox as written: (display name, address).
    static func mailbox(_ text: String) -> (name: String?, address: String)? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else { return (nil, text) }
        let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        var name = String(text[..<open])
        guard name.hasSuffix(" ") else { return nil }
        name.removeLast()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { return (String(name.dropFirst().dropLast()), address) }
        return decoded(name).map { ($0, address) }
    }

    /// Checks every line of the header block and returns its fields.
    static func checkedFields(_ raw: String, _ context: String) -> [(name: String, value: String)] {
        let block = raw.components(separatedBy: "\r\n\r\n")[0]
        for line in block.components(separatedBy: "\r\n") {
            #expect(!line.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "\(context): a bare CR or LF in \(line.debugDescription)")
            #expect(line.count <= 76, "\(context): \(line.count) characters: \(line.debugDescription)")
            #expect(line.unicodeScalars.allSatisfy { $0.isASCII }, "\(context): non-ASCII in \(line.debugDescription)")
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.count <= 75, "\(context): encoded word of \(word.count) characters")
            }
        }
        let fields = fields(of: raw)
        #expect(fields.map(\.name) == headerNames, "\(context): headers \(fields.map(\.name))")
        return fields
    }

    @Test func randomSubjectsFoldIntoShortLinesAndDecodeToThemselves() throws {
        var random = RandomText(seed: 2047)
        let from = try MailAddress(parsing: "reports@example.com", field: "--mail-from")
        let to = [try MailAddress(parsing: "ceo@example.com", field: "--mail-to")]
        for round in 0..<1_500 {
            var subject = random.printable(pieces: 1...14)
            // Long ones too: plain ASCII words, one long ASCII run, or anything.
            switch round % 10 {
            case 0:
                subject = (0..<random.int(10...120)).map { _ in random.element(["weekly", "report", "Bcc:", "=", "a", "partner-roi"]) }.joined(separator: " ")
            case 1: subject = String(repeating: "x", count: random.int(70...400))
            case 2: subject = (0..<random.int(5...40)).map { _ in random.printable(pieces: 4...12) }.joined()
            default: break
            }
            let raw = try Self.message(from: from, to: to, subject: subject)
            let fields = Self.checkedFields(raw, "subject \(subject.debugDescription)")
            let value = try #require(fields.first { $0.name == "Subject" }?.value)
            #expect(Self.decoded(value) == subject, "\(subject.debugDescription) → \(value)")
        }
    }

    @Test func randomDisplayNamesFoldIntoShortLinesAndDecodeToThemselves() throws {
        var random = RandomText(seed: 5322)
        for round in 0..<800 {
            func mailbox() throws -> (MailAddress, String?, String) {
                let address = random.element(Self.addresses)
                var name = random.printable(pieces: 0...10, excluding: ["\"", "\\"])
                if round % 7 == 0 { name = String(repeating: random.element(["Zoë ", "Jane Doe ", "a,b; ", "漢字"]), count: random.int(1...30)) }
                let parsed = try MailAddress(parsing: name.isEmpty ? address : "\(name) <\(address)>", field: "--mail-to")
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                return (parsed, trimmed.isEmpty ? nil : trimmed, address)
            }
            let from = try mailbox()
            let to = try (0..<random.int(1...3)).map { _ in try mailbox() }
            let raw = try Self.message(from: from.0, to: to.map(\.0), subject: "Weekly")
            let context = "from \(from.1.debugDescription), to \(to.map(\.1.debugDescription))"
            let fields = Self.checkedFields(raw, context)
            let fromValue = try #require(fields.first { $0.name == "From" }?.value)
            let written = Self.mailbox(fromValue)
            #expect(written?.name == from.1 && written?.address == from.2, "\(context): From: \(fromValue)")
            let toValue = try #require(fields.first { $0.name == "To" }?.value)
            let recipients = MailAddress.splitOutsideQuotes(toValue).map(Self.mailbox)
            #expect(recipients.map { $0?.name } == to.map(\.1) && recipients.map { $0?.address } == to.map(\.2), "\(context): To: \(toValue)")
        }
    }

    @Test func anyControlCharacterOrLineBreakIsRefused() throws {
        var random = RandomText(seed: 0x0D0A)
        let from = try MailAddress(parsing: "reports@example.com", field: "--mail-from")
        let breaks: [String] = ["\r", "\n", "\r\n", "\u{85}", "\u{2028}", "\u{2029}", "\u{0}", "\u{1}", "\u{7F}", "\u{1B}", "\t", "\u{9F}"]
        for _ in 0..<3_000 {
            let text =
                random.printable(pieces: 0...6) + random.element(breaks) + random.element(["Bcc: victim@example.net", "", " x"])
                + random.printable(pieces: 0...6)
            #expect(throws: MailHeaderError.self, "\(text.debugDescription)") {
                _ = try MailMessage(from: from, to: [from], subject: text, date: Self.date, text: "", html: "")
            }
            #expect(throws: MailHeaderError.self, "\(text.debugDescription)") { _ = try MailAddress(parsing: "\(text) <a@example.com>", field: "--mail-to") }
            #expect(throws: MailHeaderError.self, "\(text.debugDescription)") { _ = try MailAddress(parsing: "a@example.com" + text, field: "--mail-to") }
            #expect(throws: MailHeaderError.self, "\(text.debugDescription)") { _ = try MailAddress.list(["a@example.com, " + text], field: "--mail-to") }
        }
    }

    @Test func encodedWordsEndBetweenScalarsAndFitTheirLimit() {
        var random = RandomText(seed: 75)
        for _ in 0..<5_000 {
            // Long characters too: a letter with many combining marks is one character of ~60 bytes.
            let text = random.printable(pieces: 1...20) + (random.chance(20) ? "e" + String(repeating: "\u{301}", count: random.int(20...40)) : "")
            let limit = random.int(20...75)
            let words = MailHeaders.encodedWords(text, firstWordLimit: limit)
            #expect(words.first.map { $0.count <= limit } ?? text.isEmpty, "\(text.debugDescription)")
            #expect(words.allSatisfy { $0.count <= 75 && $0.count > 12 }, "\(text.debugDescription): \(words)")
            #expect(Self.decoded(words.joined(separator: " ")) == text, "\(text.debugDescription)")
        }
    }

    /// Python's `email` package reads the same subject, names and addresses from a sample of
    /// random messages, without defects. Display names are decoded with `email.header`:
    /// policy.default's address parser of Python 3.11 puts a space between adjacent encoded
    /// words (CPython issue 128110), against RFC 2047 §6.2.
    @Test func pythonsEmailPackageReadsTheSameHeaders() throws {
        var random = RandomText(seed: 822)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mail-properties-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        struct Expected: Codable, Equatable {
            var subject: String
            var names: [String]
            var addresses: [String]
            var defects: [String]
        }
        var expected: [Expected] = []
        for index in 0..<80 {
            let subject =
                index % 5 == 0
                ? String(repeating: "Weekly partner report ", count: random.int(1...12)) + "Zoë"
                : random.printable(pieces: 1...14)
            let names = (0..<3).map { _ in random.printable(pieces: 1...8, excluding: ["\"", "\\"]).trimmingCharacters(in: .whitespaces) }
            let mailboxes = try zip(names, Self.addresses).map { name, address in
                try MailAddress(parsing: name.isEmpty ? address : "\(name) <\(address)>", field: "--mail-to")
            }
            let raw = try Self.message(from: mailboxes[0], to: Array(mailboxes.dropFirst()), subject: subject)
            try Data(raw.utf8).write(to: folder.appendingPathComponent("\(index).eml"))
            expected.append(Expected(subject: subject, names: names, addresses: Array(Self.addresses.prefix(3)), defects: []))
        }
        let script = """
            import email, email.header, email.policy, email.utils, json, sys
            folder, count = sys.argv[1], int(sys.argv[2])
            result = []
            for index in range(count):
                with open(f"{folder}/{index}.eml", "rb") as handle:
                    data = handle.read()
                message = email.message_from_bytes(data, policy=email.policy.default)
                legacy = email.message_from_bytes(data, policy=email.policy.compat32)
                mailboxes = list(message["From"].addresses) + list(message["To"].addresses)
                defects = [type(d).__name__ for d in message.defects]
                for name in ("From", "To", "Subject"):
                    defects += [type(d).__name__ for d in message[name].defects]
                pairs = email.utils.getaddresses([legacy["From"], legacy["To"]])
                names = [str(email.header.make_header(email.header.decode_header(n))) for n, _ in pairs]
                result.append({"subject": str(message["Subject"]), "names": names,
                               "addresses": [m.addr_spec for m in mailboxes], "defects": defects})
            json.dump(result, sys.stdout)
            """
        let parsed = try JSONDecoder().decode([Expected].self, from: Python.run(script, arguments: [folder.path, String(expected.count)]))
        try #require(parsed.count == expected.count)
        for index in expected.indices {
            #expect(parsed[index] == expected[index], "message \(index)")
        }
    }
}
