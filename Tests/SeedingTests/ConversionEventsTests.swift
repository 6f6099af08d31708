import Foundation
import Seeding
import Testing

@Suite struct ConversionEventsTests {
    private let rows = SmallSeed.conversionEvents

    @Test func mostConversionsFollowAViralActionWithin30Days() {
        var actions: [String: [Int]] = [:]
        for row in SmallSeed.viralMetrics {
            guard let email = row["user_email"] ?? nil else { continue }
            actions[email, default: []].append(epochSeconds(row["created_at"]!!)!)
        }
        var touched = 0
        var touches: [Int: Int] = [:]
        for row in rows {
            let email = row["user_email"]!!
            let time = epochSeconds(row["occurred_at"]!!)!
            let count = actions[email, default: []].filter { $0 <= time && $0 >= time - 30 * 86_400 }.count
            if count > 0 { touched += 1 }
            touches[min(count, 5), default: 0] += 1
        }
        let share = Double(touched) / Double(rows.count)
        print("conversions after a viral action: \(share); touches per conversion (5 = 5+): \(touches.sorted { $0.key < $1.key })")
        #expect(share > 0.8 && share < 0.95)
        #expect((1...5).allSatisfy { touches[$0, default: 0] > 20 })
    }

    @Test func eventsHaveRealisticRevenue() throws {
        let money = try Regex(#"^\d+\.\d{2}$"#)
        var types: [String: Int] = [:]
        for row in rows {
            #expect(row["user_email"]! != nil)
            let type = row["event_type"]!!
            let revenue = row["revenue"]!!
            types[type, default: 0] += 1
            #expect(revenue.wholeMatch(of: money) != nil)
            if type == "signup" {
                #expect(revenue == "0.00")
            } else {
                #expect(Double(revenue)! >= 7.99 && Double(revenue)! <= 600)
            }
        }
        #expect(Set(types.keys) == ["signup", "purchase", "upgrade"])
        let prices = Set(rows.filter { $0["event_type"]! == "purchase" }.map { $0["revenue"]!! })
        #expect(prices.isSuperset(of: ["9.99", "19.99", "49.00", "99.00"]) && prices.count > 10)
    }

    @Test func rowsAreInDayOrder() {
        let days = rows.map { epochSeconds($0["occurred_at"]!!)! / 86_400 }
        #expect(zip(days, days.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(days.last! <= SmallSeed.lastDay)
    }
}
