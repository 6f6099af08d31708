/// Why a message was not delivered, in one line that says what to do.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `--smtp-url`, `SMTP_PASSWORD` or the CA file cannot work, found before anything is sent.
        case invalidSettings
        /// The server could not be reached, did not answer in time, or the connection broke.
        case unreachable
        /// TLS could not be set up: no STARTTLS offered, or a certificate that does not verify.
        case tls
        /// The server refused the user name and password.
        case authentication
        /// The server refused the sender, a recipient or the message.
        case rejected
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    static func invalidSettings(_ message: String) -> SMTPError { SMTPError(kind: .invalidSettings, message: message) }

    public var description: String { message }
}
