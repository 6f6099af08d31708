import Seeding
import Testing

@Suite struct SeedPlanTests {
    @Test func tablesComeInLoadOrder() {
        #expect(
            SmallSeed.plan.generators.map(\.table) == [
                "real_time_metrics", "partnership_analytics", "partner_costs",
                "viral_metrics", "ab_test_assignments", "conversion_events",
            ])
        #expect(SmallSeed.plan.summary.map(\.rows) == SmallSeed.plan.generators.map(\.rowCount))
        #expect(SmallSeed.plan.totalRows == SmallSeed.plan.generators.reduce(0) { $0 + $1.rowCount })
    }

    @Test(arguments: [
        (SeedScale.small, 100_000, 20_000, 10_000, 20),
        (.medium, 1_000_000, 200_000, 100_000, 60),
        (.large, 10_000_000, 2_000_000, 1_000_000, 200),
    ])
    func rowCountsFollowTheScale(scale: SeedScale, viral: Int, assignments: Int, conversions: Int, partners: Int) {
        let plan = SeedPlan(scale: scale, seed: 7, lastDay: SmallSeed.lastDay)
        let rows = Dictionary(uniqueKeysWithValues: plan.summary.map { ($0.table, $0.rows) })
        #expect(rows["real_time_metrics"] == 3)
        #expect(rows["viral_metrics"] == viral)
        #expect(rows["ab_test_assignments"] == assignments)
        #expect(rows["conversion_events"] == conversions)
        #expect(plan.sizes.partners == partners)
        // Most partners run all 182 days; some start late or stop early.
        let partnerDays = rows["partnership_analytics"] ?? 0
        #expect(partnerDays > partners * 182 * 8 / 10 && partnerDays < partners * 182)
        let costs = rows["partner_costs"] ?? 0
        #expect(costs > partnerDays * 8 / 10 && costs < partnerDays * 95 / 100)
    }

    @Test func copyStatementNamesTheColumns() throws {
        let generator = try #require(SmallSeed.plan.generator(for: "partner_costs"))
        #expect(
            generator.copyStatement
                == "COPY partner_costs (id, partner_name, analytics_period, cost, created_at) FROM STDIN")
    }
}
