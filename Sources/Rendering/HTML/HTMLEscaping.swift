import Mustache

/// The escaping of every `{{ }}` value in the page and e-mail templates: `&`, `<`, `>`, `"` and
/// `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`, compared Unicode scalar by scalar.
///
/// swift-mustache's own HTML escaping compares whole characters, so a quote followed by a
/// combining mark (`"\u{301}`, one grapheme that is not `"`) went out raw and closed the quoted
/// attribute it stood in (`title="{{text}}"`), letting data add attributes such as `onfocus`.
/// An HTML parser reads code points, not graphemes; so does this.
public struct HTMLEscaping: MustacheContentType {
    /// The name templates are parsed under (`{{% CONTENT_TYPE: … }}`, see `HTMLTemplates.parse`).
    static let contentTypeName = "HTML_SCALARS"

    /// Registers the content type with swift-mustache once, before the first template is parsed.
    static let registered: Void = MustacheContentTypes.register(HTMLEscaping(), named: contentTypeName)

    /// The pragma put before every template, so that each one, partials included (swift-mustache
    /// resets a partial to its own HTML escaping), escapes with `escape`.
    static let pragma = "{{% CONTENT_TYPE: \(contentTypeName) }}"

    public init() {}

    public func escapeText(_ text: String) -> String { Self.escape(text) }

    /// `text` safe in HTML text and in single- or double-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
