import Foundation

/// Where `--send` delivers: an `smtp://` or `smtps://` URL, checked before any report is built.
///
/// `smtps://` speaks TLS from the first byte (port 465 unless given); `smtp://` upgrades with
/// STARTTLS (port 587 unless given) and refuses a server that does not offer it, unless
/// `allowsPlaintext`. A user name may stand in the URL (`smtp://reports%40example.com@host`);
/// a password never may: it comes from `SMTP_PASSWORD` only.
public struct SMTPServer: Sendable, Equatable, CustomStringConvertible {
    public enum Security: Sendable, Equatable {
        /// TLS from the start (`smtps://`).
        case implicitTLS
        /// STARTTLS, required (`smtp://`).
        case startTLS
        /// No encryption at all, for a relay on the same host (`smtp://` with `--no-starttls`).
        case none
    }

    public var host: String
    public var port: Int
    public var user: String?
    public var security: Security

    /// - Throws: `SMTPError` with kind `.invalidSettings` for anything but a plain
    ///   `smtp[s]://[user@]host[:port]` URL; the message never repeats a password.
    public init(url text: String, allowsPlaintext: Bool = false) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SMTPError.invalidSettings("--smtp-url is not a URL; write it as smtp://host:port or smtps://host:port")
        }
        switch scheme {
        case "smtps":
            guard !allowsPlaintext else {
                throw SMTPError.invalidSettings("--no-starttls applies to smtp:// only; smtps:// is always encrypted")
            }
            security = .implicitTLS
        case "smtp":
            security = allowsPlaintext ? .none : .startTLS
        default:
            throw SMTPError.invalidSettings("--smtp-url must start with smtp:// or smtps://, not \(scheme)://")
        }
        guard components.password == nil else {
            throw SMTPError.invalidSettings("--smtp-url holds a password; remove it and set SMTP_PASSWORD instead")
        }
        guard let host = components.host, !host.isEmpty else {
            throw SMTPError.invalidSettings("--smtp-url names no host; write it as \(scheme)://host:port")
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            throw SMTPError.invalidSettings("--smtp-url takes only [user@]host[:port], without a path or query")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw SMTPError.invalidSettings("--smtp-url has port \(port); a port is between 1 and 65535")
        }
        // URLComponents keeps the brackets of an IPv6 address.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? (security == .implicitTLS ? 465 : 587)
        let user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }
        self.user = user?.isEmpty == true ? nil : user
        if let user = self.user, user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SMTPError.invalidSettings("--smtp-url has a control character in its user name")
        }
    }

    /// The URL libcurl connects to: no user, the port always written.
    var connectionURL: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostText):\(port)"
    }

    /// `host:port`, as messages name the server.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
