/// The five attribution models of SPEC §4.4, in the order the report shows them.
public enum AttributionModel: String, Sendable, CaseIterable, Hashable {
    case firstTouch = "first_touch"
    case lastTouch = "last_touch"
    case linear
    case timeDecay = "time_decay"
    case positionBased = "position_based"

    /// How the model reads to a person: "First touch".
    public var title: String {
        switch self {
        case .firstTouch: "First touch"
        case .lastTouch: "Last touch"
        case .linear: "Linear"
        case .timeDecay: "Time decay"
        case .positionBased: "Position-based"
        }
    }
}

/// The channel of a conversion that had no touchpoint in its lookback window.
public enum AttributionChannel {
    public static let direct = "(direct)"
    /// The channel of a touch whose `source_platform` is null.
    public static let unknown = "unknown"
}
