import Foundation

/// An ISO 4217 currency, checked and upper-cased once where the run's options are read.
public struct Currency: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// `USD`, `EUR`, …
    public let code: String

    public static let usDollar = Currency(checked: "USD")

    /// Nil unless `text` (any case) is a three-letter ISO 4217 code.
    public init?(_ text: String) {
        let code = text.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isLetter && $0.isASCII }),
            Locale.Currency.isoCurrencies.contains(Locale.Currency(code))
        else { return nil }
        self.code = code
    }

    private init(checked code: String) {
        self.code = code
    }

    public var description: String { code }

    /// A code written in the source (`"EUR"`); it must be an ISO 4217 code.
    public init(stringLiteral value: String) {
        guard let currency = Currency(value) else { preconditionFailure("'\(value)' is not an ISO 4217 currency code") }
        self = currency
    }
}
