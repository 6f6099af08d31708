import Foundation

@testable import Rendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Paths and helpers shared by the HTML rendering tests.
enum HTMLTestSupport {
    /// The checkout's root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let bundledTemplates = repositoryRoot.appendingPathComponent("Templates")
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func renderer(override: URL? = nil) throws -> HTMLRenderer {
        HTMLRenderer(templates: try HTMLTemplates(bundledDirectory: bundledTemplates, overrideDirectory: override))
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("html-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to folder: URL, as name: String) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Every `<svg …>…</svg>` in the page.
    static func svgElements(in html: String) -> [String] {
        var result: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            result.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return result
    }

    /// Whether `markup` is well-formed XML, and the parser's error if not.
    static func xmlError(_ markup: String) -> String? {
        let parser = XMLParser(data: Data(markup.utf8))
        let delegate = ErrorCollector()
        parser.delegate = delegate
        return parser.parse() ? nil : (delegate.message ?? parser.parserError.map { "\($0)" } ?? "parse failed")
    }

    private final class ErrorCollector: NSObject, XMLParserDelegate {
        var message: String?
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            message = "line \(parser.lineNumber), column \(parser.columnNumber): \(parseError)"
        }
    }

    /// The escaping Mustache applies to `{{ }}`.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
