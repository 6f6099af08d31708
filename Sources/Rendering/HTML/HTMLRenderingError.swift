import Foundation

/// Why an HTML report could not be rendered. The one-line description names the template file
/// and line (`Templates/ab-test.mustache:12:5: …`) so the author of a `--templates` override
/// can go straight to it.
public struct HTMLRenderingError: Error, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// No folder of bundled templates was found (see `TemplateLocator`).
        case templatesNotFound
        /// A template file or `--templates` folder exists but cannot be read.
        case templateUnreadable
        /// A template does not parse (an unclosed section, a malformed tag).
        case templateSyntax
        /// A template, or a partial a template refers to, exists in no templates folder.
        case missingTemplate
        /// The document is inconsistent (a chart names a table or column that does not exist).
        case invalidDocument
    }

    public var code: Code
    /// The template file, as a path.
    public var file: String?
    /// 1-based line and column in `file`.
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(_ code: Code, file: String? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }
}

extension HTMLRenderingError: LocalizedError {
    public var errorDescription: String? {
        guard let file else { return message }
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return location + ": " + message
    }
}

extension HTMLRenderingError: CustomStringConvertible {
    public var description: String { errorDescription ?? message }
}
