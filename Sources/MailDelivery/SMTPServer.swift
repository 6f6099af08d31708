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
        // Read by hand rather than with URLComponents, which decodes the host (percent signs,
        // even IDNA), so that what is checked is exactly what libcurl is given.
        guard let schemeEnd = text.range(of: "://") else {
            throw SMTPError.invalidSettings("--smtp-url must start with smtp:// or smtps://, e.g. smtp://mail.example.com:587")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
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
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        guard rest[authorityEnd...].isEmpty || rest[authorityEnd...] == "/" else {
            throw SMTPError.invalidSettings("--smtp-url takes only [user@]host[:port], without a path or query")
        }
        var hostPort = rest[..<authorityEnd]
        if let at = hostPort.lastIndex(of: "@") {
            let userInfo = hostPort[..<at]
            guard !userInfo.contains(":") else {
                throw SMTPError.invalidSettings("--smtp-url holds a password; remove it and set SMTP_PASSWORD instead")
            }
            guard let user = userInfo.removingPercentEncoding,
                !user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw SMTPError.invalidSettings("--smtp-url's user name is not valid percent-encoded text without control characters")
            }
            self.user = user.isEmpty ? nil : user
            hostPort = hostPort[hostPort.index(after: at)...]
        } else {
            self.user = nil
        }
        var host = hostPort
        var portText: Substring?
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = hostPort[...close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw SMTPError.invalidSettings("--smtp-url has text after its IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.firstIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        guard !host.isEmpty else {
            throw SMTPError.invalidSettings("--smtp-url names no host; write it as \(scheme)://host:port")
        }
        guard Self.isPlainHost(String(host)) else {
            throw SMTPError.invalidSettings(
                "--smtp-url's host must be a name of letters, digits, '.' and '-' (xn-- form for other scripts) or an IP address")
        }
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText.prefix(6)),
                (1...65535).contains(port)
            else {
                throw SMTPError.invalidSettings("--smtp-url has port \(portText.prefix(12)); a port is a number between 1 and 65535")
            }
            self.port = port
        } else {
            self.port = security == .implicitTLS ? 465 : 587
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : String(host)
    }

    /// A host name, an IPv4 address or a bracketed IPv6 address, nothing percent-encoded: what
    /// is checked here is exactly what libcurl is given.
    static func isPlainHost(_ host: String) -> Bool {
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let inner = host.dropFirst().dropLast()
            return !inner.isEmpty && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" }
            && !host.hasPrefix("-") && !host.hasPrefix(".")
    }

    public var scheme: String { security == .implicitTLS ? "smtps" : "smtp" }

    /// The URL libcurl connects to: no user, the port always written.
    var connectionURL: String {
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostText):\(port)"
    }

    /// `host:port`, as messages name the server.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
