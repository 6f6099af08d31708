import Database
import Foundation
import Rendering
import Reports
import TestSupport
import Testing

/// Partner ROI against hand-built rows whose every number is worked out here (SPEC §4.1).
@Suite struct PartnerROITests {
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: TimeZone(identifier: "UTC")!)!

    static func results(_ label: String) throws -> PartnerROIResults {
        let fixture = try PartnerROIFixture(label)
        try fixture.addWorkedExample()
        return try PartnerROIReport(period: period).results(on: fixture.connection)
    }

    static func close(
        _ value: Double?, _ expected: Double, _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let value else {
            Issue.record("expected \(expected), got nil \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(value) vs \(expected)", sourceLocation: sourceLocation)
    }

    @Test func previousPeriodIsTheWeekBefore() {
        #expect(PartnerROIReport(period: Self.period).previousPeriod.label == "2026-W46")
    }

    @Test func partnersAreRankedByRevenueTiesByName() throws {
        let results = try Self.results("roi_rank")
        #expect(results.partners.map(\.partnerName) == ["Alpha", "Beta", "Zeta", "Eps", "Delta", "Gamma"])
        #expect(results.partners.map(\.rank) == [1, 2, 3, 4, 5, 6])
        #expect(results.partners.map(\.partnerType) == ["tech", "youtube", "youtube", "tech", "celebrity", "tech"])
    }

    @Test func aPartnerWithCostIsExact() throws {
        let alpha = try Self.results("roi_alpha").partners[0]
        // 1000.10 + 500.05 + 99.85, to the cent; the rows of 8 and 23 Nov are outside both weeks.
        #expect(alpha.current.customers == 20)
        #expect(alpha.current.revenue == Decimal(string: "1600.00"))
        #expect(alpha.current.cost == Decimal(string: "400.00"))
        #expect(alpha.current.roi == 3.0) // (1600 − 400) / 400
        #expect(alpha.current.cac == 20.0) // 400 / 20
        #expect(alpha.current.revenuePerCustomer == 80.0) // 1600 / 20
        // 10 of 80 visitors and 6 of 30; the row without a rate adds no visitors: 16 / 110.
        Self.close(alpha.current.conversionRate, 16.0 / 110.0)
        #expect(alpha.previous.customers == 8)
        #expect(alpha.previous.revenue == Decimal(string: "800.00"))
        #expect(alpha.previous.roi == 3.0) // (800 − 200) / 200
        #expect(alpha.customersChange == 1.5) // (20 − 8) / 8
        #expect(alpha.revenueChange == 1.0) // (1600 − 800) / 800
        #expect(alpha.roiChange == 0.0)
    }

    @Test func aPartnerWithoutCostHasNoROIOrCAC() throws {
        let beta = try Self.results("roi_beta").partners[1]
        #expect(beta.partnerName == "Beta")
        #expect(beta.current.cost == nil)
        #expect(beta.current.roi == nil)
        #expect(beta.current.cac == nil)
        #expect(beta.current.revenuePerCustomer == 50.0)
        // The zero-rate row's 5 customers count, but not towards the rate: 5 / 20.
        #expect(beta.current.customers == 10)
        #expect(beta.current.conversionRate == 0.25)
        // Only this week: previous values zero, changes empty.
        #expect(beta.previous == .zero)
        #expect(beta.customersChange == nil)
        #expect(beta.revenueChange == nil)
        #expect(beta.roiChange == nil)
    }

    @Test func zeroCostOnlyCostAndOnlyPreviousPartners() throws {
        let results = try Self.results("roi_edges")
        let byName = Dictionary(uniqueKeysWithValues: results.partners.map { ($0.partnerName!, $0) })
        let eps = byName["Eps"]!
        #expect(eps.current.cost == 0)
        #expect(eps.current.roi == nil)
        #expect(eps.current.cac == nil)
        #expect(eps.current.conversionRate == nil) // no row with a rate
        let delta = byName["Delta"]!
        #expect(delta.current.customers == 0)
        #expect(delta.current.revenue == 0)
        #expect(delta.current.cost == Decimal(string: "50.00"))
        #expect(delta.current.roi == -1.0) // (0 − 50) / 50
        #expect(delta.current.cac == nil) // no customers
        #expect(delta.customersChange == -1.0) // (0 − 2) / 2
        #expect(delta.previous.roi == nil) // no cost last week
        let gamma = byName["Gamma"]!
        #expect(gamma.current == .zero)
        #expect(gamma.previous.customers == 3)
        #expect(gamma.previous.revenue == Decimal(string: "300.00"))
        #expect(gamma.previous.roi == 2.0) // (300 − 100) / 100
        #expect(gamma.revenueChange == -1.0)
        #expect(gamma.roiChange == nil)
        let zeta = byName["Zeta"]!
        #expect(zeta.current.roi == -0.5) // (500 − 1000) / 1000
        #expect(zeta.current.cac == 500.0)
    }

    @Test func rollupsCountCostOnlyOverPartnersWithCost() throws {
        let results = try Self.results("roi_rollup")
        #expect(results.types.map(\.partnerType) == ["tech", "youtube", "celebrity"])
        let tech = results.types[0]
        // Alpha, Eps and Gamma (only last week).
        #expect(tech.current.customers == 21)
        #expect(tech.current.revenue == Decimal(string: "1610.00"))
        #expect(tech.current.cost == Decimal(string: "400.00")) // Alpha 400 + Eps 0
        Self.close(tech.current.roi, (1610.0 - 400.0) / 400.0) // both have cost rows
        Self.close(tech.current.cac, 400.0 / 21.0)
        Self.close(tech.current.conversionRate, 16.0 / 110.0)
        Self.close(tech.previous.roi, (1100.0 - 300.0) / 300.0) // Alpha 800/200, Gamma 300/100
        Self.close(tech.roiChange, 3.025 - 8.0 / 3.0)
        Self.close(tech.customersChange, 10.0 / 11.0)
        let youtube = results.types[1]
        // Beta has no cost: its 500 of revenue and 10 customers stay out of roi and cac.
        #expect(youtube.current.customers == 12)
        #expect(youtube.current.revenue == Decimal(string: "1000.00"))
        #expect(youtube.current.cost == Decimal(string: "1000.00"))
        #expect(youtube.current.roi == -0.5)
        #expect(youtube.current.cac == 500.0)
        Self.close(youtube.current.conversionRate, 7.0 / 24.0)
        #expect(youtube.previous == .zero)
        #expect(youtube.revenueChange == nil)
        let total = results.total
        #expect(total.current.customers == 33)
        #expect(total.current.revenue == Decimal(string: "2610.00"))
        #expect(total.current.cost == Decimal(string: "1450.00"))
        // Partners with cost rows: Alpha 1600, Eps 10, Zeta 500, Delta 0 of revenue; 23 customers.
        Self.close(total.current.roi, (2110.0 - 1450.0) / 1450.0)
        Self.close(total.current.cac, 1450.0 / 23.0)
        Self.close(total.current.conversionRate, 23.0 / 134.0)
        #expect(total.previous.customers == 13)
        #expect(total.previous.revenue == Decimal(string: "1140.00"))
        // Delta's 40 of last week had no cost: (1100 − 300) / 300.
        Self.close(total.previous.roi, 800.0 / 300.0)
    }

    @Test func dataQualityCountsEveryExclusion() throws {
        let results = try Self.results("roi_quality")
        let now = results.total.quality, before = results.total.previousQuality
        #expect(now.rowsRead == 8)
        #expect(before.rowsRead == 3)
        #expect(now.costRows == 5)
        #expect(before.costRows == 2)
        #expect(now.nullTypeRows == 0)
        #expect(now.unratedRows == 4) // Alpha null, Beta zero, Eps null twice
        #expect(now.nullCustomersRows == 1)
        #expect(now.nullRevenueRows == 1)
        #expect(now.daysWithoutCost == 3) // Alpha 18 Nov, Beta 16 and 19 Nov
        #expect(before.daysWithoutCost == 1) // Delta 11 Nov
        #expect(now.costRowsWithoutAnalytics == 1)
        #expect(results.partnersWithoutCost.map(\.partnerName) == ["Beta"])
        #expect(results.partnersWithZeroCost.map(\.partnerName) == ["Eps"])
        #expect(results.partnersWithOnlyCost.map(\.partnerName) == ["Delta"])
        #expect(results.partnersOnlyInPrevious.map(\.partnerName) == ["Gamma"])
        #expect(Set(results.newPartners.compactMap(\.partnerName)) == ["Beta", "Zeta", "Eps"])
    }

    @Test func theDocumentHasTheColumnsOfTheSpec() throws {
        let results = try Self.results("roi_document")
        let context = ReportContext(
            period: Self.period, asOf: Self.period.end, readoutEnd: Self.period.end,
            reproducibility: ReportContext.reproducibility(
                period: Self.period, asOf: Self.period.end, generatedAt: Self.period.end,
                toolVersion: "test", options: [], statements: []))
        let document = PartnerROIDocument.make(results, context: context, currency: "EUR")
        let partners = try #require(document.table(named: "partner-roi"))
        #expect(
            partners.columns.map(\.key) == [
                "rank", "partner_name", "partner_type", "customers", "revenue", "cost", "roi", "cac", "revenue_per_customer",
                "conversion_rate", "prev_customers", "prev_revenue", "prev_roi", "customers_change", "revenue_change", "roi_change",
                "net_revenue", "revenue_per_visitor", "payback_days", "status",
            ])
        let types = try #require(document.table(named: "partner-roi-by-type"))
        #expect(types.columns.map(\.key) == Array(partners.columns.map(\.key).dropFirst(2).dropLast()))
        #expect(types.rows.map { $0[0] } == [.text("tech"), .text("youtube"), .text("celebrity"), .text("(all)")])
        // Beta: cost empty, roi and cac undefined for want of a cost row; previous values 0; changes empty.
        let beta = partners.rows[1]
        let noCost = ReportCell.undefined("No cost row in the period, so ROI and CAC are undefined.")
        #expect(beta[5] == .empty && beta[6] == noCost && beta[7] == noCost)
        #expect(beta[10] == .integer(0) && beta[11] == .money(0) && beta[12] == .empty)
        #expect(beta[13] == .empty && beta[14] == .empty && beta[15] == .empty)
        #expect(beta[9] == .number(0.25))
        #expect(document.dataQuality.name == "partner-roi-data-quality")
        #expect(document.dataQuality.columns.map(\.key) == ["check", "rows"])
    }

    @Test func anEmptyPeriodStillYieldsAReport() throws {
        let fixture = try PartnerROIFixture("roi_empty")
        let results = try PartnerROIReport(period: Self.period).results(on: fixture.connection)
        #expect(results.isEmpty)
        #expect(results.total.current == .zero)
        #expect(results.total.current.roi == nil && results.total.current.conversionRate == nil)
        let context = ReportContext(
            period: Self.period, asOf: Self.period.end, readoutEnd: Self.period.end,
            reproducibility: ReportContext.reproducibility(
                period: Self.period, asOf: Self.period.end, generatedAt: Self.period.end,
                toolVersion: "test", options: [], statements: []))
        let document = PartnerROIDocument.make(results, context: context, currency: "USD")
        #expect(document.callouts.first?.title == "No partner data in 2026-W47")
        #expect(document.table(named: "partner-roi-by-type")?.rows.count == 1)
    }
}
