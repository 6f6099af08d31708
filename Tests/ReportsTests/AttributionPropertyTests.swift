import Database
import Foundation
import Reports
import TestSupport
import Testing

/// Conservation on random data: under every model the credits add up to the number of
/// conversions and, to the cent, to the total revenue; and every channel's credit matches a
/// plain Swift computation of the same models over the raw rows.
@Suite struct AttributionPropertyTests {
    struct Case: Sendable, CustomStringConvertible {
        var seed: Double
        var lookbackSeconds: Double
        var halfLifeSeconds: Double
        var description: String { "seed \(seed), lookback \(lookbackSeconds)s, half-life \(halfLifeSeconds)s" }
    }

    static let cases = [
        Case(seed: 0.11, lookbackSeconds: 30 * 86_400, halfLifeSeconds: 7 * 86_400),
        Case(seed: 0.42, lookbackSeconds: 3 * 86_400, halfLifeSeconds: 12 * 3_600),
        // Touches an hour apart at a one-second half-life: weights far below 2^-1000, never an underflow error.
        Case(seed: -0.77, lookbackSeconds: 45 * 86_400, halfLifeSeconds: 1),
    ]

    @Test(arguments: cases)
    func creditsAreConservedAndMatchAPlainComputation(_ testCase: Case) throws {
        let fixture = try AttributionFixture("attr_prop")
        let connection = fixture.connection
        try Self.insertRandomRows(connection, seed: testCase.seed)
        let options = AttributionOptions(lookbackSeconds: testCase.lookbackSeconds, halfLifeSeconds: testCase.halfLifeSeconds)
        let readout = try fixture.readout(options)
        let period = AttributionFixture.period
        let (conversions, total) = try connection.query(
            named: "check_totals",
            """
            SELECT count(*) AS n, coalesce(sum(revenue), 0) AS total FROM conversion_events WHERE occurred_at >= $1 AND occurred_at < $2
            """, parameters: [.timestamp(period.start), .timestamp(period.end)]
        ) { (try $0.int("n"), try $0.decimal("total")) }[0]
        #expect(conversions > 50)
        #expect(readout.current.conversions == conversions)
        #expect(readout.current.revenue == total)
        let expected = try Self.plainCredits(connection, period: period, options: options)
        for model in AttributionModel.allCases {
            let credits = readout.current.byModel[model] ?? []
            let creditedConversions = credits.reduce(0.0) { $0 + $1.conversions }
            #expect(abs(creditedConversions - Double(conversions)) <= 1e-9 * Double(conversions), "\(model)")
            #expect(credits.reduce(Decimal(0)) { $0 + $1.revenue } == total, "\(model)")
            for credit in credits {
                let plain = expected[model]?[credit.channel] ?? (0, 0)
                #expect(abs(credit.conversions - plain.conversions) <= 1e-9, "\(model) \(credit.channel)")
                // Largest remainder moves each channel by less than a cent from its exact share.
                let revenue = Double(credit.revenue.description)!
                #expect(abs(revenue - plain.revenue) < 0.01 + 1e-6, "\(model) \(credit.channel): \(revenue) vs \(plain.revenue)")
            }
            let channelsWithCredit = Set(expected[model]?.filter { $0.value.conversions > 1e-12 }.keys.map { $0 } ?? [])
            #expect(channelsWithCredit.isSubset(of: Set(credits.map(\.channel))), "\(model)")
        }
        // The previous period is conserved as well.
        for model in AttributionModel.allCases {
            let credits = readout.previous.byModel[model] ?? []
            #expect(credits.reduce(Decimal(0)) { $0 + $1.revenue } == readout.previous.revenue, "\(model)")
        }
    }

    /// 40 users, 700 growth actions over 45 days and 300 conversions over 10 days up to the end
    /// of 2026-W47, on whole hours so that timestamps tie; some null or hostile platforms, zero
    /// and negative revenues. `setseed` makes the rows the same on every run.
    static func insertRandomRows(_ connection: PostgresConnection, seed: Double) throws {
        let end = PostgresValue.timestamp(AttributionFixture.period.end)
        _ = try connection.query(named: "setseed", "SELECT setseed($1)::text AS done", parameters: [.double(seed)])
        try connection.execute(
            named: "random_touches",
            """
            INSERT INTO viral_metrics (user_email, action_type, source_platform, created_at)
            SELECT 'u' || floor(random() * 40)::int || '@example.com', 'share',
                   (ARRAY['linkedin', 'email', NULL, 'a, "b"', '=x', 'tiktok'])[1 + floor(random() * 6)::int],
                   date_trunc('hour', $1::timestamptz - random() * interval '45 days')
            FROM generate_series(1, 700)
            """, parameters: [end])
        try connection.execute(
            named: "random_conversions",
            """
            INSERT INTO conversion_events (user_email, event_type, revenue, occurred_at)
            SELECT 'u' || floor(random() * 40)::int || '@example.com', 'purchase',
                   CASE WHEN random() < 0.3 THEN 0 ELSE round((random() * 300 - 20)::numeric, 2) END,
                   date_trunc('hour', $1::timestamptz - random() * interval '10 days')
            FROM generate_series(1, 300)
            """, parameters: [end])
    }

    /// The five models computed row by row in Swift: (conversions, revenue as a double) per channel.
    static func plainCredits(_ connection: PostgresConnection, period: ReportPeriod, options: AttributionOptions)
        throws -> [AttributionModel: [String: (conversions: Double, revenue: Double)]]
    {
        struct Touch {
            var id: String
            var user: String
            var platform: String?
            var at: Date
        }
        let touches = try connection.query(
            named: "all_touches",
            "SELECT id::text AS id, user_email, source_platform, created_at FROM viral_metrics"
        ) { row in
            Touch(
                id: try row.string("id"), user: try row.string("user_email"),
                platform: try row.decodeIfPresent("source_platform", as: String.self), at: try row.timestamp("created_at"))
        }
        let byUser = Dictionary(grouping: touches, by: \.user)
        let conversions = try connection.query(
            named: "all_conversions",
            """
            SELECT user_email, revenue, occurred_at FROM conversion_events WHERE occurred_at >= $1 AND occurred_at < $2
            """, parameters: [.timestamp(period.start), .timestamp(period.end)]
        ) { row in
            (user: try row.string("user_email"), revenue: Double(try row.decimal("revenue").description)!, at: try row.timestamp("occurred_at"))
        }
        var result: [AttributionModel: [String: (conversions: Double, revenue: Double)]] = [:]
        func credit(_ model: AttributionModel, _ channel: String, _ weight: Double, _ revenue: Double) {
            let old = result[model, default: [:]][channel] ?? (0, 0)
            result[model, default: [:]][channel] = (old.conversions + weight, old.revenue + weight * revenue)
        }
        for conversion in conversions {
            let path = (byUser[conversion.user] ?? [])
                .filter { $0.at >= conversion.at.addingTimeInterval(-options.lookbackSeconds) && $0.at <= conversion.at }
                .sorted { a, b in
                    if a.at != b.at { return a.at < b.at }
                    switch (a.platform, b.platform) {
                    case let (x?, y?) where x != y: return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
                    case (nil, _?): return false
                    case (_?, nil): return true
                    default: return a.id < b.id
                    }
                }
            guard !path.isEmpty else {
                for model in AttributionModel.allCases { credit(model, AttributionChannel.direct, 1, conversion.revenue) }
                continue
            }
            let channels = path.map { $0.platform ?? AttributionChannel.unknown }
            let n = path.count
            credit(.firstTouch, channels[0], 1, conversion.revenue)
            credit(.lastTouch, channels[n - 1], 1, conversion.revenue)
            let ages = path.map { conversion.at.timeIntervalSince($0.at) }
            let newest = ages.min()!
            let raw = ages.map { pow(2, -($0 - newest) / options.halfLifeSeconds) }
            let sum = raw.reduce(0, +)
            for index in 0..<n {
                credit(.linear, channels[index], 1 / Double(n), conversion.revenue)
                credit(.timeDecay, channels[index], raw[index] / sum, conversion.revenue)
                let share: Double = n == 1 ? 1 : n == 2 ? 0.5 : (index == 0 || index == n - 1) ? 0.4 : 0.2 / Double(n - 2)
                credit(.positionBased, channels[index], share, conversion.revenue)
            }
        }
        return result
    }
}
