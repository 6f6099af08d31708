import Foundation
import Mustache

/// The Mustache templates and the stylesheet an HTML report is rendered with: the bundled
/// folder, with the files of a `--templates` folder replacing those of the same name.
///
/// Names: `layout` (the page), one template per report id (`ab-test`, …) falling back to
/// `report`, and the partials `section`, `table`, `callouts`, `facts`, `chart`, `footer`. The
/// stylesheet is `styles.css`, inlined in the page's `<style>`.
///
/// Every template is parsed when loaded; a syntax error names its file and line.
public struct HTMLTemplates: Sendable {
    /// A template as read from disk.
    struct Source: Sendable {
        var name: String
        var path: String
        var text: String
    }

    public static let genericReportName = "report"
    public static let stylesheetFile = "styles.css"

    public let bundledDirectory: URL?
    public let overrideDirectory: URL?
    let sources: [String: Source]
    let library: MustacheLibrary
    /// The CSS inlined in the page.
    let styles: String

    /// Loads the templates the way the CLI does: `--templates` over the bundled folder that
    /// `TemplateLocator` finds.
    /// - Parameter overrideDirectory: the `--templates` folder, if given.
    public init(overrideDirectory: String? = nil, locator: TemplateLocator = TemplateLocator()) throws {
        let bundled = try locator.bundledDirectory()
        let override = overrideDirectory.map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: locator.currentDirectory, isDirectory: true)).standardizedFileURL
        }
        guard bundled != nil || override != nil else {
            throw HTMLRenderingError(
                .templatesNotFound,
                message: "No HTML templates found: searched \(locator.searchedPlaces). Set \(TemplateLocator.environmentVariable) or pass --templates DIR.")
        }
        try self.init(bundledDirectory: bundled, overrideDirectory: override)
    }

    /// Loads `bundledDirectory`, then lets the files of `overrideDirectory` replace those of the same name.
    public init(bundledDirectory: URL?, overrideDirectory: URL? = nil) throws {
        self.bundledDirectory = bundledDirectory
        self.overrideDirectory = overrideDirectory
        var files: [String: URL] = [:]
        if let bundledDirectory {
            for file in try Self.listFiles(in: bundledDirectory) { files[file.lastPathComponent] = file }
        }
        if let overrideDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: overrideDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw HTMLRenderingError(
                    .templateUnreadable, file: overrideDirectory.path,
                    message: "--templates names no folder.")
            }
            for file in try Self.listFiles(in: overrideDirectory) { files[file.lastPathComponent] = file }
        }

        var sources: [String: Source] = [:]
        var library = MustacheLibrary()
        for (fileName, url) in files.sorted(by: { $0.key < $1.key }) where fileName.hasSuffix(".mustache") {
            let name = String(fileName.dropLast(".mustache".count))
            let text = try Self.read(url)
            library.register(try Self.parse(text, path: url.path), named: name)
            sources[name] = Source(name: name, path: url.path, text: text)
        }
        self.sources = sources
        self.library = library
        self.styles = try files[Self.stylesheetFile].map(Self.read) ?? ""
    }

    /// The names of the loaded templates, sorted.
    public var templateNames: [String] { sources.keys.sorted() }

    /// The file a template was read from.
    public func path(ofTemplate name: String) -> String? { sources[name]?.path }

    /// The template a report renders with: its own (`ab-test`) if there is one, else `report`.
    public func templateName(forReport report: String) -> String {
        sources[report] != nil ? report : Self.genericReportName
    }

    /// Renders `context` with the template `name`, after checking that it and every partial it
    /// reaches exist (swift-mustache renders a missing partial as nothing, silently).
    func render(_ context: [String: Any], template name: String) throws -> String {
        try checkReferences(from: name, referencedBy: nil)
        guard let output = library.render(context, withTemplate: name) else {
            throw missing(name, referencedBy: nil)
        }
        return output
    }

    // MARK: Checks

    private func checkReferences(from name: String, referencedBy: (path: String, line: Int, column: Int)?) throws {
        var visited: Set<String> = []
        var queue: [(String, (path: String, line: Int, column: Int)?)] = [(name, referencedBy)]
        while let (current, reference) = queue.popLast() {
            guard visited.insert(current).inserted else { continue }
            guard let source = sources[current] else { throw missing(current, referencedBy: reference) }
            for partial in MustacheScanner.partialReferences(in: source.text) {
                queue.append((partial.name, (source.path, partial.line, partial.column)))
            }
        }
    }

    private func missing(_ name: String, referencedBy reference: (path: String, line: Int, column: Int)?) -> HTMLRenderingError {
        let places = [bundledDirectory, overrideDirectory].compactMap { $0?.path }.joined(separator: " or ")
        let message = "template '\(name).mustache' is missing: it is not in \(places.isEmpty ? "any templates folder" : places)."
        if let reference {
            return HTMLRenderingError(
                .missingTemplate, file: reference.path, line: reference.line, column: reference.column,
                message: "refers to partial '\(name)', but " + message)
        }
        return HTMLRenderingError(.missingTemplate, message: "The HTML " + message)
    }

    // MARK: Loading

    private static func listFiles(in directory: URL) throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".mustache") || $0 == stylesheetFile }
                .map { directory.appendingPathComponent($0) }
        } catch {
            throw HTMLRenderingError(.templateUnreadable, file: directory.path, message: "cannot list the templates folder.")
        }
    }

    private static func read(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw HTMLRenderingError(.templateUnreadable, file: url.path, message: "cannot be read.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw HTMLRenderingError(.templateUnreadable, file: url.path, message: "is not UTF-8 text.")
        }
        return text
    }

    /// Parses a template, turning swift-mustache's parse error into one naming file, line and column.
    /// Every `{{ }}` of the template escapes with `HTMLEscaping`, whose pragma goes first, on a
    /// line of its own (a standalone tag, so it leaves no blank line in the output).
    static func parse(_ text: String, path: String) throws -> MustacheTemplate {
        _ = HTMLEscaping.registered
        do {
            return try MustacheTemplate(string: HTMLEscaping.pragma + "\n" + text)
        } catch let error as MustacheTemplate.ParserError {
            // The library reports an unclosed section at the end of the file; point at its opening tag.
            if let problem = MustacheScanner.sectionProblem(in: text) {
                throw HTMLRenderingError(
                    .templateSyntax, file: path, line: problem.line, column: problem.column,
                    message: problem.message)
            }
            // The library counts the pragma's line, which is not in the file.
            throw HTMLRenderingError(
                .templateSyntax, file: path, line: max(1, error.context.lineNumber - 1),
                column: error.context.columnNumber,
                message: describe(error.error) + " (near `\(error.context.line.trimmingCharacters(in: .whitespaces).prefix(80))`)")
        } catch {
            throw HTMLRenderingError(.templateSyntax, file: path, message: "cannot be parsed: \(error)")
        }
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "malformed tag" }
        switch error {
        case .sectionCloseNameIncorrect: return "closing tag does not match the open section"
        case .unfinishedName: return "tag is not closed or its name is invalid"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to a block"
        case .illegalTokenInsideInheritSection: return "only {{$block}} sections may appear inside {{<parent}}"
        case .textInsideInheritSection: return "text is not allowed inside {{<parent}} outside a block"
        case .invalidConfigVariableSyntax: return "invalid {{% }} tag"
        case .unrecognisedConfigVariable: return "unknown {{% }} setting"
        }
    }
}
