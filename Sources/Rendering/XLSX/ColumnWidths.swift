import Foundation

/// Column widths estimated from content, since libxlsxwriter 1.1.4 has no autofit: the widest
/// of the header (plus room for the autofilter button) and the cells as Excel would show them,
/// in characters of the default font, between 8 and 60. Wide characters (CJK, emoji) count
/// double. Large tables are measured on their first `sampleRows` rows.
enum ColumnWidths {
    static let minimum = 8.0
    static let maximum = 60.0
    static let sampleRows = 10_000

    static func estimate(for table: ReportTable) -> [Double] {
        table.columns.enumerated().map { index, column in
            var widest = displayWidth(column.title) + 3 // bold header and the filter button
            for row in table.rows.prefix(sampleRows) {
                widest = max(widest, displayWidth(of: row[index], format: column.format) + 1)
                if Double(widest) >= maximum { break }
            }
            return min(max(Double(widest), minimum), maximum)
        }
    }

    static func displayWidth(of cell: ReportCell, format: CellFormat) -> Int {
        switch cell {
        case .empty, .undefined: return 0
        case .text(let text):
            return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                .map { displayWidth(String($0.prefix(200))) }.max() ?? 0
        case .boolean(let value): return value ? 4 : 5
        case .date: return 10
        case .timestamp: return 19
        case .integer, .number, .money:
            guard let value = cell.doubleValue, value.isFinite else { return 0 }
            return numberWidth(value, format: format)
        }
    }

    static func numberWidth(_ value: Double, format: CellFormat) -> Int {
        func grouped(_ magnitude: Double, places: Int) -> Int {
            let integerDigits = magnitude < 1 ? 1 : Int(log10(magnitude).rounded(.down)) + 1
            return integerDigits + (integerDigits - 1) / 3 + (places > 0 ? places + 1 : 0) + (value < 0 ? 1 : 0)
        }
        switch format {
        case .integer: return grouped(value.magnitude, places: 0)
        case .decimal(let places): return grouped(value.magnitude, places: places)
        case .percent(let places): return grouped(value.magnitude * 100, places: places) + 1
        case .money(let currency): return grouped(value.magnitude, places: 2) + (currency == .usDollar ? 1 : 4)
        case .pValue: return value != 0 && value.magnitude < 0.0001 ? 9 : 6
        default: return min((MachineText.number(value) ?? "").count, 15)
        }
    }

    /// Characters as wide as a digit: East Asian wide characters and emoji count as two.
    static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { width, character in
            guard let scalar = character.unicodeScalars.first else { return width }
            let isWide =
                scalar.properties.isEmojiPresentation
                || (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                || (0xFF00...0xFF60).contains(scalar.value) || (0xFFE0...0xFFE6).contains(scalar.value)
                || (0x20000...0x3FFFD).contains(scalar.value)
            return width + (isWide ? 2 : 1)
        }
    }
}
