import Foundation
import Seeding
import Testing

/// `db seed --weeks N`: a longer history with as many rows per day, tests that end, and no
/// test name used twice.
@Suite struct SeedHistoryTests {
    static let plan = SeedPlan(scale: .small, seed: 42, lastDay: SmallSeed.lastDay, weeks: 104)

    /// Each test's first and last assignment day (days since 1970-01-01).
    static let testDays: [String: ClosedRange<Int>] = {
        guard let generator = plan.generator(for: "ab_test_assignments"),
            let rows = try? CopyTextParser.rows(generatedBytes(generator))
        else { return [:] }
        let columns = generator.columns
        let name = columns.firstIndex(of: "test_name")!, created = columns.firstIndex(of: "created_at")!
        var days: [String: ClosedRange<Int>] = [:]
        for row in rows {
            guard let test = row[name], let time = row[created].flatMap(epochSeconds) else { continue }
            let day = time / 86_400
            days[test] = days[test].map { min($0.lowerBound, day)...max($0.upperBound, day) } ?? day...day
        }
        return days
    }()

    @Test func theTimeBasedTablesGrowWithTheHistoryAndThePartnersDoNot() {
        let base = SeedPlan(scale: .small, seed: 42, lastDay: SmallSeed.lastDay)
        #expect(Self.plan.weeks == 104 && Self.plan.sizes.days == 728)
        #expect(Self.plan.firstDay == SmallSeed.lastDay - 727)
        #expect(Self.plan.sizes.viralMetrics == 4 * base.sizes.viralMetrics)
        #expect(Self.plan.sizes.abTestAssignments == 4 * base.sizes.abTestAssignments)
        #expect(Self.plan.sizes.conversionEvents == 4 * base.sizes.conversionEvents)
        #expect(Self.plan.sizes.partners == base.sizes.partners)
        #expect(Self.plan.sizes.abTests == 4 * base.sizes.abTests)
    }

    @Test func mostTestsHaveEndedAndNoNameIsReused() throws {
        let days = Self.testDays
        #expect(days.count == Self.plan.sizes.abTests)
        // The last 26 weeks hold the tests of a 26-week seed, under their own names.
        #expect(days["checkout_button_color"] != nil && days["checkout_button_color_r1"] != nil)
        #expect(days["checkout_button_color_r3"] != nil && days["checkout_button_color_r4"] == nil)
        let lastWeek = (SmallSeed.lastDay - 6)...SmallSeed.lastDay
        let running = days.filter { $0.value.overlaps(lastWeek) }
        #expect(running.count <= Self.plan.sizes.abTests / 4, "\(running.keys.sorted())")
        #expect(days.values.allSatisfy { $0.lowerBound >= Self.plan.firstDay && $0.upperBound <= SmallSeed.lastDay })
        // An earlier copy of a test ran exactly 26 weeks before it.
        let now = try #require(days["pricing_page_v2"]), before = try #require(days["pricing_page_v2_r1"])
        #expect(now.lowerBound - before.lowerBound == 182)
    }

    @Test func viralRowsCoverTheWholeHistory() throws {
        let generator = try #require(Self.plan.generator(for: "viral_metrics"))
        let column = try #require(generator.columns.firstIndex(of: "created_at"))
        var first: [UInt8] = [], last: [UInt8] = []
        generator.appendRows(0..<1, to: &first)
        generator.appendRows((generator.rowCount - 1)..<generator.rowCount, to: &last)
        let firstDay = try #require(try CopyTextParser.rows(first).first?[column].flatMap(epochSeconds)) / 86_400
        let lastDay = try #require(try CopyTextParser.rows(last).first?[column].flatMap(epochSeconds)) / 86_400
        #expect(firstDay == Self.plan.firstDay)
        #expect(lastDay == SmallSeed.lastDay)
    }
}
