import Foundation

/// Turns typed cells into text for people: thousands separators, `12.5 %`, `$1,234.50`,
/// p-values as analysts write them (`0.0032`, `3.1e-12`), "n/a" for a missing ratio.
///
/// The output does not depend on the machine's locale (English separators, a typographic
/// minus), so the same document always renders to the same bytes. CSV and XLSX write machine
/// values instead (SPEC §6).
public struct DisplayFormatter: Sendable {
    /// The zone timestamps are shown in: the report's `--timezone`.
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.timeZone = timeZone
    }

    static let minus = "\u{2212}"
    static let noBreakSpace = "\u{00A0}"

    /// The text of one cell.
    public func text(_ cell: ReportCell, format: CellFormat, display: ColumnDisplay = ColumnDisplay()) -> String {
        switch cell {
        case .empty, .undefined:
            return emptyText(format: format, display: display)
        case .text(let text):
            return text
        case .boolean(let value):
            return value ? "Yes" : "No"
        case .date(let date):
            return self.date(date)
        case .timestamp(let date):
            return timestamp(date)
        case .money(let amount):
            if case .money(let currency) = format {
                return money(amount, currency: currency, showsSign: display.showsSign)
            }
            return number(NSDecimalNumber(decimal: amount).doubleValue, format: format, display: display)
        case .integer, .number:
            return number(cell.doubleValue ?? 0, format: format, display: display)
        }
    }

    /// What an empty cell says: "n/a" where a number is missing (a ratio over zero), "—" elsewhere.
    public func emptyText(format: CellFormat, display: ColumnDisplay = ColumnDisplay()) -> String {
        if let text = display.emptyText { return text }
        switch format {
        case .integer, .decimal, .percent, .money, .pValue: return "n/a"
        case .text, .boolean, .date, .timestamp: return "—"
        }
    }

    /// A number in the column's format.
    public func number(_ value: Double, format: CellFormat, display: ColumnDisplay = ColumnDisplay()) -> String {
        let sign = display.showsSign
        switch format {
        case .integer:
            return grouped(value, places: 0, showsSign: sign)
        case .decimal(let places):
            return grouped(value, places: places, showsSign: sign)
        case .percent(let places):
            return percent(value, places: places, showsSign: sign, points: display.isPercentagePoints)
        case .money(let currency):
            return money(Decimal(value), currency: currency, showsSign: sign)
        case .pValue:
            return pValue(value)
        case .text, .boolean, .date, .timestamp:
            return grouped(value, places: value == value.rounded() ? 0 : 2, showsSign: sign)
        }
    }

    /// `12.5 %` for 0.125 (or `+1.2 pp` for a difference of rates).
    public func percent(_ fraction: Double, places: Int, showsSign: Bool = false, points: Bool = false) -> String {
        grouped(fraction * 100, places: places, showsSign: showsSign) + Self.noBreakSpace + (points ? "pp" : "%")
    }

    /// A p-value as analysts read it: two significant digits down to 0.0001 (`0.043`,
    /// `0.0032`), scientific notation below (`3.1e-12`), and `< 1e-300` for an underflow to zero.
    public func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "n/a" }
        if p <= 0 { return "<" + Self.noBreakSpace + "1e-300" }
        if p >= 0.1 { return String(format: "%.2f", p) }
        if p >= 0.0001 {
            // Two significant digits: 0.043, 0.0032, 0.00051.
            let places = max(2, 1 - Int(floor(log10(p))))
            return String(format: "%.*f", places, p)
        }
        let text = String(format: "%.1e", p) // 3.1e-12, 3.0e-250
        // C prints a two-digit exponent with a leading zero ("e-05"); analysts write "e-5".
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return "\(mantissa)e\(exponent)"
    }

    /// `$1,234.50`, `−€12.00`, `1,234.50 XYZ` for a code without a known symbol.
    public func money(_ amount: Decimal, currency: Currency, showsSign: Bool = false) -> String {
        let code = currency.code
        let places = Self.zeroDecimalCurrencies.contains(code) ? 0 : 2
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, places, .plain)
        let isNegative = rounded < 0
        let magnitude = isNegative ? -rounded : rounded
        var digits = NSDecimalNumber(decimal: magnitude).stringValue
        var fraction = ""
        if let dot = digits.firstIndex(of: ".") {
            fraction = String(digits[digits.index(after: dot)...])
            digits = String(digits[..<dot])
        }
        if places > 0 {
            fraction += String(repeating: "0", count: max(0, places - fraction.count))
            fraction = "." + fraction.prefix(places)
        } else {
            fraction = ""
        }
        let body = Self.group(digits) + fraction
        let signText = isNegative ? Self.minus : (showsSign && rounded > 0 ? "+" : "")
        if let symbol = Self.currencySymbols[code] {
            return signText + symbol + body
        }
        return signText + body + Self.noBreakSpace + code
    }

    /// A tick label on a chart's value axis: as few decimals as the tick step needs, and
    /// `12k`/`1.5M` for large counts and amounts.
    public func axisLabel(_ value: Double, format: CellFormat, step: Double, display: ColumnDisplay = ColumnDisplay()) -> String {
        let sign = display.showsSign && value != 0
        switch format {
        case .percent:
            return percent(value, places: Self.decimals(for: step * 100), showsSign: sign, points: display.isPercentagePoints)
        case .money(let currency):
            let code = currency.code
            let magnitude = abs(value)
            let body =
                magnitude >= 10_000 || step >= 1_000
                ? compact(magnitude, step: step)
                : grouped(magnitude, places: Self.decimals(for: step))
            let signText =
                value < 0 && body.contains(where: { ("1"..."9").contains($0) })
                ? Self.minus : (sign ? "+" : "")
            return Self.currencySymbols[code].map { signText + $0 + body } ?? signText + body + Self.noBreakSpace + code
        case .integer, .decimal, .pValue, .text, .boolean, .date, .timestamp:
            if abs(value) >= 10_000 || step >= 1_000 {
                let signText = value < 0 ? Self.minus : (sign ? "+" : "")
                return signText + compact(abs(value), step: step)
            }
            return grouped(value, places: Self.decimals(for: step), showsSign: sign)
        }
    }

    /// `12k`, `1.5M`, `2B` for a non-negative value on an axis whose ticks are `step` apart.
    func compact(_ magnitude: Double, step: Double) -> String {
        let units: [(Double, String)] = [(1e9, "B"), (1e6, "M"), (1e3, "k")]
        for (size, suffix) in units where magnitude >= size || step >= size {
            return grouped(magnitude / size, places: Self.decimals(for: step / size)) + suffix
        }
        return grouped(magnitude, places: Self.decimals(for: step))
    }

    /// The fewest decimals that show every multiple of `step` exactly (0.25 → 2, 5 → 0).
    static func decimals(for step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        for places in 0...8 {
            let scaled = step * pow(10, Double(places))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return places }
        }
        return 8
    }

    /// An interval as "11.2 – 12.8 %": both bounds, a percent unit written once.
    public func interval(low: Double, high: Double, format: CellFormat, display: ColumnDisplay = ColumnDisplay()) -> String {
        let lowText = number(low, format: format, display: display)
        let highText = number(high, format: format, display: display)
        if case .percent = format {
            let unit = Self.noBreakSpace + (display.isPercentagePoints ? "pp" : "%")
            if lowText.hasSuffix(unit) {
                return String(lowText.dropLast(unit.count)) + " – " + highText
            }
        }
        return lowText + " – " + highText
    }

    /// `16 Nov 2026`.
    public func date(_ date: ReportDate) -> String {
        guard (1...12).contains(date.month) else { return date.description }
        return "\(date.day) \(Self.monthNames[date.month - 1]) \(date.year)"
    }

    /// `16 Nov 2026, 09:30` in the report's time zone.
    public func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = ReportDate(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1)
        return self.date(day) + String(format: ", %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `2026-11-23 09:00:00 +01:00`: a precise instant for the reproducibility record.
    public func isoTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let offsetText = String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 3600, abs(offset) % 3600 / 60)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d ", p.year ?? 0, p.month ?? 0, p.day ?? 0,
            p.hour ?? 0, p.minute ?? 0, p.second ?? 0) + offsetText
    }

    /// A number with thousands separators, a fixed number of decimals and a typographic minus.
    public func grouped(_ value: Double, places: Int, showsSign: Bool = false) -> String {
        guard value.isFinite else { return "n/a" }
        var text = Self.fixed(value, places: max(0, places))
        var isNegative = false
        if text.hasPrefix("-") {
            text.removeFirst()
            // "-0.0" after rounding is zero, shown without a sign.
            isNegative = text.contains { $0 != "0" && $0 != "." }
        }
        let integerPart: Substring
        let fractionPart: Substring
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fractionPart = text[dot...]
        } else {
            integerPart = text[...]
            fractionPart = ""
        }
        let isZero = !text.contains { $0 != "0" && $0 != "." }
        let signText = isNegative ? Self.minus : (showsSign && !isZero ? "+" : "")
        return signText + Self.group(String(integerPart)) + fractionPart
    }

    /// `value` with `places` decimals as C's `%.*f` writes it (correctly rounded, no
    /// grouping), through `vsnprintf` on the stack: what `String(format:)` gives, without
    /// Foundation's format parsing per call.
    static func fixed(_ value: Double, places: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 80) { buffer in
            let written = withVaList([Int32(places), value]) { vsnprintf(buffer.baseAddress!, buffer.count, "%.*f", $0) }
            guard written >= 0, Int(written) < buffer.count else { return String(format: "%.*f", places, value) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(written)), as: UTF8.self)
        }
    }

    /// Inserts a comma every three digits from the right: `1234567` → `1,234,567`.
    static func group(_ digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static let currencySymbols: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "KRW": "₩",
        "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "BRL": "R$", "MXN": "MX$", "ILS": "₪", "VND": "₫",
        "NGN": "₦", "PHP": "₱", "UAH": "₴", "TRY": "₺", "CHF": "CHF\u{00A0}",
        "SEK": "SEK\u{00A0}", "NOK": "NOK\u{00A0}", "DKK": "DKK\u{00A0}",
    ]

    static let zeroDecimalCurrencies: Set<String> = ["JPY", "KRW", "VND", "CLP", "ISK", "HUF"]
}
