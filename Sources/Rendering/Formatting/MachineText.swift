import Foundation

/// Machine-readable text for values: what CSV writes, and what the XLSX `About` sheet and
/// `manifest.json` show for times. Locale-independent; never thousands separators.
public enum MachineText {
    /// The shortest decimal that reads back to the same double, laid out as ECMAScript's
    /// `Number.prototype.toString` does: positional for 1e-7 ≤ |x| < 1e21 (`0.125`, `1234.5`,
    /// `3` for an integral value), exponent notation outside it (`1.2e-300`, `1e+21`) — the
    /// only sane choice for a p-value like 1.2e-300, and still read by every CSV consumer
    /// (`float()`, `strtod`, `Double(_:)`, spreadsheets). Negative zero is written `0`.
    /// NaN and infinity have no text: nil (CSV writes an empty field).
    public static func number(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        // Between 1e-4 and 2^53 Swift writes the shortest digits positionally already
        // ("1234.5", "0.0125", "3.0"): only an integral value's ".0" goes.
        let magnitude = value.magnitude
        if magnitude >= 1e-4 && magnitude < 9_007_199_254_740_992 {
            let text = value.description
            if !text.utf8.contains(UInt8(ascii: "e")) {
                return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
            }
        }
        return laidOut(value)
    }

    /// The layout of `number` for any finite nonzero value, from the digits of `description`.
    static func laidOut(_ value: Double) -> String {
        // Swift's `description` is the shortest round-trip digit string (Steele–White/Grisu
        // style); only its layout changes here, never its digits.
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts[0]
        let fractionPart = parts.count > 1 ? parts[1] : ""
        var digits = Array(integerPart + fractionPart)
        // value = 0.d1d2… × 10^n
        var n = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count
        let sign = value < 0 ? "-" : ""
        let body: String
        if k <= n && n <= 21 {
            body = String(digits) + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            body = String(digits[..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            body = "0." + String(repeating: "0", count: -n) + String(digits)
        } else {
            let e = n - 1
            let mantissa = k == 1 ? String(digits) : String(digits[0]) + "." + String(digits[1...])
            body = mantissa + "e" + (e < 0 ? "-" : "+") + String(e.magnitude)
        }
        return sign + body
    }

    /// An amount with exactly two decimals (`1234.50`, `-0.10`), rounded half away from zero,
    /// computed on the `Decimal` itself (never through a `Double`). NaN: nil.
    public static func money(_ value: Decimal) -> String? {
        guard !value.isNaN else { return nil }
        var source = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &source, 2, .plain)
        // `Decimal.description` is positional and locale-independent ("1234.5", "100000").
        var text = rounded.description
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        var integer = Substring(text)
        var fraction = Substring("")
        if let dot = text.firstIndex(of: ".") {
            integer = text[..<dot]
            fraction = text[text.index(after: dot)...]
        }
        let cents = String(fraction.prefix(2)).padding(toLength: 2, withPad: "0", startingAt: 0)
        let isZero = integer.allSatisfy { $0 == "0" } && cents == "00"
        return (negative && !isZero ? "-" : "") + (integer.isEmpty ? "0" : integer) + "." + cents
    }

    /// The zone's name as users write it (Foundation calls UTC "GMT").
    public static func zoneName(_ timeZone: TimeZone) -> String {
        timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier
    }

    /// ISO 8601 with the offset of `timeZone`: `2026-11-16T10:00:00Z` in UTC,
    /// `2026-11-16T11:00:00+01:00` elsewhere. Fractions of a second appear only when there are
    /// some, to the microsecond (PostgreSQL's precision), trailing zeros dropped.
    public static func timestamp(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let wholeSeconds = (micros / 1_000_000).rounded(.down)
        let fractionMicros = Int(micros - wholeSeconds * 1_000_000)
        let whole = Date(timeIntervalSince1970: wholeSeconds)
        let offset = timeZone.secondsFromGMT(for: whole)
        let parts = CivilTime(secondsSinceEpoch: Int(wholeSeconds) + offset)
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year, parts.month, parts.day,
            parts.hour, parts.minute, parts.second)
        if fractionMicros > 0 {
            var fraction = String(format: "%06d", fractionMicros)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        if offset == 0 { return text + "Z" }
        let magnitude = abs(offset) / 60
        return text + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", magnitude / 60, magnitude % 60)
    }
}

/// A proleptic Gregorian date and time of day from a count of seconds since 1970-01-01
/// (already shifted to local time), without Calendar or locale.
struct CivilTime: Equatable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(secondsSinceEpoch: Int) {
        let days = Int((Double(secondsSinceEpoch) / 86_400).rounded(.down))
        let secondsOfDay = secondsSinceEpoch - days * 86_400
        (year, month, day) = CivilTime.civil(fromDays: days)
        hour = secondsOfDay / 3600
        minute = secondsOfDay % 3600 / 60
        second = secondsOfDay % 60
    }

    /// Howard Hinnant's `civil_from_days`.
    static func civil(fromDays z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
