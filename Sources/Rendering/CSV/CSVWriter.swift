import Foundation

/// How CSV files are written.
public struct CSVOptions: Sendable, Equatable {
    public enum LineEnding: String, Sendable {
        /// CR LF after every record, as RFC 4180 §2.1 says (the default).
        case crlf = "\r\n"
        case lf = "\n"
    }

    /// `--csv-bom`: start the file with the UTF-8 byte-order mark, which Excel needs to read
    /// non-ASCII text as UTF-8.
    public var includesByteOrderMark: Bool
    public var lineEnding: LineEnding
    /// The offset timestamps are written with; UTC (`…Z`) by default.
    public var timeZone: TimeZone

    public init(
        includesByteOrderMark: Bool = false, lineEnding: LineEnding = .crlf,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) {
        self.includesByteOrderMark = includesByteOrderMark
        self.lineEnding = lineEnding
        self.timeZone = timeZone
    }
}

/// Writes each `ReportTable` as one CSV file, `<table.name>.csv` (SPEC §6).
///
/// - RFC 4180: UTF-8, a header row of the column keys, CRLF line endings (LF with
///   `lineEnding: .lf`), the last record ends with a line break too; a field is quoted when it
///   holds a comma, a double quote, CR or LF, and inner quotes are doubled; a record of one
///   empty field is `""`, not an empty line.
/// - Values are machine-readable: integers plain (`-5`); numbers as the shortest decimal that
///   reads back to the same double (`0.125`, exponent only outside 1e-7…1e21, e.g.
///   `3e-250`, see `MachineText.number`); money with exactly two decimals from the `Decimal`
///   (`1234.50`); booleans `true`/`false`; dates `2026-11-16`; timestamps ISO 8601 with offset
///   (`2026-11-16T10:00:00Z`); an empty cell (or a non-finite number) is an empty field.
/// - Text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR, LF or the full-width
///   forms) is prefixed with `'`; numeric cells are never altered.
public struct CSVWriter: Sendable {
    public var options: CSVOptions

    public init(options: CSVOptions = CSVOptions()) {
        self.options = options
    }

    /// `ab-test` → `ab-test.csv`.
    public static func fileName(for table: ReportTable) -> String { table.name + ".csv" }

    /// The whole file in memory.
    public func encode(_ table: ReportTable) -> Data {
        var data = Data()
        write(table) { data.append(contentsOf: $0) }
        return data
    }

    /// Streams the file to `url` in chunks, so a large export never sits in memory twice.
    public func write(_ table: ReportTable, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var failure: Error?
        write(table) { chunk in
            guard failure == nil else { return }
            do { try handle.write(contentsOf: chunk) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The file as chunks of UTF-8 of about 64 KiB, in order.
    public func write(_ table: ReportTable, chunk: (ArraySlice<UInt8>) -> Void) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        if options.includesByteOrderMark { buffer += [0xEF, 0xBB, 0xBF] }
        let newline = Array(options.lineEnding.rawValue.utf8)
        func appendRecord(_ fields: [String]) {
            // A record of one empty field would be an empty line, which readers skip (Python's
            // csv, pandas): it is written as "" instead, as Python's csv writer does.
            if fields == [""] { buffer += Array("\"\"".utf8) }
            for (index, field) in fields.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer += CSVField.escaped(field).utf8
            }
            buffer += newline
            if buffer.count >= 1 << 16 {
                chunk(buffer[...])
                buffer.removeAll(keepingCapacity: true)
            }
        }
        appendRecord(table.columns.map(\.key))
        for row in table.rows { appendRecord(row.map(field)) }
        if !buffer.isEmpty { chunk(buffer[...]) }
    }

    /// A cell's field before quoting.
    public func field(_ cell: ReportCell) -> String {
        switch cell {
        case .empty, .undefined: ""
        case .text(let text): CSVField.neutralizingFormula(text)
        case .integer(let value): String(value)
        case .number(let value): MachineText.number(value) ?? ""
        case .money(let value): MachineText.money(value) ?? ""
        case .boolean(let value): value ? "true" : "false"
        case .date(let date): date.description
        case .timestamp(let date): MachineText.timestamp(date, timeZone: options.timeZone)
        }
    }
}
