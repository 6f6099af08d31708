import Foundation
import Seeding
import Testing

@Suite struct PartnerTablesTests {
    private let analytics = SmallSeed.partnershipAnalytics
    private let costs = SmallSeed.partnerCosts

    @Test func costsAreUniquePerPartnerDayAndMatchAnalytics() {
        let keys = costs.map { "\($0["partner_name"]!!)|\($0["analytics_period"]!!)" }
        #expect(Set(keys).count == keys.count)
        let analyticsKeys = Set(analytics.map { "\($0["partner_name"]!!)|\($0["analytics_period"]!!)" })
        #expect(analyticsKeys.count == analytics.count)
        #expect(Set(keys).isSubset(of: analyticsKeys))
        let share = Double(keys.count) / Double(analyticsKeys.count)
        #expect(share > 0.8 && share < 0.95, "\(share) of partner-days have a cost")
        let partnersWithCosts = Set(costs.map { $0["partner_name"]!! })
        let partners = Set(analytics.map { $0["partner_name"]!! })
        #expect(partners.subtracting(partnersWithCosts).count >= 1)
    }

    @Test func moneyIsExactDecimalText() throws {
        let money = try Regex(#"^\d{1,8}\.\d{2}$"#)
        #expect(costs.allSatisfy { $0["cost"]!!.wholeMatch(of: money) != nil })
        #expect(analytics.allSatisfy { $0["revenue_generated"]!!.wholeMatch(of: money) != nil })
    }

    @Test func ratesArePercentagesWithSomeNullOrZero() {
        var nulls = 0
        var zeros = 0
        for row in analytics {
            guard let text = row["conversion_rate"] ?? nil else {
                nulls += 1
                continue
            }
            let rate = Double(text)!
            if rate == 0 { zeros += 1 } else { #expect(rate >= 0.5 && rate <= 25) }
        }
        #expect(nulls > 0 && zeros > 0 && nulls + zeros < analytics.count / 10)
    }

    @Test func partnersHaveTypesAndLifetimes() {
        #expect(Set(analytics.map { $0["partner_type"]!! }) == ["celebrity", "youtube", "tech"])
        var days: [String: [Int]] = [:]
        for row in analytics {
            let day = epochSeconds(row["analytics_period"]!!)! / 86_400
            days[row["partner_name"]!!, default: []].append(day)
            let created = epochSeconds(row["created_at"]!!)! / 86_400
            #expect(created == day + 1)
        }
        let first = SmallSeed.lastDay - 181
        #expect(days.values.contains { $0.min()! > SmallSeed.lastDay - 28 }) // new in the last weeks
        #expect(days.values.contains { $0.max()! < SmallSeed.lastDay - 14 }) // stopped
        #expect(days.values.filter { $0.min()! == first && $0.max()! == SmallSeed.lastDay }.count > 10)
    }

    @Test func realTimeMetricsHaveOneStaleRow() throws {
        let rows = SmallSeed.realTimeMetrics
        #expect(rows.map { $0["metric_name"]!! } == ["daily_signups", "linkedin_shares", "partner_conversions"])
        let updated = rows.map { epochSeconds($0["last_updated"]!!)! }
        let latest = updated.max()!
        #expect(updated.filter { latest - $0 > 86_400 }.count == 1)
        for row in rows {
            #expect(Int(row["metric_value"]!!)! > 0)
            let metadata = try JSONSerialization.jsonObject(with: Data(row["metric_metadata"]!!.utf8)) as? [String: String]
            #expect(metadata?["source"] == "seed")
        }
    }
}
