import Database
import Foundation
import Reports
import TestSupport
import Testing

/// The re-derived conversion rate equals the rate computed from implied visitors, for random rows.
@Suite struct PartnerROIPropertyTests {
    @Test(arguments: [UInt64(1), 7, 2026])
    func reDerivedRateEqualsTheRateOfImpliedVisitors(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let fixture = try PartnerROIFixture("roi_property_\(seed)")
        // Per partner: Σ customers and Σ implied visitors of the rows with a rate, worked out here.
        var expected: [String: (customers: Int, visitors: Double)] = [:]
        var singleRate: [String: Double] = [:]
        for index in 0..<12 {
            let name = "P\(index)"
            let fixedRate = index % 3 == 0 ? Double(Int.random(in: 1...9999, using: &random)) / 100 : nil
            var sums = (customers: 0, visitors: 0.0)
            for _ in 0..<Int.random(in: 1...15, using: &random) {
                let day = Int.random(in: 16...22, using: &random)
                let customers = Int.random(in: 0...500, using: &random)
                let roll = Int.random(in: 0..<10, using: &random)
                let rate: Double? = fixedRate ?? (roll == 0 ? nil : roll == 1 ? 0 : Double(Int.random(in: 1...9999, using: &random)) / 100)
                try fixture.row(
                    name, "t", day: day, customers: customers, revenue: "\(customers).00",
                    rate: rate.map { String(format: "%.2f", $0) })
                if let rate, rate > 0 {
                    sums.customers += customers
                    sums.visitors += Double(customers) / (rate / 100)
                }
            }
            expected[name] = sums
            if let fixedRate { singleRate[name] = fixedRate / 100 }
        }
        let results = try PartnerROIReport(period: PartnerROITests.period).results(on: fixture.connection)
        #expect(results.partners.count == expected.count)
        for partner in results.partners {
            let sums = try #require(expected[partner.partnerName!])
            #expect(partner.current.ratedCustomers == sums.customers)
            if sums.visitors > 0 {
                let rate = try #require(partner.current.conversionRate)
                let implied = Double(sums.customers) / sums.visitors
                #expect(abs(rate - implied) <= 1e-12 * max(implied, 1e-12), "\(partner.partnerName!): \(rate) vs \(implied)")
                // Every row at the same rate: the re-derived rate is that rate, whatever the counts.
                if let single = singleRate[partner.partnerName!], sums.customers > 0 {
                    #expect(abs(rate - single) <= 1e-12, "\(partner.partnerName!): \(rate) vs \(single)")
                }
            } else {
                #expect(partner.current.conversionRate == nil)
            }
        }
        // The total's rate is re-derived from the same sums, not an average of the partners' rates.
        let customers = expected.values.reduce(0) { $0 + $1.customers }
        let visitors = expected.values.reduce(0.0) { $0 + $1.visitors }
        if visitors > 0 {
            let rate = try #require(results.total.current.conversionRate)
            #expect(abs(rate - Double(customers) / visitors) <= 1e-12)
        }
    }
}
