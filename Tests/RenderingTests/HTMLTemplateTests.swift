import Foundation
import Testing

@testable import Rendering

@Suite("HTML templates")
struct HTMLTemplateTests {
    @Test("a broken template in --templates names its file and line")
    func brokenOverride() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write(
            """
            <section>
            <h2>{{title}}</h2>
            {{#callouts}}
            <p>{{text}}</p>
            </section>

            """, to: folder, as: "section.mustache")
        #expect {
            _ = try HTMLTestSupport.renderer(override: folder)
        } throws: { error in
            guard let error = error as? HTMLRenderingError else { return false }
            let path = folder.appendingPathComponent("section.mustache").path
            return error.code == .templateSyntax && error.file == path && error.line == 3 && error.column == 1
                && error.localizedDescription.hasPrefix("\(path):3:1: section 'callouts' is opened here but never closed")
        }
    }

    @Test("a mismatched closing tag is reported where it is")
    func mismatchedClose() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write("{{#facts}}\n  <b>{{label}}</b>\n  {{/fact}}\n", to: folder, as: "facts.mustache")
        #expect {
            _ = try HTMLTestSupport.renderer(override: folder)
        } throws: { error in
            guard let error = error as? HTMLRenderingError else { return false }
            return error.code == .templateSyntax && error.line == 3 && error.column == 3
                && error.message.contains("{{/fact}}") && error.message.contains("'facts'")
        }
    }

    @Test("a malformed tag is reported with the library's position")
    func malformedTag() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write("<p>\n<b>{{label</b>\n", to: folder, as: "chart.mustache")
        #expect {
            _ = try HTMLTestSupport.renderer(override: folder)
        } throws: { error in
            guard let error = error as? HTMLRenderingError else { return false }
            return error.code == .templateSyntax && error.file?.hasSuffix("chart.mustache") == true && error.line == 2
        }
    }

    @Test("a partial that exists nowhere is a clear error naming the template that uses it")
    func missingPartial() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write(
            "{{<layout}}\n{{$content}}\n{{>tiles}}\n{{/content}}\n{{/layout}}\n",
            to: folder, as: "ab-test.mustache")
        let renderer = try HTMLTestSupport.renderer(override: folder)
        #expect {
            _ = try renderer.render(HTMLSampleDocument.document)
        } throws: { error in
            guard let error = error as? HTMLRenderingError else { return false }
            return error.code == .missingTemplate && error.line == 3
                && error.file == folder.appendingPathComponent("ab-test.mustache").path
                && error.message.contains("'tiles'") && error.message.contains("tiles.mustache")
        }
    }

    @Test("a templates folder without the generic report template says which file is missing")
    func missingReportTemplate() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write("<p>{{title}}</p>\n", to: folder, as: "layout.mustache")
        let renderer = HTMLRenderer(templates: try HTMLTemplates(bundledDirectory: folder))
        var document = HTMLSampleDocument.document
        document.report = "partner-roi"
        #expect {
            _ = try renderer.render(document)
        } throws: { error in
            (error as? HTMLRenderingError)?.code == .missingTemplate
                && (error as? HTMLRenderingError)?.message.contains("report.mustache") == true
        }
    }

    @Test("an override of one partial is used; the other templates fall back to the bundled ones")
    func partialOverride() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write(
            """
            {{#hasFacts}}
            <ul class="house-facts">{{#facts}}<li>{{label}}: {{value}}</li>{{/facts}}</ul>
            {{/hasFacts}}

            """, to: folder, as: "facts.mustache")
        let renderer = try HTMLTestSupport.renderer(override: folder)
        #expect(renderer.templates.path(ofTemplate: "facts") == folder.appendingPathComponent("facts.mustache").path)
        #expect(renderer.templates.path(ofTemplate: "table") == HTMLTestSupport.bundledTemplates.appendingPathComponent("table.mustache").path)
        let html = try renderer.render(HTMLSampleDocument.document)
        #expect(html.contains("<ul class=\"house-facts\"><li>Users: 144,590</li>"))
        #expect(!html.contains("<dl class=\"facts\">"))
        #expect(html.contains("How to read this readout")) // ab-test.mustache, bundled
        #expect(html.contains("<footer class=\"report-footer\">")) // footer.mustache, bundled
    }

    @Test("an override of the stylesheet replaces the bundled CSS")
    func stylesheetOverride() throws {
        let folder = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HTMLTestSupport.write("body { color: rebeccapurple; }\n", to: folder, as: "styles.css")
        let html = try HTMLTestSupport.renderer(override: folder).render(HTMLSampleDocument.document)
        #expect(html.contains("body { color: rebeccapurple; }"))
        #expect(!html.contains("--surface"))
    }

    @Test("--templates naming no folder is an error")
    func overrideFolderMissing() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-templates-\(UUID().uuidString)")
        #expect {
            _ = try HTMLTestSupport.renderer(override: folder)
        } throws: { error in
            (error as? HTMLRenderingError)?.code == .templateUnreadable
        }
    }

    @Test("the bundled templates are found from the environment, above the executable, or in the current directory")
    func locator() throws {
        let root = try HTMLTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let package = root.appendingPathComponent("checkout")
        let templates = package.appendingPathComponent("Templates")
        let binary = package.appendingPathComponent(".build/debug")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: binary, withIntermediateDirectories: true)
        try HTMLTestSupport.write("x", to: templates, as: "layout.mustache")
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere.appendingPathComponent("Templates"), withIntermediateDirectories: true)
        try HTMLTestSupport.write("x", to: elsewhere.appendingPathComponent("Templates"), as: "layout.mustache")

        let executable = binary.appendingPathComponent("growth-report").path
        let walked = try TemplateLocator(environment: [:], executablePath: executable, currentDirectory: elsewhere.path)
            .bundledDirectory()
        #expect(walked?.path == templates.standardizedFileURL.path)

        let fromEnvironment = try TemplateLocator(
            environment: ["GROWTH_REPORT_TEMPLATES": elsewhere.appendingPathComponent("Templates").path],
            executablePath: executable, currentDirectory: root.path
        ).bundledDirectory()
        #expect(fromEnvironment?.path == elsewhere.appendingPathComponent("Templates").standardizedFileURL.path)

        let fromCurrentDirectory = try TemplateLocator(
            environment: [:], executablePath: "/nonexistent/bin/growth-report",
            currentDirectory: elsewhere.path
        ).bundledDirectory()
        #expect(fromCurrentDirectory?.path == elsewhere.appendingPathComponent("Templates").standardizedFileURL.path)

        let nowhere = TemplateLocator(environment: [:], executablePath: "/nonexistent/bin/growth-report", currentDirectory: root.path)
        #expect(try nowhere.bundledDirectory() == nil)
        #expect {
            _ = try HTMLTemplates(locator: nowhere)
        } throws: { error in
            (error as? HTMLRenderingError)?.code == .templatesNotFound
                && "\(error)".contains("GROWTH_REPORT_TEMPLATES")
        }
        #expect {
            _ = try TemplateLocator(
                environment: ["GROWTH_REPORT_TEMPLATES": root.path], executablePath: nil,
                currentDirectory: root.path
            ).bundledDirectory()
        } throws: { error in
            (error as? HTMLRenderingError)?.code == .templatesNotFound
        }
    }

    @Test("the test run finds the checkout's Templates above its executable")
    func runningExecutable() throws {
        let found = try TemplateLocator(environment: [:]).bundledDirectory()
        #expect(found?.path == HTMLTestSupport.bundledTemplates.standardizedFileURL.path)
    }

    @Test("every bundled template parses and the report templates reach only existing partials")
    func bundled() throws {
        let templates = try HTMLTemplates(bundledDirectory: HTMLTestSupport.bundledTemplates)
        #expect(templates.templateNames == ["ab-test", "attribution", "callouts", "chart", "facts", "footer", "layout", "report", "section", "table"])
        #expect(templates.templateName(forReport: "ab-test") == "ab-test")
        #expect(templates.templateName(forReport: "viral") == "report")
    }
}
