import Foundation

/// Builds SVG markup as text. Every text node and attribute value goes through `escape`, so
/// names from the data (`<script>`, quotes, ampersands) stay text.
struct SVGWriter {
    private(set) var markup = ""

    /// Escapes as `HTMLEscaping.escape` does (the five characters that matter in XML and HTML
    /// text and quoted attributes, scalar by scalar). Characters XML 1.0 does not allow (controls, U+FFFE, U+FFFF) become a space; so does a
    /// newline.
    static func escape(_ text: String) -> String {
        var allowed = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            allowed.append(scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? " " : scalar)
        }
        return HTMLEscaping.escape(String(allowed))
    }

    /// A coordinate with at most one decimal, so output is short and stable.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.1f", rounded)
    }

    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        markup += "<" + name + Self.attributeText(attributes) + ">"
    }

    mutating func close(_ name: String) {
        markup += "</" + name + ">"
    }

    /// An element with no children.
    mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        markup += "<" + name + Self.attributeText(attributes) + "/>"
    }

    /// An element holding text.
    mutating func text(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ content: String) {
        markup += "<" + name + Self.attributeText(attributes) + ">" + Self.escape(content) + "</" + name + ">"
    }

    mutating func newline() {
        markup += "\n"
    }

    private static func attributeText(_ attributes: KeyValuePairs<String, String>) -> String {
        var text = ""
        for (key, value) in attributes {
            text += " " + key + "=\"" + escape(value) + "\""
        }
        return text
    }
}

extension String {
    /// At most `limit` characters; longer text ends in an ellipsis.
    func truncated(to limit: Int) -> String {
        guard count > limit, limit > 1 else { return self }
        return String(prefix(limit - 1)).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// The text on one line: newlines and tabs become spaces.
    var singleLine: String {
        String(map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}
