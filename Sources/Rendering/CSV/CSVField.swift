/// The two transformations a CSV field goes through: the formula guard for text, then
/// RFC 4180 quoting.
public enum CSVField {
    /// Characters that make a spreadsheet treat a cell as a formula (or, for tab, CR and LF,
    /// that are used to smuggle one past a naive check), with their full-width forms
    /// (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠) that some spreadsheets fold to ASCII.
    static let formulaTriggers: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]

    /// Whether a text value would start a formula in a spreadsheet. Looks at the first Unicode
    /// scalar, so "\r\n" and "=" followed by a combining mark are caught too.
    public static func startsLikeFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return formulaTriggers.contains(first)
    }

    /// A text value made safe to open in a spreadsheet: prefixed with `'` when it starts like a
    /// formula (OWASP "CSV injection"). Only for text cells: numbers are never altered.
    public static func neutralizingFormula(_ text: String) -> String {
        startsLikeFormula(text) ? "'" + text : text
    }

    /// Whether RFC 4180 needs the field in double quotes: it holds a comma, a double quote,
    /// CR or LF.
    public static func needsQuotes(_ field: String) -> Bool {
        field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
    }

    /// The field as it appears in the file: quoted, with inner quotes doubled, when needed.
    public static func escaped(_ field: String) -> String {
        guard needsQuotes(field) else { return field }
        var result = "\""
        result.reserveCapacity(field.utf8.count + 2)
        for character in field.unicodeScalars {
            if character == "\"" { result.unicodeScalars.append("\"") }
            result.unicodeScalars.append(character)
        }
        result += "\""
        return result
    }
}
