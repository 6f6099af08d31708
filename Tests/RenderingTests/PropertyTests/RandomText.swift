import Foundation
import TestSupport

/// Random text made to break writers: separators, quotes, line breaks, markup, formula
/// triggers (ASCII and full-width), combining marks, emoji sequences, bidi controls and any
/// Unicode scalar at all. Seeded, so a failure names a case that reproduces.
struct RandomText {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Pieces that matter to CSV, HTML, MIME and spreadsheets.
    static let pieces: [String] = [
        ",", "\"", "\"\"", "'", "`", "\r", "\n", "\r\n", "\n\r", "\t", " ", "  ", "\u{A0}", "\u{3000}",
        "<", ">", "&", "&amp;", "&lt;", "&#39;", "&#x3C;", "</", "/>", "<script>", "</style>", "<!--", "-->",
        "{{", "}}", "{{{", "}}}", "{{& x}}",
        "=", "+", "-", "@", "=?", "?=", "=?UTF-8?B?", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
        "\u{301}", "\u{338}", "\u{20DD}", "e\u{301}", "\"\u{301}", "<\u{338}", "'\u{301}", "&\u{301}",
        "é", "ü", "ß", "Ω", "漢字", "日本語", "עברית", "\u{202E}", "\u{200D}", "\u{200B}", "\u{FEFF}",
        "🚀", "👩‍👩‍👧", "🇩🇪", "🏳️‍🌈", "\u{2028}", "\u{2029}", "\u{85}", "\u{0}", "\u{1}", "\u{7F}", "\u{1B}",
        "\u{FFFD}", "\u{FFFE}", "\u{10FFFF}", "Bcc: victim@example.net", "Subject: x", "%0d%0a",
        "_x0041_", "_x005F_", "_x00", "0", "1", "-1", "1e5", "12.50", "SUM(A1)", "HYPERLINK", "abc", "Partner", "javascript:",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    /// Any Unicode scalar (no surrogates, which a String cannot hold).
    mutating func scalar() -> Unicode.Scalar {
        while true {
            // Mostly the Basic Multilingual Plane, where the interesting characters are.
            let value = chance(80) ? UInt32.random(in: 0...0xFFFF, using: &generator) : UInt32.random(in: 0x10000...0x10FFFF, using: &generator)
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    /// A string of up to `pieces` parts: listed pieces, printable ASCII and random scalars.
    mutating func string(pieces count: ClosedRange<Int> = 0...12) -> String {
        var text = ""
        for _ in 0..<int(count) {
            switch int(0...9) {
            case 0...5: text += Self.pieces[int(0...Self.pieces.count - 1)]
            case 6...7: text.unicodeScalars.append(Unicode.Scalar(UInt8(int(0x20...0x7E))))
            default: text.unicodeScalars.append(scalar())
            }
        }
        return text
    }

    /// A string with no control character, no U+2028/U+2029 line separators and none of
    /// `excluded`: what a header accepts.
    mutating func printable(pieces count: ClosedRange<Int> = 0...12, excluding excluded: Set<Unicode.Scalar> = []) -> String {
        String(
            String.UnicodeScalarView(
                string(pieces: count).unicodeScalars.filter {
                    $0.properties.generalCategory != .control && $0 != "\u{2028}" && $0 != "\u{2029}" && !excluded.contains($0)
                }))
    }

    mutating func element<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }
}
