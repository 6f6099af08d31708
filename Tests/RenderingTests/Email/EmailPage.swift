import Foundation

/// A rendered e-mail HTML read back the way a mail client colours it: each element's inline
/// style, its classes, the dark rules of the `prefers-color-scheme: dark` block, and the colour
/// every piece of text ends up with on the background behind it.
///
/// Made for the template's own markup (quoted attributes, `#rrggbb` colours, closed tags), not
/// for HTML at large.
struct EmailPage {
    /// How a client shows the message.
    enum Scheme: String, CaseIterable, CustomStringConvertible {
        /// Inline styles only: every client, Gmail included.
        case light
        /// Inline styles under the dark block's `!important` rules: Apple Mail, iOS Mail.
        case dark
        /// The light colours with red, green and blue inverted: the clients that darken a
        /// message themselves (the Gmail apps, Outlook on Windows) at their bluntest.
        case inverted

        var description: String { rawValue }
    }

    struct Element: CustomStringConvertible {
        var tag: String
        var classes: [String]
        var style: [String: String]
        var attributes: [String: String]

        var description: String { classes.isEmpty ? "<\(tag)>" : "<\(tag) class=\"\(classes.joined(separator: " "))\">" }
    }

    /// A run of text, its colour and the background behind it.
    struct Text {
        var text: String
        var color: RGB
        var background: RGB
        var element: String
    }

    /// A bar's colour and the background around it.
    struct Bar {
        var color: RGB
        var background: RGB
    }

    let html: String
    /// The text of every `<style>` element.
    let styleSheet: String
    /// Class → CSS property → value, from the `prefers-color-scheme: dark` block.
    let darkRules: [String: [String: String]]
    /// Every element inside `<body>`, in document order.
    let elements: [Element]

    init(_ html: String) {
        self.html = html
        styleSheet = html.matches(of: #/<style>(?<css>.*?)</style>/#.dotMatchesNewlines())
            .map { String($0.output.css) }.joined(separator: "\n")
        darkRules = Self.rules(inMediaBlock: "@media (prefers-color-scheme: dark)", of: styleSheet)
        elements = Self.tokens(html).compactMap {
            if case .open(let element) = $0 { element } else { nil }
        }
    }

    /// The class names of every rule inside the `@media` block that starts with `header`.
    static func rules(inMediaBlock header: String, of css: String) -> [String: [String: String]] {
        guard let start = css.range(of: header + " {") else { return [:] }
        var depth = 1
        var end = start.upperBound
        while depth > 0, end < css.endIndex {
            if css[end] == "{" { depth += 1 } else if css[end] == "}" { depth -= 1 }
            end = css.index(after: end)
        }
        var rules: [String: [String: String]] = [:]
        for match in css[start.upperBound..<end].matches(of: #/\.(?<name>[a-z0-9-]+)\s*\{(?<body>[^}]*)\}/#) {
            rules[String(match.output.name), default: [:]].merge(declarations(String(match.output.body))) { $1 }
        }
        return rules
    }

    /// `color: #fff !important; border: 1px solid #ccc` → property → value, without `!important`.
    static func declarations(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for declaration in text.split(separator: ";") {
            let parts = declaration.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].replacingOccurrences(of: "!important", with: "")
            result[parts[0].trimmingCharacters(in: .whitespaces).lowercased()] = value.trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    enum Token {
        case open(Element)
        case close(String)
        case text(String)
    }

    static let voidTags: Set<String> = ["meta", "br", "img", "hr", "link", "input"]

    /// The tags and text of `<body>`.
    static func tokens(_ html: String) -> [Token] {
        guard let body = html.range(of: "<body") else { return [] }
        var tokens: [Token] = []
        for match in html[body.lowerBound...].matches(of: #/<(?<close>/?)(?<tag>[a-zA-Z0-9]+)(?<attributes>[^>]*)>|(?<text>[^<]+)/#) {
            if let text = match.output.text {
                tokens.append(.text(String(text)))
                continue
            }
            let tag = String(match.output.tag ?? "").lowercased()
            if match.output.close == "/" {
                tokens.append(.close(tag))
                continue
            }
            var attributes: [String: String] = [:]
            for attribute in (match.output.attributes ?? "").matches(of: #/(?<name>[a-zA-Z-]+)="(?<value>[^"]*)"/#) {
                attributes[String(attribute.output.name).lowercased()] = String(attribute.output.value)
            }
            let element = Element(
                tag: tag, classes: (attributes["class"] ?? "").split(separator: " ").map(String.init),
                style: declarations(attributes["style"] ?? ""), attributes: attributes)
            tokens.append(.open(element))
            if voidTags.contains(tag) { tokens.append(.close(tag)) }
        }
        return tokens
    }

    /// The colour `property` of `element` takes in `scheme`; nil when the element sets none.
    func own(_ property: String, of element: Element, in scheme: Scheme) -> String? {
        if scheme == .dark, let dark = element.classes.compactMap({ darkRules[$0]?[property] }).last { return dark }
        if let inline = element.style[property] { return inline }
        if property == "background-color" { return element.style["background"] ?? element.attributes["bgcolor"] }
        return nil
    }

    /// Every run of visible text with its colours, and every bar with the background around it.
    /// A colour that does not read as `#rrggbb` is reported in `unreadable`.
    func colors(in scheme: Scheme) -> (texts: [Text], bars: [Bar], unreadable: [String]) {
        // A client honouring `color-scheme: light dark` paints its own canvas dark and its
        // default text light; anything left uncoloured shows them.
        let canvas =
            switch scheme {
            case .light: (color: RGB(0x000000), background: RGB(0xffffff))
            case .dark: (color: RGB(0xf0f0f0), background: RGB(0x121212))
            case .inverted: (color: RGB(0xffffff), background: RGB(0x000000))
            }
        var stack: [(tag: String, color: RGB, background: RGB)] = [("", canvas.color, canvas.background)]
        var texts: [Text] = [], bars: [Bar] = [], unreadable: [String] = []
        func color(_ value: String?) -> RGB? {
            guard let value else { return nil }
            guard let rgb = RGB(css: value) else {
                unreadable.append(value)
                return nil
            }
            return scheme == .inverted ? rgb.inverted : rgb
        }
        for token in Self.tokens(html) {
            switch token {
            case .open(let element):
                let parent = stack[stack.count - 1]
                let background = color(own("background-color", of: element, in: scheme))
                stack.append((element.tag, color(own("color", of: element, in: scheme)) ?? parent.color, background ?? parent.background))
                if element.classes.contains(where: { $0.hasPrefix("em-bar") }) {
                    bars.append(Bar(color: background ?? parent.background, background: parent.background))
                }
            case .close(let tag):
                if let index = stack.lastIndex(where: { $0.tag == tag }), index > 0 { stack.removeSubrange(index...) }
            case .text(let raw):
                let text = raw.replacingOccurrences(of: "&nbsp;", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty, let top = stack.last else { continue }
                texts.append(Text(text: text, color: top.color, background: top.background, element: top.tag))
            }
        }
        return (texts, bars, unreadable)
    }
}

/// An sRGB colour and its WCAG 2 relative luminance.
struct RGB: Equatable, CustomStringConvertible {
    var red, green, blue: Int

    init(_ hex: Int) {
        red = hex >> 16 & 0xff
        green = hex >> 8 & 0xff
        blue = hex & 0xff
    }

    /// `#rrggbb`, else nil.
    init?(css: String) {
        let text = css.trimmingCharacters(in: .whitespaces)
        guard text.count == 7, text.first == "#", let hex = Int(text.dropFirst(), radix: 16) else { return nil }
        self.init(hex)
    }

    var inverted: RGB { RGB((255 - red) << 16 | (255 - green) << 8 | (255 - blue)) }

    var description: String { String(format: "#%02x%02x%02x", red, green, blue) }

    /// WCAG 2.x relative luminance.
    var luminance: Double {
        func linear(_ channel: Int) -> Double {
            let value = Double(channel) / 255
            return value <= 0.040_45 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// The WCAG 2.x contrast ratio, 1 to 21.
    func contrast(with other: RGB) -> Double {
        let (lighter, darker) = (max(luminance, other.luminance), min(luminance, other.luminance))
        return (lighter + 0.05) / (darker + 0.05)
    }
}
