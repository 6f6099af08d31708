import Foundation

/// A header value that cannot go into a message: CR or LF (header injection), another control
/// character, or an address that is not `local@domain`.
public struct MailHeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the value came from (`--mail-to`, `--subject`, …).
    public var field: String
    public var value: String
    public var reason: String

    public init(field: String, value: String, reason: String) {
        self.field = field
        self.value = value
        self.reason = reason
    }

    public var description: String {
        if value.isEmpty { return "\(field) is needed: \(reason)." }
        let shown = value.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
        return "\(field) '\(shown)' is not usable in an e-mail header: \(reason)."
    }
}

/// A mailbox: `jane@example.com` or `Jane Doe <jane@example.com>`.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public var displayName: String?
    public var address: String

    /// - Throws: `MailHeaderError` naming `field` for CR/LF, control characters or an address
    ///   that is not a plain `local@domain` (no comments, no quoted local parts).
    public init(parsing text: String, field: String) throws {
        func fail(_ reason: String) -> MailHeaderError { MailHeaderError(field: field, value: text, reason: reason) }
        try MailHeaders.checkNoControl(text, field: field)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") { display = String(display.dropFirst().dropLast()) }
            guard !display.contains("\""), !display.contains("\\") else { throw fail("the display name holds a quote or backslash") }
            name = display.isEmpty ? nil : display
        }
        guard !address.isEmpty else { throw fail("no address") }
        guard !address.contains("<"), !address.contains(">"), !address.contains(",") else { throw fail("not a single address") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw fail("an address needs exactly one @") }
        let local = parts[0], domain = parts[1]
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
        guard !local.isEmpty, local.count <= 64,
            local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.allSatisfy(atext.contains) })
        else { throw fail("the part before @ is not a plain local part") }
        let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253,
            labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy(labelCharacters.contains) && !$0.hasPrefix("-") && !$0.hasSuffix("-") })
        else { throw fail("the part after @ is not a domain name such as example.com") }
        self.displayName = name
        self.address = address
    }

    /// Several addresses from repeated and comma-separated values (`a@x.com,b@y.com`).
    public static func list(_ values: [String], field: String) throws -> [MailAddress] {
        try values.flatMap { value in
            try MailHeaders.checkNoControl(value, field: field)
            return try splitOutsideQuotes(value)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { try MailAddress(parsing: $0, field: field) }
        }
    }

    /// The pieces of `value` between commas that are not inside a quoted display name
    /// (`"Doe, Jane" <jane@example.com>, ops@example.com` is two).
    static func splitOutsideQuotes(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == "," && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        return pieces + [current]
    }

    /// As written in a header: the name as it is when plain (letters, digits, spaces), quoted
    /// when other ASCII, else (non-ASCII, `=?`, or too long for one line) as RFC 2047 encoded words.
    public var headerText: String {
        guard let name = displayNameWords(firstLineRoom: MailHeaders.encodedWordLimit) else { return address }
        return name.joined(separator: " ") + " <\(address)>"
    }

    /// As written in a message after `prefix` characters on its line (`From: `), with `suffix`
    /// characters after it (the comma of a list): folded before a word that would make its line
    /// longer than 76 characters, so every line fits when the address does.
    func foldedHeaderText(prefix: Int, suffix: Int = 0) -> String {
        let name = displayNameWords(firstLineRoom: MailHeaders.lineLimit - prefix) ?? []
        let tokens = name + [displayName == nil ? address : "<\(address)>"]
        var text = ""
        var column = prefix
        for (index, token) in tokens.enumerated() {
            let room = MailHeaders.lineLimit - (index == tokens.count - 1 ? suffix : 0)
            if index > 0 {
                if column + 1 + token.count > room {
                    text += "\r\n "
                    column = 1
                } else {
                    text += " "
                    column += 1
                }
            }
            text += token
            column += token.count
        }
        return text
    }

    /// The display name as one plain or quoted word, or as encoded words; nil without a name.
    private func displayNameWords(firstLineRoom: Int) -> [String]? {
        guard let displayName else { return nil }
        // A quoted name of up to 68 characters fits on a line after `From: `.
        if displayName.allSatisfy(\.isASCII), !displayName.contains("=?"), displayName.count <= 66 {
            let isPlain = displayName.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " } && !displayName.contains("  ")
            return [isPlain ? displayName : "\"\(displayName)\""]
        }
        return MailHeaders.encodedWords(displayName, firstWordLimit: firstLineRoom)
    }

    public var description: String { headerText }
}

/// Header helpers: checks and RFC 2047 encoded words.
public enum MailHeaders {
    /// - Throws: `MailHeaderError` for CR, LF or any other control character.
    public static func checkNoControl(_ value: String, field: String) throws {
        if value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) || value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw MailHeaderError(field: field, value: value, reason: "it contains a line break (CR or LF)")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw MailHeaderError(field: field, value: value, reason: "it contains a control character")
        }
    }

    /// RFC 2047 §2: an encoded word is at most 75 characters.
    static let encodedWordLimit = 75
    /// RFC 2047 §2: a header line holding an encoded word is at most 76 characters (RFC 5322
    /// asks for 78 at most in any header line).
    static let lineLimit = 76

    /// `value` as RFC 2047 `=?UTF-8?B?…?=` words, each at most 75 characters long (the first at
    /// most `firstWordLimit`, to leave room for the field name on its line). Words end between
    /// Unicode scalars, never inside a UTF-8 sequence (RFC 2047 §5), so a character of several
    /// scalars (a flag, a letter with combining marks) may span two words; decoders join
    /// adjacent words without the space between them.
    public static func encodedWords(_ value: String, firstWordLimit: Int = 75) -> [String] {
        // "=?UTF-8?B?" and "?=" take 12 characters; base64 gives 4 characters per 3 bytes.
        func byteBudget(_ limit: Int) -> Int { max(4, (min(limit, encodedWordLimit) - 12) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var budget = byteBudget(firstWordLimit)
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > budget {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
                budget = byteBudget(encodedWordLimit)
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words
    }

    /// A header field, folded to lines of at most 76 characters: printable ASCII as it is,
    /// folded before spaces; else (non-ASCII, `=?`, spaces at either end, which readers drop,
    /// or a word too long for a line) as encoded words on continuation lines. Unfolding
    /// (removing each CRLF) gives `Name: value` back.
    static func field(_ name: String, unstructured value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) && !value.contains("=?")
            && value.first != " " && value.last != " ",
            let folded = folded("\(name): \(value)")
        {
            return folded
        }
        return "\(name): " + encodedWords(value, firstWordLimit: lineLimit - name.count - 2).joined(separator: "\r\n ")
    }

    /// ASCII header text folded before spaces into lines of at most 76 characters; nil when a
    /// run of text is too long for a line or a line would hold only spaces.
    static func folded(_ line: String) -> String? {
        guard line.count > lineLimit else { return line }
        // Pieces: each run of spaces with the text after it; a fold goes before a piece.
        var pieces: [Substring] = []
        var start = line.startIndex
        var index = line.startIndex
        var seenText = false
        while index < line.endIndex {
            if line[index] == " " && seenText {
                pieces.append(line[start..<index])
                start = index
                seenText = false
                while index < line.endIndex && line[index] == " " { index = line.index(after: index) }
                continue
            }
            if line[index] != " " { seenText = true }
            index = line.index(after: index)
        }
        pieces.append(line[start...])
        var lines: [String] = []
        var current = ""
        for (index, piece) in pieces.enumerated() {
            // The first word stays on the field name's line (a line of only `Subject:` is legal,
            // but readers handle it less well than encoded words).
            if index > 1 && current.count + piece.count > lineLimit {
                lines.append(current)
                current = ""
            }
            current += piece
        }
        lines.append(current)
        guard lines.allSatisfy({ $0.count <= lineLimit && $0.contains { $0 != " " } }) else { return nil }
        return lines.joined(separator: "\r\n")
    }
}

/// An RFC 5322 / RFC 2045 message: multipart/mixed holding multipart/alternative (plain text
/// and HTML, UTF-8, quoted-printable) and attachments (base64).
public struct MailMessage: Sendable {
    public struct Attachment: Sendable {
        public var fileName: String
        public var contentType: String
        public var data: Data
        public init(fileName: String, contentType: String, data: Data) {
            self.fileName = fileName
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    public var date: Date
    public var messageID: String
    public var text: String
    public var html: String
    public var attachments: [Attachment]

    /// - Throws: `MailHeaderError` when there is no recipient or the subject or a file name
    ///   holds a line break or control character.
    public init(
        from: MailAddress, to: [MailAddress], subject: String, date: Date, messageID: String? = nil,
        text: String, html: String, attachments: [Attachment] = []
    ) throws {
        guard !to.isEmpty else { throw MailHeaderError(field: "--mail-to", value: "", reason: "no recipient was given") }
        try MailHeaders.checkNoControl(subject, field: "--subject")
        for attachment in attachments {
            try MailHeaders.checkNoControl(attachment.fileName, field: "attachment name")
            guard attachment.fileName.unicodeScalars.allSatisfy({ $0.isASCII && $0 != "\"" && $0 != "\\" }) else {
                throw MailHeaderError(field: "attachment name", value: attachment.fileName, reason: "only plain ASCII names are written")
            }
        }
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "localhost"
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(domain)>"
        self.text = text
        self.html = html
        self.attachments = attachments
    }

    /// RFC 5322 date, e.g. `Wed, 25 Nov 2026 10:00:00 +0000`.
    public static func dateText(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// The whole message, CRLF line ends.
    public func data() -> Data {
        let token = messageID.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(String.init).joined()
        let mixed = "=_mixed_\(token.prefix(24))"
        let alternative = "=_alternative_\(token.prefix(24))"
        var lines: [String] = [
            "From: " + from.foldedHeaderText(prefix: "From: ".count),
            "To: "
                + to.enumerated().map { index, address in
                    address.foldedHeaderText(prefix: index == 0 ? "To: ".count : 1, suffix: index == to.count - 1 ? 0 : 1)
                }.joined(separator: ",\r\n "),
            MailHeaders.field("Subject", unstructured: subject),
            "Date: \(Self.dateText(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(mixed)\"",
            "",
            "This is a multi-part message in MIME format.",
            "--\(mixed)",
            "Content-Type: multipart/alternative; boundary=\"\(alternative)\"",
            "",
            "--\(alternative)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            Self.quotedPrintable(text),
            "--\(alternative)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            Self.quotedPrintable(html),
            "--\(alternative)--",
        ]
        for attachment in attachments {
            lines += [
                "--\(mixed)",
                "Content-Type: \(attachment.contentType); name=\"\(attachment.fileName)\"",
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename=\"\(attachment.fileName)\"",
                "",
                attachment.data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]),
            ]
        }
        lines += ["--\(mixed)--", ""]
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    /// RFC 2045 quoted-printable of UTF-8 text: lines end in CRLF, at most 76 characters with
    /// soft breaks, `=`, non-ASCII, trailing blanks and a leading `.` encoded.
    public static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var output: [String] = []
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                var piece = literal ? String(UnicodeScalar(byte)) : "=\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
                if byte == 46 && current.isEmpty { piece = "=2E" }
                if current.count + piece.count > 75 {
                    output.append(current + "=")
                    current = ""
                    if byte == 46 { piece = "=2E" }
                }
                current += piece
            }
            output.append(current)
        }
        return output.joined(separator: "\r\n")
    }
}
