/// `conversion_events`: signups, purchases and upgrades with their revenue.
///
/// Rows are in day order. About 85 % follow a viral action of the same user 0–29 days
/// earlier (recent days likelier): the row regenerates a viral_metrics row of that day to
/// take its user and time. The rest, and those whose viral row has no e-mail, are site
/// users converting with no viral touch. `user_email` is never NULL.
struct ConversionEventsGenerator: TableGenerator {
    static let viralPerMillion = 850_000

    let table = "conversion_events"
    let columns = ["id", "user_email", "event_type", "revenue", "occurred_at"]
    let rowCount: Int
    let schedule: DaySchedule
    private let key: UInt64
    private let viral: ViralMetricsGenerator
    private let calendar: SeedCalendar
    private let clock: DiurnalClock
    private let users: UserPool

    init(
        rowCount: Int, seed: UInt64, calendar: SeedCalendar, dailyWeights: [Int],
        users: UserPool, viral: ViralMetricsGenerator
    ) {
        self.rowCount = rowCount
        schedule = DaySchedule(total: rowCount, weights: dailyWeights)
        key = seedKey(seed, salt: "conversion_events")
        self.viral = viral
        self.calendar = calendar
        clock = DiurnalClock()
        self.users = users
    }

    private static let purchasePrices = [999, 1999, 1999, 2900, 4900, 4900, 9900, 14900, 19999]
    private static let upgradePrices = [1000, 3000, 5000, 10000, 24000]

    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8]) {
        guard !range.isEmpty else { return }
        var writer = CopyTextWriter()
        var day = schedule.day(ofRow: range.lowerBound)
        for row in range {
            while row >= schedule.cumulative[day + 1] { day += 1 }
            var random = RowRandom(key: key, index: row)
            let followsViral = random.chance(perMillion: Self.viralPerMillion)
            let lagBits = random.unit()
            let viralPick = random.next()
            var user = users.uniformSiteUser(&random)
            var second = clock.second(&random)
            if followsViral {
                let lag = min(day, Int(lagBits * lagBits * 30))
                let viralRows = viral.schedule.rows(onDay: day - lag)
                if !viralRows.isEmpty {
                    let action = viral.action(row: viralRows.lowerBound + scaled(viralPick, below: viralRows.count))
                    if let actor = action.user {
                        user = actor
                        if lag == 0 && second < action.second {
                            // Same day: convert after the action, before midnight.
                            second =
                                action.second
                                + scaled(
                                    viralPick &* 0x9E37_79B9_7F4A_7C15,
                                    below: SeedCalendar.secondsPerDay - action.second)
                        }
                    }
                }
            }
            writer.uuid(random.next(), random.next())
            writer.tab()
            users.writeEmail(ofUser: user, to: &writer)
            writer.tab()
            let eventRoll = random.below(100)
            if eventRoll < 50 {
                writer.raw("signup\t0.00")
            } else if eventRoll < 90 {
                writer.raw("purchase\t")
                var cents = Self.purchasePrices[random.below(Self.purchasePrices.count)]
                let variety = random.below(100)
                if variety < 12 {
                    cents *= 2 + random.below(2) // two or three items
                } else if variety < 22 {
                    cents = cents * 80 / 100 // a 20 % coupon
                }
                writer.hundredths(cents)
            } else {
                writer.raw("upgrade\t")
                writer.hundredths(Self.upgradePrices[random.below(Self.upgradePrices.count)])
            }
            writer.tab()
            calendar.writeTimestamp(day: day, second: second, to: &writer)
            writer.endRow(into: &buffer)
        }
        writer.flush(into: &buffer)
    }
}
