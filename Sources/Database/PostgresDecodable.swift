import Foundation

/// A Swift type that a column's text form decodes into. A value that does not fit fails the
/// decode rather than being rounded, truncated or guessed.
public protocol PostgresDecodable {
    /// The PostgreSQL type named in errors.
    static var postgresTypeName: String { get }
    /// nil when `text` does not fit.
    static func decode(postgresText text: String) -> Self?
}

extension String: PostgresDecodable {
    public static var postgresTypeName: String { "text" }
    public static func decode(postgresText text: String) -> String? { text }
}

extension Int: PostgresDecodable {
    public static var postgresTypeName: String { "integer" }
    public static func decode(postgresText text: String) -> Int? { Int(text) }
}

extension Double: PostgresDecodable {
    public static var postgresTypeName: String { "double precision" }
    public static func decode(postgresText text: String) -> Double? {
        switch text {
        case "NaN", "Infinity", "-Infinity": nil // a report never shows these
        default: Double(text)
        }
    }
}

extension Bool: PostgresDecodable {
    public static var postgresTypeName: String { "boolean" }
    public static func decode(postgresText text: String) -> Bool? {
        switch text {
        case "t": true
        case "f": false
        default: nil
        }
    }
}

extension Decimal: PostgresDecodable {
    public static var postgresTypeName: String { "numeric" }

    /// Exact: at most 38 significant digits, as `Decimal` holds; NaN and infinities fail.
    public static func decode(postgresText text: String) -> Decimal? {
        var digits = 0
        var sawPoint = false
        var leading = true
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where offset == 0: continue
            case UInt8(ascii: "."):
                if sawPoint { return nil }
                sawPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if byte != UInt8(ascii: "0") { leading = false }
                if !leading { digits += 1 }
            default: return nil
            }
        }
        guard !text.isEmpty, text != "-", text != ".", digits <= 38 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

extension UUID: PostgresDecodable {
    public static var postgresTypeName: String { "uuid" }
    public static func decode(postgresText text: String) -> UUID? { UUID(uuidString: text) }
}

extension CalendarDate: PostgresDecodable {
    public static var postgresTypeName: String { "date" }
    public static func decode(postgresText text: String) -> CalendarDate? { CalendarDate(text) }
}

extension Date: PostgresDecodable {
    public static var postgresTypeName: String { "timestamp with time zone" }

    /// Parses the ISO output of `timestamptz` (DateStyle ISO): `2026-11-16 10:00:00.5+05:30`.
    /// `infinity` and BC dates do not fit a report and fail.
    public static func decode(postgresText text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 22, bytes[10] == UInt8(ascii: " "),
            let day = CalendarDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]),
            let second = number(bytes[17..<19])
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start, let micros = number(bytes[start..<index]) else { return nil }
            fraction = Double(micros) / pow(10, Double(index - start))
        }
        // The offset: ±HH, ±HH:MM or ±HH:MM:SS.
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
        let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
        let parts = bytes[(index + 1)...].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 }) else { return nil }
        var offset = 0
        for (position, part) in parts.enumerated() {
            guard let value = number(part) else { return nil }
            offset += value * [3600, 60, 1][position]
        }
        let seconds = day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - sign * offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return bytes.isEmpty ? nil : value
    }
}
