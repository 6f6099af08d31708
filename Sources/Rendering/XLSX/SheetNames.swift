import Foundation

/// Worksheet names that Excel accepts: at most 31 characters (UTF-16 units, as Excel counts),
/// none of `[ ] : * ? / \`, no control characters, not starting or ending with `'`, not the
/// reserved `History`, and unique without regard to case.
struct SheetNames {
    static let maximumLength = 31
    private var used: Set<String>

    init(reserved: [String] = []) {
        used = Set((reserved + ["History"]).map { $0.lowercased() })
    }

    /// A sanitised, unique name for `proposed`, remembered as used.
    mutating func claim(_ proposed: String) -> String {
        let base = SheetNames.sanitised(proposed)
        var candidate = base
        var number = 2
        while used.contains(candidate.lowercased()) {
            let suffix = " (\(number))"
            candidate = SheetNames.truncated(base, to: SheetNames.maximumLength - suffix.utf16.count) + suffix
            number += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    static func sanitised(_ proposed: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var name = String(
            proposed.map { character -> Character in
                if forbidden.contains(character) { return "_" }
                if character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return " " }
                return character
            })
        name = name.trimmingCharacters(in: .whitespaces)
        name = truncated(name, to: maximumLength)
        while name.hasPrefix("'") { name.removeFirst() }
        while name.hasSuffix("'") { name.removeLast() }
        name = name.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? "Sheet" : name
    }

    /// The longest prefix of whole characters within `limit` UTF-16 units.
    static func truncated(_ text: String, to limit: Int) -> String {
        var result = ""
        var length = 0
        for character in text {
            let units = character.utf16.count
            if length + units > limit { break }
            result.append(character)
            length += units
        }
        return result
    }
}
