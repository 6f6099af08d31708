/// Every colour of the e-mail HTML, light and dark side by side: the one place the template,
/// the renderer and the contrast tests read them from.
///
/// The light colour is written inline on each element, so it is what a client shows when it
/// ignores the dark-mode rules (Gmail keeps `<style>` but not `prefers-color-scheme`) or has no
/// dark mode. The dark colour goes into a
/// `prefers-color-scheme: dark` block (Apple Mail, iOS Mail) and `[data-ogsc]`/`[data-ogsb]`
/// rules (Outlook.com), through the classes of `EmailColorClass`.
///
/// Clients that darken a message themselves (the Gmail apps, Outlook on Windows) invert the
/// light colours, so those are chosen to stay readable inverted too: dark saturated text and
/// bars on near-white backgrounds, never a mid-grey background. Every text pair meets WCAG AA
/// (4.5:1) light, dark and inverted, and every bar stands 3:1 from its background (the
/// renderer tests check both on a rendered message).
public enum EmailColor: String, CaseIterable, Sendable {
    /// Behind the card.
    case page
    case card
    case tile
    /// Outlines of the card and the tiles, and the rules between table rows.
    case border
    /// The rule under a table's header row.
    case strongBorder
    case text
    /// Subtitles, paragraphs and tile labels.
    case muted
    /// The footer.
    case faint
    /// A change for the better, a change for the worse, no change (tile notes, signed cells).
    case rise, fall, flat
    /// A cell flagged as a problem (a sample-ratio mismatch, a stale metric).
    case flagText, flagBackground
    case bar, negativeBar
    /// The left edge and the background of a callout, per tone.
    case neutralAccent, neutralBackground
    case positiveAccent, positiveBackground
    case warningAccent, warningBackground
    case dangerAccent, dangerBackground

    /// The colour as CSS `#rrggbb`, inline on every element.
    public var light: String { pair.light }
    /// The colour as CSS `#rrggbb` under `prefers-color-scheme: dark`.
    public var dark: String { pair.dark }

    private var pair: (light: String, dark: String) {
        switch self {
        case .page: ("#f3f4f6", "#111827")
        case .card: ("#ffffff", "#1f2937")
        case .tile: ("#f9fafb", "#111827")
        case .border: ("#e5e7eb", "#374151")
        case .strongBorder: ("#d1d5db", "#4b5563")
        case .text: ("#111827", "#f9fafb")
        case .muted: ("#4b5563", "#d1d5db")
        case .faint: ("#6b7280", "#9ca3af")
        case .rise: ("#15803d", "#4ade80")
        case .fall: ("#b91c1c", "#f87171")
        case .flat: ("#6b7280", "#9ca3af")
        case .flagText: ("#b91c1c", "#fca5a5")
        case .flagBackground: ("#fef2f2", "#450a0a")
        case .bar: ("#2563eb", "#60a5fa")
        case .negativeBar: ("#b91c1c", "#f87171")
        case .neutralAccent: ("#6b7280", "#9ca3af")
        case .neutralBackground: ("#f3f4f6", "#374151")
        case .positiveAccent: ("#15803d", "#22c55e")
        case .positiveBackground: ("#ecfdf5", "#052e16")
        case .warningAccent: ("#b45309", "#f59e0b")
        case .warningBackground: ("#fffbeb", "#451a03")
        case .dangerAccent: ("#b91c1c", "#ef4444")
        case .dangerBackground: ("#fef2f2", "#450a0a")
        }
    }

    /// The light colours by name, for the template (`{{colors.muted}}`).
    static var lightByName: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.light) })
    }
}
