import Foundation
import TestSupport
import Testing

/// A workbook as openpyxl reads it (`scripts/read-xlsx.py`): a real reader, not ours.
struct XLSXReadBack: Decodable {
    struct Properties: Decodable {
        var title: String?
        var subject: String?
        var creator: String?
        var description: String?
        var keywords: String?
    }

    enum Value: Decodable, Equatable {
        case string(String)
        case number(Double)
        case boolean(Bool)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) {
                self = .boolean(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
        var string: String? { if case .string(let value) = self { value } else { nil } }
        var number: Double? { if case .number(let value) = self { value } else { nil } }
    }

    struct Cell: Decodable {
        var ref: String
        var type: String
        var value: Value
        var numberFormat: String
        var isDate: Bool
        var bold: Bool
    }

    struct Series: Decodable {
        var name: String?
        var categories: String?
        var values: String?
    }

    struct Chart: Decodable {
        var type: String
        var title: String?
        var highLowLines: Bool
        var series: [Series]
    }

    struct ConditionalFormat: Decodable, Equatable {
        var range: String
        var rules: [String]
    }

    struct Sheet: Decodable {
        var name: String
        var freezePanes: String?
        var autoFilter: String?
        var columnWidths: [String: Double]
        var charts: [Chart]
        /// Conditional formats: the range and its rule types (`colorScale`, `dataBar`).
        var conditionalFormats: [ConditionalFormat]
        var cells: [Cell]
        /// Cell notes by reference.
        var comments: [String: String]

        subscript(_ ref: String) -> Cell? { cells.first { $0.ref == ref } }
    }

    var properties: Properties
    var sheets: [Sheet]

    func sheet(_ name: String) -> Sheet? { sheets.first { $0.name == name } }

    /// Reads `url` back with `scripts/read-xlsx.py` (openpyxl).
    static func read(_ url: URL) throws -> XLSXReadBack {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(XLSXReadBack.self, from: GoldenFile.xlsxReadBack(url))
    }

    struct ReadFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// The XML parts of an XLSX file, unzipped with `/usr/bin/unzip`.
enum XLSXParts {
    static func unzip(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XLSXReadBack.ReadFailure(message: "unzip \(arguments) failed") }
        return data
    }

    static func names(_ url: URL) throws -> [String] {
        String(decoding: try unzip(["-Z1", url.path]), as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }

    static func part(_ name: String, of url: URL) throws -> String {
        // unzip reads the member name as a pattern; brackets must be escaped.
        let pattern = name.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
        return String(decoding: try unzip(["-p", url.path, pattern]), as: UTF8.self)
    }
}
