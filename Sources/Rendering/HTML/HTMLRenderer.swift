import Foundation

/// Renders a `ReportDocument` as one self-contained HTML page (SPEC §6): Mustache templates,
/// inline CSS and SVG charts, no script and no external request, every value escaped.
///
/// ```swift
/// let renderer = try HTMLRenderer(templatesDirectory: configuration.templatesDirectory)
/// let html = try renderer.render(document)   // then written atomically to <report>.html
/// ```
/// The page is the report's template (`ab-test.mustache`, else `report.mustache`), which
/// inherits `layout.mustache`; see `HTMLTemplates` for the names and `TemplateLocator` for
/// where the bundled templates are found.
public struct HTMLRenderer: Sendable {
    public var templates: HTMLTemplates

    public init(templates: HTMLTemplates) {
        self.templates = templates
    }

    /// Loads the bundled templates with `templatesDirectory` (the `--templates` option) on top.
    public init(templatesDirectory: String? = nil, locator: TemplateLocator = TemplateLocator()) throws {
        self.templates = try HTMLTemplates(overrideDirectory: templatesDirectory, locator: locator)
    }

    /// The page for `document`. Timestamps are shown in the document's time zone.
    /// - Throws: `HTMLRenderingError` naming the template file and line, or the inconsistent part of the document.
    public func render(_ document: ReportDocument) throws -> String {
        try document.validate()
        var builder = HTMLContextBuilder(formatter: DisplayFormatter(timeZone: document.timeZone))
        let context = try builder.context(for: document, styles: templates.styles)
        return try templates.render(context, template: templates.templateName(forReport: document.report))
    }
}
