import Database
import Foundation
import TestSupport

/// Hand-built `partnership_analytics` and `partner_costs` rows, inserted with parameters.
struct PartnerROIFixture {
    let connection: PostgresConnection

    init(_ label: String) throws {
        (connection, _) = try TestDatabase.migrated(label)
    }

    /// One analytics row on 2026-11-`day` (days 9–15 are W46, 16–22 W47). Nil means NULL.
    func row(_ partner: String, _ type: String, day: Int, customers: Int?, revenue: String?, rate: String?) throws {
        try connection.execute(
            named: "fixture_analytics",
            """
            INSERT INTO partnership_analytics (partner_name, partner_type, customers_acquired, revenue_generated,
                                               conversion_rate, analytics_period)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            parameters: [
                .text(partner), .text(type), customers.map(PostgresValue.int) ?? .null,
                revenue.map { .decimal(Decimal(string: $0)!) } ?? .null, rate.map { .decimal(Decimal(string: $0)!) } ?? .null,
                .date(Self.november(day)),
            ])
    }

    /// One cost row on 2026-11-`day`.
    func cost(_ partner: String, day: Int, _ amount: String) throws {
        try connection.execute(
            named: "fixture_cost",
            """
            INSERT INTO partner_costs (partner_name, analytics_period, cost) VALUES ($1, $2, $3)
            """, parameters: [.text(partner), .date(Self.november(day)), .decimal(Decimal(string: amount)!)])
    }

    static func november(_ day: Int) -> CalendarDate { CalendarDate(year: 2026, month: 11, day: day)! }

    /// The partners of `PartnerROITests`, whose every number is worked out there.
    func addWorkedExample() throws {
        // Alpha (tech): in both weeks, with cost on two of its three days.
        try row("Alpha", "tech", day: 16, customers: 10, revenue: "1000.10", rate: "12.50") // 80 visitors
        try row("Alpha", "tech", day: 17, customers: 6, revenue: "500.05", rate: "20.00") // 30 visitors
        try row("Alpha", "tech", day: 18, customers: 4, revenue: "99.85", rate: nil) // no visitors
        try cost("Alpha", day: 16, "300.00")
        try cost("Alpha", day: 17, "100.00")
        try row("Alpha", "tech", day: 10, customers: 8, revenue: "800.00", rate: "10.00")
        try cost("Alpha", day: 10, "200.00")
        // Outside both weeks: never read.
        try row("Alpha", "tech", day: 8, customers: 1000, revenue: "99999.99", rate: "1.00")
        try row("Alpha", "tech", day: 23, customers: 1000, revenue: "99999.99", rate: "1.00")
        try cost("Alpha", day: 23, "5000.00")
        // Beta: only this week, no cost; its type changed, the latest (youtube) wins.
        try row("Beta", "celebrity", day: 16, customers: 5, revenue: "250.00", rate: "0.00")
        try row("Beta", "youtube", day: 19, customers: 5, revenue: "250.00", rate: "25.00") // 20 visitors
        // Zeta (youtube): ties Beta on revenue, ranks after it by name.
        try row("Zeta", "youtube", day: 22, customers: 2, revenue: "500.00", rate: "50.00") // 4 visitors
        try cost("Zeta", day: 22, "1000.00")
        // Eps (tech): zero cost; a same-day second row typed zulu loses to tech alphabetically.
        try row("Eps", "tech", day: 21, customers: 1, revenue: "10.00", rate: nil)
        try row("Eps", "zulu", day: 21, customers: nil, revenue: nil, rate: nil)
        try cost("Eps", day: 21, "0.00")
        // Delta: cost this week and no analytics rows; celebrity from last week's row.
        try cost("Delta", day: 20, "50.00")
        try row("Delta", "celebrity", day: 11, customers: 2, revenue: "40.00", rate: "5.00")
        // Gamma (tech): only last week.
        try row("Gamma", "tech", day: 12, customers: 3, revenue: "300.00", rate: "30.00")
        try cost("Gamma", day: 12, "100.00")
    }
}
