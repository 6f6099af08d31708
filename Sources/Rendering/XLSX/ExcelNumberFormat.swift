import Foundation

/// Excel number formats for the document's cell formats, and the serial numbers Excel keeps
/// dates and times as.
enum ExcelNumberFormat {
    static let integer = "#,##0"
    static let date = "yyyy-mm-dd"
    static let timestamp = "yyyy-mm-dd hh:mm:ss"
    static let pValue = "0.0000"
    /// For p-values below 0.0001, which `0.0000` would show as zero.
    static let pValueScientific = "0.00E+00"
    static let money = "#,##0.00"

    /// The number format of a numeric cell in a column of `format`; nil is Excel's General.
    static func forNumber(_ value: Double, column format: CellFormat) -> String? {
        switch format {
        case .integer: integer
        case .decimal(let places): places > 0 ? "#,##0." + String(repeating: "0", count: min(places, 15)) : integer
        case .percent(let places): places > 0 ? "0." + String(repeating: "0", count: min(places, 15)) + "%" : "0%"
        case .money(let currency): money(currency: currency)
        case .pValue: value != 0 && value.magnitude < 0.0001 ? pValueScientific : pValue
        case .text, .boolean, .date, .timestamp: nil
        }
    }

    /// `"$"#,##0.00` for USD, `"£"#,##0.00` for GBP, `#,##0.00 "EUR"` for the others: the ISO
    /// code is reduced to its letters, so a currency can never inject format syntax.
    static func money(currency: Currency) -> String {
        let code = currency.code
        switch code {
        case "USD": return "\"$\"" + money
        case "GBP": return "\"£\"" + money
        case "": return money
        default: return money + " \"" + code + "\""
        }
    }

    /// Days since 1899-12-30, Excel's day zero (right from 1900-03-01 on; nil before 1900,
    /// which Excel cannot store as a date).
    static func serial(of date: ReportDate) -> Double? {
        guard date.year >= 1900, date.year <= 9999 else { return nil }
        return Double(CivilTime.days(year: date.year, month: date.month, day: date.day) + 25_569)
    }

    /// The wall-clock time in `timeZone` as an Excel date-time serial (Excel has no zone).
    static func serial(of date: Date, in timeZone: TimeZone) -> Double? {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        let serial = local / 86_400 + 25_569
        // 1900-01-01 … 9999-12-31
        guard serial >= 1, serial < 2_958_466 else { return nil }
        return serial
    }
}
