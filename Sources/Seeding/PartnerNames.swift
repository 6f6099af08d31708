/// Realistic, unique partner names: people, channels and companies, some with apostrophes,
/// commas, ampersands or accents (which COPY passes through unescaped but reports must quote).
struct PartnerNames {
    private static let firstNames = [
        "Mike", "Renée", "Zoë", "José", "Siobhán", "Chloé", "Björn", "Ana", "Priya", "Marcus",
        "Dana", "Ahmed", "Léa", "Kenji", "Olivia", "Tomás", "Nia", "Sean", "Ingrid", "Rafael",
        "Maya", "Declan",
    ]
    private static let lastNames = [
        "Rowe", "O'Brien", "García", "Müller", "Nakamura", "D'Angelo", "Okafor", "Lindqvist",
        "Hernández", "McAllister", "Kowalski", "Fontaine", "Patel", "Sørensen", "Brennan", "Ibáñez",
        "Whitfield", "Chen", "O'Neill", "Dubois",
    ]
    private static let channelWords = [
        "Tech", "Garage", "Maker", "Budget", "Daily", "Frugal", "Pixel", "Workshop", "Gadget",
        "Home", "Code", "Retro", "Weekend", "Tiny",
    ]
    private static let channelNouns = [
        "Tips", "Guru", "Lab", "Bench", "Hacks", "Reviews", "Nerd", "Talk", "Builds", "Unboxed",
        "Corner", "Academy",
    ]
    private static let companyRoots = [
        "Brightwave", "Stackly", "Quantum Pear", "Northwind", "Café Crème", "Blue Fjörd", "Orbit",
        "Helios", "Kite", "Papaya", "Ironbark", "Señor Data", "Polar Byte", "Mosaic", "Tandem",
    ]
    private static let companySuffixes = [
        " Labs", " Tech", ", Inc.", " Software", " Systems, LLC", " GmbH", " Analytics", " AI", " & Co.",
    ]

    private var used: Set<String> = []

    /// A name not handed out before; the first two tech partners are named as the issue's
    /// examples so every scale has them.
    mutating func next(kind: PartnerRoster.Kind, index: Int, random: inout RowRandom) -> String {
        let fixed = [3: "Café Crème, Inc.", 4: "O'Brien Tech"]
        if let name = fixed[index], used.insert(name).inserted {
            return name
        }
        for _ in 0..<50 {
            let name = candidate(kind: kind, random: &random)
            if used.insert(name).inserted { return name }
        }
        // Partner indexes are unique, so this one is too.
        let name = "\(candidate(kind: kind, random: &random)) \(index)"
        used.insert(name)
        return name
    }

    private func candidate(kind: PartnerRoster.Kind, random: inout RowRandom) -> String {
        func pick(_ list: [String]) -> String { list[random.below(list.count)] }
        switch kind {
        case .celebrity:
            return "\(pick(Self.firstNames)) \(pick(Self.lastNames))"
        case .youtube:
            switch random.below(4) {
            case 0: return "\(pick(Self.channelWords)) \(pick(Self.channelNouns))"
            case 1: return "\(pick(Self.channelWords))\(pick(Self.channelNouns)) TV"
            case 2: return "\(pick(Self.firstNames))'s \(pick(Self.channelWords)) \(pick(Self.channelNouns))"
            default: return "\(pick(Self.lastNames)) \(pick(Self.channelNouns))"
            }
        case .tech:
            switch random.below(5) {
            case 0: return "\(pick(Self.lastNames)) Tech"
            case 1: return "\(pick(Self.lastNames)) & \(pick(Self.lastNames)), LLP"
            default: return "\(pick(Self.companyRoots))\(pick(Self.companySuffixes))"
            }
        }
    }
}
