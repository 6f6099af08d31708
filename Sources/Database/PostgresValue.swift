import Foundation

/// A value sent as a `$n` parameter: its type OID and its text form. Nothing is ever spliced
/// into SQL text.
public enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)
    case int(Int)
    case double(Double)
    case decimal(Decimal)
    case bool(Bool)
    case date(CalendarDate)
    case timestamp(Date)
    case uuid(UUID)
    case jsonb(String)
    case textArray([String])

    /// The parameter's type OID (0 lets the server infer it, as for NULL).
    var typeOID: UInt32 {
        switch self {
        case .null: 0
        case .text: 25
        case .int: 20
        case .double: 701
        case .decimal: 1700
        case .bool: 16
        case .date: 1082
        case .timestamp: 1184
        case .uuid: 2950
        case .jsonb: 3802
        case .textArray: 1009
        }
    }

    /// The text form PostgreSQL reads, or nil for NULL.
    var encoded: String? {
        switch self {
        case .null: nil
        case .text(let text), .jsonb(let text): text
        case .int(let value): String(value)
        case .double(let value): "\(value)"
        case .decimal(let value): NSDecimalNumber(decimal: value).stringValue
        case .bool(let value): value ? "t" : "f"
        case .date(let date): date.postgresText
        case .timestamp(let date): Self.isoTimestamp(date)
        case .uuid(let uuid): uuid.uuidString.lowercased()
        case .textArray(let items):
            "{"
                + items.map {
                    "\""
                        + $0.replacingOccurrences(of: "\\", with: "\\\\")
                        .replacingOccurrences(of: "\"", with: "\\\"") + "\""
                }.joined(separator: ",") + "}"
        }
    }

    /// `2026-11-16 10:00:00.123456+00`, rounded to the microsecond PostgreSQL stores.
    public static func isoTimestamp(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let totalMicros = Int64(micros)
        var seconds = totalMicros / 1_000_000
        var fraction = totalMicros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let day = CalendarDate(daysSinceEpoch: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "\(day.dayText) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if fraction != 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "+00" + (day.year > 0 ? "" : " BC")
    }
}
