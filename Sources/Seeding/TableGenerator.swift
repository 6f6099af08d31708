import Foundation

/// Generates one table's rows in PostgreSQL COPY text format.
///
/// Generators are pure values: row `i` depends only on the plan and `i`, so chunks may be
/// generated in any order, on any thread, and always give the same bytes.
public protocol TableGenerator: Sendable {
    /// The table's name, e.g. `viral_metrics`.
    var table: String { get }
    /// The column list for `COPY table (columns) FROM STDIN`, in output order.
    var columns: [String] { get }
    var rowCount: Int { get }
    /// Appends rows `range` in COPY text format: tab-separated fields, `\N` for NULL,
    /// backslash escapes, each row ended by `\n`.
    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8])
}

extension TableGenerator {
    /// `COPY table (col, …) FROM STDIN`, the statement that loads `appendRows` output.
    public var copyStatement: String {
        "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
    }
}

/// Writes all rows of `generator` to `url` (created or truncated), generating
/// `chunkRows` rows at a time so memory stays flat; the file suits `psql \copy … FROM 'file'`.
public func writeCopyFile(_ generator: any TableGenerator, to url: URL, chunkRows: Int = 8192) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    var start = 0
    while start < generator.rowCount {
        let end = min(start + chunkRows, generator.rowCount)
        buffer.removeAll(keepingCapacity: true)
        generator.appendRows(start..<end, to: &buffer)
        try handle.write(contentsOf: buffer)
        start = end
    }
}
