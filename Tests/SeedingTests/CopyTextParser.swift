import Foundation
import Seeding

/// Reads PostgreSQL COPY text format the way the server does: rows end at an unescaped
/// newline, fields at an unescaped tab, `\N` alone is NULL, and backslash sequences
/// (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`, octal, `\x` hex) stand for their byte.
enum CopyTextParser {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func rows(_ bytes: [UInt8]) throws -> [[String?]] {
        var rows: [[String?]] = []
        var fields: [String?] = []
        var field: [UInt8] = []
        var isNull = false
        var index = 0
        var fieldStart = true
        func endField() throws {
            if isNull {
                fields.append(nil)
            } else {
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw Failure(description: "field is not UTF-8 in row \(rows.count + 1)")
                }
                fields.append(text)
            }
            field.removeAll(keepingCapacity: true)
            isNull = false
            fieldStart = true
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x09:
                try endField()
            case 0x0A:
                try endField()
                rows.append(fields)
                fields = []
            case 0x0D:
                throw Failure(description: "raw carriage return in row \(rows.count + 1)")
            case 0x5C:
                guard index < bytes.count else { throw Failure(description: "trailing backslash") }
                let next = bytes[index]
                index += 1
                if next == 0x4E {
                    // \N is NULL only as the whole field.
                    guard fieldStart, index >= bytes.count || bytes[index] == 0x09 || bytes[index] == 0x0A else {
                        throw Failure(description: "\\N inside a field in row \(rows.count + 1)")
                    }
                    isNull = true
                    fieldStart = false
                    continue
                }
                switch next {
                case 0x62: field.append(0x08)
                case 0x66: field.append(0x0C)
                case 0x6E: field.append(0x0A)
                case 0x72: field.append(0x0D)
                case 0x74: field.append(0x09)
                case 0x76: field.append(0x0B)
                case 0x30...0x37:
                    var value = Int(next - 0x30)
                    var digits = 1
                    while digits < 3, index < bytes.count, (0x30...0x37).contains(bytes[index]) {
                        value = value * 8 + Int(bytes[index] - 0x30)
                        index += 1
                        digits += 1
                    }
                    field.append(UInt8(truncatingIfNeeded: value))
                default:
                    // `\\` and any other escaped character stand for themselves.
                    field.append(next)
                }
                fieldStart = false
            default:
                field.append(byte)
                fieldStart = false
            }
        }
        guard fields.isEmpty, field.isEmpty, !isNull else {
            throw Failure(description: "the last row does not end with a newline")
        }
        return rows
    }
}

/// All bytes of a generator, in chunks as the loader asks for them.
func generatedBytes(_ generator: any TableGenerator, chunkRows: Int = 8192) -> [UInt8] {
    var bytes: [UInt8] = []
    var start = 0
    while start < generator.rowCount {
        let end = min(start + chunkRows, generator.rowCount)
        generator.appendRows(start..<end, to: &bytes)
        start = end
    }
    return bytes
}

/// 64-bit FNV-1a, enough to tell outputs apart.
func checksum(_ bytes: [UInt8], into hash: inout UInt64) {
    for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
}

/// Seconds since 1970-01-01 of `YYYY-MM-DD HH:MM:SS+00` (or a date alone).
func epochSeconds(_ text: String) -> Int? {
    let parts = text.split(whereSeparator: { "- :+".contains($0) }).compactMap { Int($0) }
    guard parts.count >= 3 else { return nil }
    let days = daysSinceEpoch(year: parts[0], month: parts[1], day: parts[2])
    let time = parts.count >= 6 ? parts[3] * 3600 + parts[4] * 60 + parts[5] : 0
    return days * 86_400 + time
}

/// Hinnant's `days_from_civil`.
func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The small plan the tests share, generated and parsed once.
enum SmallSeed {
    /// 2025-12-28, a Sunday.
    static let lastDay = 20_450
    static let plan = SeedPlan(scale: .small, seed: 42, lastDay: lastDay)

    static let tables: [String: [[String?]]] = {
        var tables: [String: [[String?]]] = [:]
        for generator in plan.generators {
            // A generator that cannot be parsed fails the tests that read it.
            tables[generator.table] = (try? CopyTextParser.rows(generatedBytes(generator))) ?? []
        }
        return tables
    }()

    static let realTimeMetrics = rows("real_time_metrics")
    static let partnershipAnalytics = rows("partnership_analytics")
    static let partnerCosts = rows("partner_costs")
    static let viralMetrics = rows("viral_metrics")
    static let abTestAssignments = rows("ab_test_assignments")
    static let conversionEvents = rows("conversion_events")

    /// Rows of `table` as dictionaries by column name.
    private static func rows(_ table: String) -> [[String: String?]] {
        guard let generator = plan.generator(for: table), let rows = tables[table] else { return [] }
        return rows.map { fields in
            Dictionary(uniqueKeysWithValues: zip(generator.columns, fields).map { ($0, $1) })
        }
    }
}
