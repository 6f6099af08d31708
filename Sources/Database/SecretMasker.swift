import Foundation

/// Removes passwords from any text before it is shown, logged or stored in an error.
///
/// It masks the secrets it was told about (the password of the connection string,
/// `PGPASSWORD`, `SMTP_PASSWORD`) wherever they appear, and, structurally, the password part of any
/// `scheme://user:password@` URL and any `password=…` conninfo pair.
public struct SecretMasker: Sendable {
    public static let mask = "********"

    private var secrets: [String]

    public init(secrets: [String] = []) {
        // Longest first, so a secret that contains another is masked whole. Secrets shorter
        // than three characters would garble every message; the structural rules still apply.
        self.secrets = Array(Set(secrets.filter { $0.count >= 3 })).sorted { $0.count > $1.count }
    }

    /// A masker that also knows `PGPASSWORD` and `SMTP_PASSWORD`.
    public static func withEnvironment(
        _ secrets: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> SecretMasker {
        SecretMasker(secrets: secrets + [environment["PGPASSWORD"], environment["SMTP_PASSWORD"]].compactMap { $0 })
    }

    public func adding(_ more: [String]) -> SecretMasker {
        SecretMasker(secrets: secrets + more)
    }

    public func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
            let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
            if encoded != secret { result = result.replacingOccurrences(of: encoded, with: Self.mask) }
        }
        result = Self.maskURLPasswords(result)
        result = Self.maskKeywordPasswords(result)
        return result
    }

    /// `scheme://user:secret@host` → `scheme://user:********@host`.
    private static func maskURLPasswords(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var output = ""
        var rest = Substring(text)
        while let schemeEnd = rest.range(of: "://") {
            output += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            // The authority ends at the first '/', '?', '#' or whitespace; its userinfo at the last '@'.
            let authorityEnd = rest.firstIndex { "/?# \t\n\"'".contains($0) } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                output += authority[...colon] + mask + authority[at...]
            } else {
                output += authority
            }
            rest = rest[authorityEnd...]
        }
        return output + rest
    }

    /// `password=secret` or `password = 'se cret'` → `password=********`.
    private static func maskKeywordPasswords(_ text: String) -> String {
        guard text.range(of: "password", options: .caseInsensitive) != nil else { return text }
        let pattern = #"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        let range = NSRange(text.startIndex..., in: text)
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: "$1" + mask)
    }
}
