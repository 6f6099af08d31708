import Foundation

/// One period's attribution: for every model, each channel's credited conversions (full
/// precision) and revenue rounded to cents by the largest remainder method, so every model's
/// revenue adds up to the total revenue exactly.
public struct AttributionResult: Sendable, Equatable {
    public struct Credit: Sendable, Equatable {
        public var channel: String
        public var conversions: Double
        public var revenue: Decimal
    }

    public var credits: AttributionCredits
    /// Per model, one credit per channel with any credit under some model, by channel name.
    public var byModel: [AttributionModel: [Credit]]

    public init(credits: AttributionCredits) {
        self.credits = credits
        var byModel: [AttributionModel: [Credit]] = [:]
        let total = credits.revenue
        for model in AttributionModel.allCases {
            let shares = credits.channels.map { (key: $0.name, amount: $0.revenue[model] ?? 0) }
            let rounded = largestRemainderCents(shares, total: total)
            byModel[model] = credits.channels.map { channel in
                Credit(channel: channel.name, conversions: channel.conversions[model] ?? 0, revenue: rounded[channel.name] ?? 0)
            }
        }
        self.byModel = byModel
    }

    public var conversions: Int { credits.conversions }
    public var revenue: Decimal { credits.revenue }
    /// Channel names in the order of the report (byte order, as PostgreSQL sorted them with "C").
    public var channels: [String] { credits.channels.map(\.name) }

    /// The credit of `channel` under `model`, or nil when the channel has none in this period.
    public func credit(_ model: AttributionModel, _ channel: String) -> Credit? {
        byModel[model]?.first { $0.channel == channel }
    }
}
