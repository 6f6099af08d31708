/// The partners of a plan and their daily results, shared by `partnership_analytics` and
/// `partner_costs` so that a day's cost follows that day's customers.
struct PartnerRoster: Sendable {
    enum Kind: Int, Sendable {
        case celebrity, youtube, tech

        var text: String {
            switch self {
            case .celebrity: "celebrity"
            case .youtube: "youtube"
            case .tech: "tech"
            }
        }
    }

    struct Partner: Sendable {
        var name: String
        var kind: Kind
        /// Primary and secondary `referral_source`.
        var sources: (String, String)
        /// Active days (indexes), inclusive.
        var activeDays: ClosedRange<Int>
        var customersPerDay: Double
        var priceCents: Int
        /// Typical conversion rate in hundredths of a percent (1250 = 12.50 %).
        var rateHundredths: Int
        var hasCosts: Bool
        var dailyFeeCents: Int
        var costPerCustomerCents: Int
    }

    /// One day's results of a partner.
    struct Day {
        var customers: Int
        var revenueCents: Int
        /// nil when the row has no rate.
        var rateHundredths: Int?
        /// 0: primary source, 1: secondary, 2: none.
        var source: Int
        var createdSecond: Int
        var id: (UInt64, UInt64)
    }

    static let missingCostPerMillion = 40_000

    let partners: [Partner]
    /// Days of the history; each partner's activity is laid out on the last 26 weeks, and a
    /// partner active from the first of them is active from the history's first day.
    let dayCount: Int
    private let dayKey: UInt64
    private let costKey: UInt64

    init(seed: UInt64, count: Int, dayCount: Int = SeedCalendar.baseDayCount) {
        self.dayCount = dayCount
        dayKey = seedKey(seed, salt: "partnership_analytics")
        costKey = seedKey(seed, salt: "partner_costs")
        let key = seedKey(seed, salt: "partners")
        var names = PartnerNames()
        partners = (0..<count).map { index in
            var random = RowRandom(key: key, index: index)
            var partner = Self.partner(index: index, count: count, random: &random, names: &names)
            let offset = dayCount - SeedCalendar.baseDayCount
            let days = partner.activeDays
            partner.activeDays = (days.lowerBound == 0 ? 0 : days.lowerBound + offset)...(days.upperBound + offset)
            return partner
        }
    }

    private static func partner(index: Int, count: Int, random: inout RowRandom, names: inout PartnerNames) -> Partner {
        // A fixed pattern keeps every type present even with 20 partners.
        let kind: Kind =
            switch index % 5 {
            case 0: .celebrity
            case 1, 2: .youtube
            default: .tech
            }
        let name = names.next(kind: kind, index: index, random: &random)
        let last = SeedCalendar.baseDayCount - 1
        var activeDays = 0...last
        let window = random.below(100)
        if index == count - 1 || window >= 96 {
            activeDays = (154 + random.below(21))...last // only the last weeks
        } else if index == count - 2 || window >= 88 {
            activeDays = 0...(60 + random.below(100)) // stopped
        } else if window >= 78 {
            activeDays = (28 + random.below(120))...last // joined later
        } else if window >= 74 {
            let start = 14 + random.below(50)
            activeDays = start...min(last, start + 40 + random.below(80))
        }
        let sources: [String] =
            switch kind {
            case .celebrity: ["instagram_post", "podcast_mention", "tv_segment", "tiktok_video"]
            case .youtube: ["youtube_video", "youtube_description_link", "youtube_community_post"]
            case .tech: ["blog_review", "newsletter", "integration_directory", "affiliate_link", "conference_talk"]
            }
        let primary = random.below(sources.count)
        let secondary = (primary + 1 + random.below(sources.count - 1)) % sources.count
        let prices: [Int] =
            switch kind {
            case .celebrity: [2999, 3999, 4999, 7999, 9999]
            case .youtube: [1999, 2499, 2999, 4999]
            case .tech: [4900, 9900, 14900, 19900]
            }
        let customers: Double
        let rate: Int
        let fee: Int
        let perCustomer: Int
        switch kind {
        case .celebrity:
            customers = 15 + 65 * random.unit()
            rate = 100 + random.below(500)
            fee = 20_000 + random.below(180_000)
            perCustomer = 0
        case .youtube:
            customers = 3 + 27 * random.unit()
            rate = 200 + random.below(1000)
            fee = random.below(5000)
            perCustomer = 500 + random.below(2500)
        case .tech:
            customers = 1 + 19 * random.unit()
            rate = 300 + random.below(1500)
            fee = 0
            perCustomer = 1000 + random.below(5000)
        }
        return Partner(
            name: name, kind: kind, sources: (sources[primary], sources[secondary]),
            activeDays: activeDays, customersPerDay: customers,
            priceCents: prices[random.below(prices.count)], rateHundredths: rate,
            hasCosts: index % 17 != 3, dailyFeeCents: fee, costPerCustomerCents: perCustomer)
    }

    /// Every active partner-day, by day then partner.
    func activePartnerDays() -> [PartnerDay] {
        var cells: [PartnerDay] = []
        for day in 0..<dayCount {
            for (index, partner) in partners.enumerated() where partner.activeDays.contains(day) {
                cells.append(PartnerDay(day: day, partner: index))
            }
        }
        return cells
    }

    /// Partner-days that have a cost row: partners with costs, minus about 4 % of their days.
    func costedPartnerDays() -> [PartnerDay] {
        activePartnerDays().filter { cell in
            guard partners[cell.partner].hasCosts else { return false }
            var random = RowRandom(key: costKey, index: cell.key)
            return !random.chance(perMillion: Self.missingCostPerMillion)
        }
    }

    /// The results of `partner` on `day`.
    func day(_ day: Int, partner index: Int) -> Day {
        let partner = partners[index]
        var random = RowRandom(key: dayKey, index: PartnerDay(day: day, partner: index).key)
        let weekday = [100, 104, 106, 103, 96, 72, 66][day % 7]
        let growth = 1.0 + 0.3 * Double(day) / Double(dayCount - 1)
        var mean = partner.customersPerDay * Double(weekday) / 100 * growth
        if partner.kind == .celebrity && random.chance(perMillion: 40_000) {
            mean *= 3 + 4 * random.unit() // a post that took off
        }
        var customers = Int(mean * (0.55 + 0.9 * random.unit()) + random.unit())
        if random.chance(perMillion: 30_000) { customers = 0 }
        let revenueCents = customers * partner.priceCents * (85 + random.below(31)) / 100
        var rate: Int? = min(2500, max(50, partner.rateHundredths * (80 + random.below(41)) / 100))
        if customers == 0 {
            rate = random.below(2) == 0 ? 0 : nil
        } else if random.chance(perMillion: 20_000) {
            rate = nil
        }
        let sourceRoll = random.below(100)
        let source = sourceRoll < 85 ? 0 : sourceRoll < 98 ? 1 : 2
        let second = 3600 + random.below(4 * 3600)
        return Day(
            customers: customers, revenueCents: revenueCents, rateHundredths: rate,
            source: source, createdSecond: second, id: (random.next(), random.next()))
    }

    /// The cost of `partner` on `day` in cents, its id and creation second.
    func cost(_ day: Int, partner index: Int) -> (cents: Int, createdSecond: Int, id: (UInt64, UInt64)) {
        let partner = partners[index]
        let results = self.day(day, partner: index)
        var random = RowRandom(key: costKey, index: PartnerDay(day: day, partner: index).key)
        _ = random.next() // the missing-day draw
        var cents =
            (partner.dailyFeeCents + results.customers * partner.costPerCustomerCents)
            * (90 + random.below(21)) / 100
        if random.chance(perMillion: 10_000) { cents = 0 } // a free day
        let second = 3600 + random.below(4 * 3600)
        return (cents, second, (random.next(), random.next()))
    }
}

/// One partner on one day, packed in 32 bits (the day in the high half): the order of the
/// partner tables' rows and the key of their random draws.
struct PartnerDay: Sendable {
    private let packed: UInt32

    init(day: Int, partner: Int) {
        packed = UInt32(day << 16 | partner)
    }

    var day: Int { Int(packed >> 16) }
    var partner: Int { Int(packed & 0xFFFF) }
    /// The index a row's `RowRandom` draws from.
    var key: Int { Int(packed) }
}
