import Foundation
import Seeding
import Testing

@Suite struct ViralMetricsTests {
    private let rows = SmallSeed.viralMetrics

    @Test func reachMetricsAreJSONAndRarelyMalformed() throws {
        let wellFormed = try Regex(#"^\{"impressions": (\d+), "clicks": (\d+), "conversions": (\d+)(, "note": .*)?\}$"#)
        var malformed = 0
        for row in rows {
            guard let text = row["reach_metrics"] ?? nil else {
                malformed += 1
                continue
            }
            // JSONB accepts exactly the values JSONSerialization accepts with fragments.
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
            guard let match = text.wholeMatch(of: wellFormed) else {
                malformed += 1
                continue
            }
            let impressions = Int(match.output[1].substring!)!
            let clicks = Int(match.output[2].substring!)!
            let conversions = Int(match.output[3].substring!)!
            #expect(conversions <= clicks && clicks <= impressions)
        }
        // 0.05 % of 100 000 rows: about 50.
        #expect(malformed >= 25 && malformed <= 90, "\(malformed) malformed")
    }

    @Test func someRowsHaveNoEmailOrPlatform() {
        let noEmail = rows.filter { $0["user_email"]! == nil }.count
        #expect(noEmail >= 380 && noEmail <= 620, "\(noEmail) rows without e-mail") // 0.5 %
        let noPlatform = rows.filter { $0["source_platform"]! == nil }.count
        #expect(noPlatform >= 800 && noPlatform <= 2000, "\(noPlatform) rows without platform")
        let platforms = Set(rows.compactMap { $0["source_platform"] ?? nil })
        #expect(platforms == ["linkedin", "twitter", "facebook", "email", "reddit", "youtube", "tiktok"])
        let actions = Set(rows.compactMap { $0["action_type"] ?? nil })
        #expect(actions.isSuperset(of: ["linkedin_share", "referral", "review", "twitter_share", "email_invite"]))
    }

    @Test func rowsAreInDayOrderWithWeeklySeasonality() {
        let days = rows.map { epochSeconds($0["created_at"]!!)! / 86_400 }
        #expect(zip(days, days.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(days.first == SmallSeed.lastDay - 181 && days.last == SmallSeed.lastDay)
        var perWeekday = Array(repeating: 0, count: 7)
        for day in days { perWeekday[(day - (SmallSeed.lastDay - 181)) % 7] += 1 }
        // Monday..Friday each busier than Saturday and Sunday.
        #expect(perWeekday[0..<5].allSatisfy { $0 > perWeekday[5] && $0 > perWeekday[6] })
        // Growth: the last 4 weeks busier than the first 4.
        let first = days.filter { $0 < SmallSeed.lastDay - 181 + 28 }.count
        let last = days.filter { $0 > SmallSeed.lastDay - 28 }.count
        #expect(Double(last) > Double(first) * 1.15)
    }

    @Test func activityIsSkewedOverUsers() {
        var actions: [String: Int] = [:]
        for row in rows { if let email = row["user_email"] ?? nil { actions[email, default: 0] += 1 } }
        let counts = actions.values.sorted(by: >)
        #expect(counts.count > 10_000)
        #expect(counts[0] >= 30) // power users
        #expect(counts.filter { $0 == 1 }.count > counts.count / 10) // and one-off sharers
    }
}
