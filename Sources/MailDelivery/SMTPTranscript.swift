import CCurl

/// What the SMTP conversation last said, kept so a failure can name the command and the
/// server's own reply: the last command sent (never the arguments of AUTH, which carry the
/// credentials, nor anything sent while authenticating) and the last reply line received before
/// QUIT.
final class SMTPTranscript: @unchecked Sendable {
    /// E.g. `RCPT TO:<gone@example.com>`, `DATA`, `AUTH PLAIN`.
    private(set) var lastCommand: String?
    /// E.g. `550 5.1.1 No such user here`.
    private(set) var lastReply: String?
    private(set) var repliesReceived = 0
    /// Whether the whole message was handed to the server.
    var messageSent = false
    private var authenticating = false
    /// After QUIT nothing is recorded: its "221 Bye" would hide the reply that failed the transfer.
    private var quitting = false

    /// The last reply's three-digit code.
    var replyCode: Int? { lastReply.flatMap { Int($0.prefix(3)) } }

    func received(_ text: String) {
        guard !quitting else { return }
        for line in Self.lines(text) {
            repliesReceived += 1
            let code = Int(line.prefix(3)) ?? 0
            if authenticating {
                if code == 334 { continue } // a challenge; the client's answer is a credential
                authenticating = false
            }
            lastReply = line
        }
    }

    func sent(_ text: String) {
        guard !authenticating, !quitting else { return }
        for line in Self.lines(text) {
            let words = line.split(separator: " ", maxSplits: 2)
            guard let verb = words.first?.uppercased() else { continue }
            if verb == "QUIT" {
                quitting = true
                return
            }
            if verb == "AUTH" {
                authenticating = true
                lastCommand = (["AUTH"] + words.dropFirst().prefix(1).map(String.init)).joined(separator: " ")
                return
            }
            lastCommand = line
        }
    }

    private static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { String($0) }.filter { !$0.isEmpty }
    }

    /// libcurl's debug callback: commands are `CURLINFO_HEADER_OUT`, replies `CURLINFO_HEADER_IN`;
    /// the message itself (`DATA_OUT`) and TLS records are not looked at.
    static let callback: curl_debug_callback = { _, kind, data, size, context in
        guard let data, let context, kind == CURLINFO_HEADER_IN || kind == CURLINFO_HEADER_OUT else { return 0 }
        let transcript = Unmanaged<SMTPTranscript>.fromOpaque(context).takeUnretainedValue()
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        if kind == CURLINFO_HEADER_IN { transcript.received(text) } else { transcript.sent(text) }
        return 0
    }
}
