/// A class the e-mail template puts on an element that has colours, and the `EmailColor` each
/// of its colour properties takes.
///
/// The element carries its light colours inline; the style sheet built here gives the same
/// class its dark colours with `!important` (the only way to win over an inline style), so
/// an element's colours are switched as a whole or not at all.
public struct EmailColorClass: Sendable, Equatable {
    public var name: String
    public var color: EmailColor?
    public var background: EmailColor?
    /// For every side that has a border; a side without one has no width, so its colour never shows.
    public var border: EmailColor?

    public init(_ name: String, color: EmailColor? = nil, background: EmailColor? = nil, border: EmailColor? = nil) {
        self.name = name
        self.color = color
        self.background = background
        self.border = border
    }

    public static let page = EmailColorClass("em-page", background: .page)
    public static let card = EmailColorClass("em-card", color: .text, background: .card, border: .border)
    public static let tile = EmailColorClass("em-tile", background: .tile, border: .border)
    public static let muted = EmailColorClass("em-muted", color: .muted)
    public static let footer = EmailColorClass("em-faint", color: .faint, border: .border)
    public static let rule = EmailColorClass("em-rule", border: .border)
    public static let headerRule = EmailColorClass("em-rule-strong", border: .strongBorder)
    public static let rise = EmailColorClass("em-rise", color: .rise)
    public static let fall = EmailColorClass("em-fall", color: .fall)
    public static let flat = EmailColorClass("em-flat", color: .flat)
    public static let flag = EmailColorClass("em-flag", color: .flagText, background: .flagBackground)
    public static let bar = EmailColorClass("em-bar", background: .bar)
    public static let negativeBar = EmailColorClass("em-bar-negative", background: .negativeBar)

    /// The class of a callout of `tone`: its text, background and left edge.
    public static func callout(_ tone: Callout.Tone) -> EmailColorClass {
        let (accent, background): (EmailColor, EmailColor) =
            switch tone {
            case .neutral: (.neutralAccent, .neutralBackground)
            case .positive: (.positiveAccent, .positiveBackground)
            case .warning: (.warningAccent, .warningBackground)
            case .danger: (.dangerAccent, .dangerBackground)
            }
        return EmailColorClass("em-callout-\(tone.rawValue)", color: .text, background: background, border: accent)
    }

    public static let all: [EmailColorClass] =
        [
            page, card, tile, muted, footer, rule, headerRule, rise, fall, flat, flag, bar, negativeBar,
        ] + [Callout.Tone.neutral, .positive, .warning, .danger].map(callout)

    /// The CSS properties and their colours, `color` first.
    func declarations(_ scheme: KeyPath<EmailColor, String>) -> [(property: String, value: String)] {
        [("color", color), ("background-color", background), ("border-color", border)]
            .compactMap { property, role in role.map { (property, $0[keyPath: scheme]) } }
    }

    /// The light colours as an inline style (`color:#15803d;`), for a style built in code.
    public var inlineStyle: String {
        declarations(\.light).map { "\($0.property):\($0.value);" }.joined()
    }

    /// The dark colours of every class under `prefers-color-scheme: dark` (Apple Mail, iOS Mail).
    public static var darkModeStyleSheet: String {
        (["@media (prefers-color-scheme: dark) {"] + all.compactMap { cssRule("  .\($0.name)", $0.declarations(\.dark)) } + ["}"])
            .joined(separator: "\n")
    }

    /// The same dark colours for Outlook.com, which ignores that query but marks what its own
    /// dark mode recoloured with `data-ogsc` (text) and `data-ogsb` (background). A style
    /// element of its own: a client that rejects attribute selectors drops only this one.
    public static var outlookDarkModeStyleSheet: String {
        let text = all.compactMap { cssRule("[data-ogsc] .\($0.name)", $0.declarations(\.dark).filter { $0.property == "color" }) }
        let background = all.compactMap { cssRule("[data-ogsb] .\($0.name)", $0.declarations(\.dark).filter { $0.property != "color" }) }
        return (text + background).joined(separator: "\n")
    }

    private static func cssRule(_ selector: String, _ declarations: [(property: String, value: String)]) -> String? {
        guard !declarations.isEmpty else { return nil }
        return "\(selector) { " + declarations.map { "\($0.property): \($0.value) !important;" }.joined(separator: " ") + " }"
    }
}
