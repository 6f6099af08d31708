import Foundation
import Testing

@testable import Rendering

/// The e-mail HTML: what mail clients keep, and readable light, dark and inverted (WCAG AA).
@Suite("E-mail HTML")
struct EmailRendererTests {
    @Test func declaresLightAndDarkColorSchemesInTheHead() throws {
        let html = try EmailSampleDocument.html()
        let head = try #require(html.components(separatedBy: "</head>").first)
        #expect(head.contains(#"<meta name="color-scheme" content="light dark">"#))
        #expect(head.contains(#"<meta name="supported-color-schemes" content="light dark">"#))
        let page = EmailPage(html)
        #expect(page.styleSheet.contains(":root { color-scheme: light dark; supported-color-schemes: light dark; }"))
        #expect(page.styleSheet.contains("@media (prefers-color-scheme: dark) {"))
        // A client that rejects a selector may drop its whole style element, so the Outlook.com
        // rules and the phone layout each have their own.
        let elements = html.matches(of: #/<style>(?<css>.*?)</style>/#.dotMatchesNewlines()).map { String($0.output.css) }
        #expect(elements.count == 3)
        #expect(elements.filter { $0.contains("[data-ogs") }.allSatisfy { !$0.contains("@media") && !$0.contains(":root") })
        #expect(elements.filter { $0.contains("em-tile-cell") }.allSatisfy { !$0.contains("prefers-color-scheme") && !$0.contains(":root") })
    }

    @Test func keepsToWhatMailClientsShow() throws {
        let html = try EmailSampleDocument.html()
        #expect(html.utf8.count < EmailRenderer.maximumHTMLBytes)
        let lower = html.lowercased()
        for forbidden in ["<script", "<svg", "http://", "https://", "src=", "url(", "@import", "<link"] {
            #expect(!lower.contains(forbidden), "\(forbidden)")
        }
        // Values are escaped like everywhere else.
        #expect(html.contains("&lt;Tech&gt;"))
        #expect(!html.contains("<Tech>"))
    }

    /// The style sheet is built from the palette, and each class's light colours are the ones
    /// written inline on the elements that carry it, so light and dark never drift apart.
    @Test func darkRulesAndInlineColoursBothComeFromThePalette() throws {
        let page = EmailPage(try EmailSampleDocument.html())
        #expect(Set(page.darkRules.keys) == Set(EmailColorClass.all.map(\.name)))
        for colors in EmailColorClass.all {
            let expected = Dictionary(uniqueKeysWithValues: colors.declarations(\.dark).map { ($0.property, $0.value) })
            #expect(page.darkRules[colors.name] == expected, "\(colors.name)")
        }
        let byName = Dictionary(uniqueKeysWithValues: EmailColorClass.all.map { ($0.name, $0) })
        for element in page.elements {
            for colors in element.classes.compactMap({ byName[$0] }) {
                for (property, light) in colors.declarations(\.light) {
                    let inline =
                        property == "border-color"
                        ? element.style.filter { $0.key.hasPrefix("border") }.map(\.value)
                        : [element.style[property]].compactMap { $0 }
                    #expect(inline.contains { $0.contains(light) }, "\(element) has no inline \(property) \(light)")
                }
            }
        }
        let lightColours = Set(EmailColor.allCases.map(\.light))
        let inlineHexes = page.elements.flatMap { $0.style.values }
            .flatMap { $0.matches(of: #/#[0-9a-fA-F]{3,8}\b/#) }.map { String($0.output) }
        #expect(!inlineHexes.isEmpty)
        for hex in inlineHexes { #expect(lightColours.contains(hex.lowercased()), "\(hex) is not in EmailColor") }
    }

    /// Every dark rule styles something, and every element with a colour written inline has a
    /// class that gives that property its dark colour — else it would stay light in dark mode.
    @Test func everyInlineColourHasADarkRuleAndEveryDarkRuleIsUsed() throws {
        let page = EmailPage(try EmailSampleDocument.html())
        let used = Set(page.elements.flatMap(\.classes))
        let unused = Set(page.darkRules.keys).subtracting(used)
        #expect(unused.isEmpty, "dark rules for classes no element has: \(unused.sorted())")
        for element in page.elements {
            let dark = element.classes.compactMap { page.darkRules[$0] }
                .reduce(into: [String: String]()) { $0.merge($1) { $1 } }
            for (property, value) in element.style where value.contains("#") {
                let needed = property == "color" ? "color" : property.hasPrefix("border") ? "border-color" : "background-color"
                #expect(dark[needed] != nil, "\(element) sets \(property): \(value) but has no dark \(needed)")
            }
        }
    }

    /// Outlook.com ignores the media query but marks what its own dark mode recoloured; its
    /// rules give the same dark colours.
    @Test func outlookRulesRepeatTheDarkColours() throws {
        let css = EmailPage(try EmailSampleDocument.html()).styleSheet
        let dark = EmailPage.rules(inMediaBlock: "@media (prefers-color-scheme: dark)", of: css)
        let outlook = css.matches(of: #/\[data-ogs(?<kind>[cb])\] \.(?<name>[a-z0-9-]+) \{(?<body>[^}]*)\}/#)
        #expect(outlook.filter { $0.output.kind == "c" }.count == dark.values.filter { $0["color"] != nil }.count)
        #expect(outlook.filter { $0.output.kind == "b" }.count == dark.values.filter { $0.keys.contains { $0 != "color" } }.count)
        for rule in outlook {
            let declarations = EmailPage.declarations(String(rule.output.body))
            let name = String(rule.output.name)
            for (property, value) in declarations {
                #expect((property == "color") == (rule.output.kind == "c"), "\(name) \(property)")
                #expect(dark[name]?[property] == value, "\(name) \(property)")
            }
        }
    }

    @Test(arguments: EmailPage.Scheme.allCases)
    func everyTextMeetsWCAGAAAndEveryBarStandsOut(scheme: EmailPage.Scheme) throws {
        let (texts, bars, unreadable) = EmailPage(try EmailSampleDocument.html()).colors(in: scheme)
        #expect(unreadable.isEmpty, "colours that are not #rrggbb: \(unreadable)")
        #expect(texts.count > 50)
        for text in texts {
            let ratio = text.color.contrast(with: text.background)
            #expect(
                ratio >= 4.5,
                """
                \(scheme): “\(text.text)” in <\(text.element)> is \(text.color) on \(text.background), \
                \(String(format: "%.2f", ratio)):1
                """)
        }
        // A bar is a non-text element: WCAG 1.4.11 asks for 3:1 against what is around it.
        #expect(bars.count == 3)
        for bar in bars {
            let ratio = bar.color.contrast(with: bar.background)
            #expect(ratio >= 3, "\(scheme): bar \(bar.color) on \(bar.background), \(String(format: "%.2f", ratio)):1")
        }
    }

    @Test func contrastRatiosMatchWCAG() {
        #expect(abs(RGB(0x000000).contrast(with: RGB(0xffffff)) - 21) < 1e-9)
        #expect(abs(RGB(0x777777).contrast(with: RGB(0xffffff)) - 4.478) < 0.001)
        #expect(RGB(0x6b7280).contrast(with: RGB(0xffffff)) > 4.5)
        #expect(RGB(0x9ca3af).contrast(with: RGB(0xffffff)) < 4.5)
        #expect(RGB(css: "#15803d") == RGB(0x15803d) && RGB(css: "red") == nil)
    }
}
