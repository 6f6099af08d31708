/// The mix of viral actions and platforms, with the reach each combination typically has.
struct ViralChannelTable: Sendable {
    struct Reach: Sendable {
        /// Mean impressions; clicks per impression; conversions per click.
        var impressions: Double
        var clickRate: Double
        var conversionRate: Double
    }

    /// (action_type, source_platform or nil, relative frequency)
    private static let mix: [(String, String?, Int)] = [
        ("linkedin_share", "linkedin", 220), ("linkedin_share", nil, 4),
        ("twitter_share", "twitter", 130), ("twitter_share", nil, 2),
        ("facebook_share", "facebook", 80),
        ("referral", "email", 60), ("referral", "linkedin", 25), ("referral", "twitter", 15),
        ("referral", "facebook", 15), ("referral", "reddit", 10), ("referral", nil, 6),
        ("email_invite", "email", 110),
        ("review", "reddit", 20), ("review", "youtube", 15), ("review", nil, 3),
        ("video_mention", "youtube", 35), ("video_mention", "tiktok", 40),
        ("reddit_post", "reddit", 30),
    ]

    private static func reach(action: String, platform: String?) -> Reach {
        var reach =
            switch platform {
            case "linkedin": Reach(impressions: 450, clickRate: 0.022, conversionRate: 0.08)
            case "twitter": Reach(impressions: 320, clickRate: 0.015, conversionRate: 0.05)
            case "facebook": Reach(impressions: 260, clickRate: 0.012, conversionRate: 0.06)
            case "email": Reach(impressions: 6, clickRate: 0.35, conversionRate: 0.15)
            case "reddit": Reach(impressions: 900, clickRate: 0.010, conversionRate: 0.03)
            case "youtube": Reach(impressions: 2500, clickRate: 0.008, conversionRate: 0.04)
            case "tiktok": Reach(impressions: 3500, clickRate: 0.006, conversionRate: 0.02)
            default: Reach(impressions: 200, clickRate: 0.020, conversionRate: 0.05)
            }
        switch action {
        case "referral": reach.conversionRate *= 2
        case "review": reach.impressions *= 0.5
        default: break
        }
        return reach
    }

    /// `action_type \t source_platform` of every combination, concatenated.
    let fields: [UInt8]
    let fieldRanges: [Range<Int>]
    let reach: [Reach]
    private let slots: [UInt8]

    init() {
        var fields: [UInt8] = []
        var ranges: [Range<Int>] = []
        for (action, platform, _) in Self.mix {
            let start = fields.count
            fields.append(contentsOf: action.utf8)
            fields.append(0x09)
            fields.append(contentsOf: (platform ?? "\\N").utf8)
            ranges.append(start..<fields.count)
        }
        self.fields = fields
        fieldRanges = ranges
        reach = Self.mix.map { Self.reach(action: $0.0, platform: $0.1) }
        // 4096 equally likely slots approximate the frequencies to 1/4096.
        let total = Self.mix.reduce(0) { $0 + $1.2 }
        var cumulative: [Int] = []
        var sum = 0
        for entry in Self.mix {
            sum += entry.2
            cumulative.append(sum)
        }
        slots = (0..<4096).map { slot in
            let target = (2 * slot + 1) * total / 8192
            return UInt8(cumulative.firstIndex { $0 > target } ?? cumulative.count - 1)
        }
    }

    /// The combination for 64 random bits.
    @inline(__always)
    func pick(_ bits: UInt64) -> Int {
        Int(slots[Int(truncatingIfNeeded: bits >> 52)])
    }
}
