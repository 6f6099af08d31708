import CXLSXWriter
import Foundation

/// Owns one libxlsxwriter workbook: the only code that holds its pointer. Every call's return
/// code is checked and turned into an `XLSXError` naming the call. Strings handed to the
/// library live until the workbook is closed. A workbook that is never closed (an error
/// stopped the writing) is freed without writing its file.
final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var cStrings: [UnsafeMutablePointer<CChar>] = []
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    let path: String

    init(path: String, constantMemory: Bool, temporaryDirectory: String?) throws {
        self.path = path
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        options.use_zip64 = 0
        if let temporaryDirectory { options.tmpdir = strdup(temporaryDirectory) }
        defer { free(options.tmpdir) }
        guard let handle = workbook_new_opt(path, &options) else {
            throw XLSXError(call: "workbook_new_opt", context: path)
        }
        self.handle = handle
    }

    deinit {
        if let handle { lxw_workbook_free(handle) }
        for pointer in cStrings { free(pointer) }
    }

    private var workbook: UnsafeMutablePointer<lxw_workbook> {
        get throws {
            guard let handle else { throw XLSXError(call: "workbook_close", context: "\(path) is already closed") }
            return handle
        }
    }

    /// A C copy of `text` that stays valid until the workbook is gone.
    func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let pointer = strdup(text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))!
        cStrings.append(pointer)
        return pointer
    }

    func check(_ call: String, _ error: lxw_error, _ context: @autoclosure () -> String) throws {
        guard error != LXW_NO_ERROR else { return }
        throw XLSXError(call: call, error: error, context: context())
    }

    func addWorksheet(named name: String) throws -> UnsafeMutablePointer<lxw_worksheet> {
        let workbook = try workbook
        try check("workbook_validate_sheet_name", workbook_validate_sheet_name(workbook, cString(name)), "sheet \(name)")
        guard let sheet = workbook_add_worksheet(workbook, cString(name)) else {
            throw XLSXError(call: "workbook_add_worksheet", context: "sheet \(name)")
        }
        return sheet
    }

    func addChart(type: lxw_chart_type, context: String) throws -> UnsafeMutablePointer<lxw_chart> {
        guard let chart = workbook_add_chart(try workbook, UInt8(type.rawValue)) else {
            throw XLSXError(call: "workbook_add_chart", context: context)
        }
        return chart
    }

    /// One shared format per style (libxlsxwriter keeps a workbook-wide format table).
    func format(_ style: CellStyle) throws -> UnsafeMutablePointer<lxw_format>? {
        if style == .plain { return nil }
        if let format = formats[style] { return format }
        guard let format = workbook_add_format(try workbook) else {
            throw XLSXError(call: "workbook_add_format", context: "number format \(style.numberFormat ?? "General")")
        }
        if style.isBold { format_set_bold(format) }
        if let numberFormat = style.numberFormat { format_set_num_format(format, cString(numberFormat)) }
        formats[style] = format
        return format
    }

    func setProperties(title: String, subject: String, author: String, comments: String, keywords: String, created: Date) throws {
        var properties = lxw_doc_properties()
        properties.title = cString(title)
        properties.subject = cString(subject)
        properties.author = cString(author)
        properties.comments = cString(comments)
        properties.keywords = cString(keywords)
        properties.created = time_t(created.timeIntervalSince1970.rounded(.down))
        try check("workbook_set_properties", workbook_set_properties(try workbook, &properties), path)
    }

    /// Writes the file. The workbook is freed by libxlsxwriter whatever the outcome.
    func close() throws {
        let workbook = try workbook
        handle = nil
        try check("workbook_close", workbook_close(workbook), path)
    }
}

/// A cell's look: bold (headers) and a number format.
struct CellStyle: Hashable {
    var isBold = false
    var numberFormat: String?

    static let plain = CellStyle()
    static let header = CellStyle(isBold: true)
}
