import CXLSXWriter
import Foundation

/// A libxlsxwriter call that failed, or a workbook that cannot hold the document.
public struct XLSXError: Error, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// A libxlsxwriter function returned an error (or NULL).
        case libraryCallFailed
        /// More rows or columns than a worksheet holds (1 048 576 × 16 384).
        case tooLarge
    }

    public var code: Code
    /// The C function that failed, e.g. `worksheet_write_string`.
    public var call: String
    /// libxlsxwriter's `lxw_error` value, when the call returned one.
    public var status: Int?
    /// libxlsxwriter's message for `status` (`lxw_strerror`).
    public var libraryMessage: String?
    /// Where: the file, sheet or cell.
    public var context: String
    /// What libxlsxwriter printed on stderr while it failed (its reason, e.g. the system error).
    public var printed: String?

    init(code: Code = .libraryCallFailed, call: String, status: Int? = nil, libraryMessage: String? = nil, context: String) {
        self.code = code
        self.call = call
        self.status = status
        self.libraryMessage = libraryMessage
        self.context = context
    }

    init(call: String, error: lxw_error, context: String) {
        self.init(
            call: call, status: Int(error.rawValue),
            libraryMessage: lxw_strerror(error).map { String(cString: $0) }, context: context)
    }
}

extension XLSXError {
    /// The system's reason libxlsxwriter printed (`System error = File too large`), if any.
    var systemError: String? {
        guard let printed, let range = printed.range(of: "System error = ") else { return nil }
        let reason = printed[range.upperBound...].prefix { $0 != "\n" && $0 != ";" && $0 != ")" }
            .trimmingCharacters(in: .whitespaces)
        return reason.isEmpty ? nil : reason
    }
}

extension XLSXError: CustomStringConvertible {
    public var description: String {
        switch code {
        case .libraryCallFailed:
            var text = "Writing the XLSX workbook failed in \(call) (\(context))"
            if let status { text += ": error \(status)" }
            if let libraryMessage { text += " — \(libraryMessage)" }
            if let printed { text += " (\(printed))" }
            return text
        case .tooLarge:
            return "The XLSX workbook cannot hold \(context): a worksheet has at most 1,048,576 rows and 16,384 columns; use CSV."
        }
    }
}

extension XLSXError: LocalizedError {
    public var errorDescription: String? { description }
}
