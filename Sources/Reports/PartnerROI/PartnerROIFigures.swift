import Foundation
import Rendering

/// One period's sums for a partner, a partner type or all partners, exact as PostgreSQL summed
/// them, and the ratios SPEC §4.1 derives from them.
///
/// For a single partner `costedRevenue` and `costedCustomers` are its revenue and customers
/// when it has cost rows and zero otherwise; for a rollup they are the sums over the partners
/// that have cost rows, so `roi` and `cac` never mix partners of unknown cost with known spend.
public struct PartnerROIFigures: Sendable, Equatable {
    public var customers: Int
    public var revenue: Decimal
    /// Σ cost; nil when no partner in scope has a cost row in the period.
    public var cost: Decimal?
    /// Revenue of the partners with cost rows.
    public var costedRevenue: Decimal
    /// Customers of the partners with cost rows.
    public var costedCustomers: Int
    /// Customers of the rows that carry a conversion rate above zero.
    public var ratedCustomers: Int
    /// Revenue of the same rows: what their implied visitors brought.
    public var ratedRevenue: Decimal
    /// Σ customers_acquired / (conversion_rate / 100) over those rows.
    public var visitors: Decimal

    public init(
        customers: Int = 0, revenue: Decimal = 0, cost: Decimal? = nil, costedRevenue: Decimal = 0,
        costedCustomers: Int = 0, ratedCustomers: Int = 0, ratedRevenue: Decimal = 0, visitors: Decimal = 0
    ) {
        self.ratedRevenue = ratedRevenue
        self.customers = customers
        self.revenue = revenue
        self.cost = cost
        self.costedRevenue = costedRevenue
        self.costedCustomers = costedCustomers
        self.ratedCustomers = ratedCustomers
        self.visitors = visitors
    }

    /// Nothing at all: a partner absent from the period.
    public static let zero = PartnerROIFigures()

    /// (revenue − cost) / cost over the partners with cost; nil when the cost is unknown or zero.
    public var roi: Double? {
        guard let cost, cost > 0 else { return nil }
        return Decimal.nearestQuotient(costedRevenue - cost, cost)
    }

    /// cost / customers over the partners with cost; nil when the cost is unknown or zero, or
    /// those partners brought no customers.
    /// Why ROI and CAC are empty: no cost row, a cost of zero, or no customer on the costed days.
    public var costUndefinedReason: String {
        guard let cost else { return "No cost row in the period, so ROI and CAC are undefined." }
        if cost == 0 { return "The cost is zero, so ROI and CAC are undefined." }
        if costedCustomers == 0 { return "No customers on the days with a cost, so CAC is undefined." }
        return "Undefined for these figures."
    }

    public var cac: Double? {
        guard let cost, cost > 0, costedCustomers > 0 else { return nil }
        return Decimal.nearestQuotient(cost, Decimal(costedCustomers))
    }

    public var revenuePerCustomer: Double? {
        guard customers > 0 else { return nil }
        return Decimal.nearestQuotient(revenue, Decimal(customers))
    }

    /// Re-derived from counts (SPEC §4.1), a fraction: Σ customers of rated rows / Σ visitors.
    public var conversionRate: Double? {
        guard visitors > 0 else { return nil }
        return Decimal.nearestQuotient(Decimal(ratedCustomers), visitors)
    }

    /// Revenue − cost over the partners with cost (as `roi`), exact; nil when no cost is known.
    public var netRevenue: Decimal? {
        guard let cost else { return nil }
        return costedRevenue - cost
    }

    /// Revenue per referred visitor: the revenue of the rows with a conversion rate over the
    /// visitors those rows imply; nil when they imply none.
    public var revenuePerVisitor: Double? {
        guard visitors > 0 else { return nil }
        return Decimal.nearestQuotient(ratedRevenue, visitors)
    }

    /// Days of revenue the cost took to earn back: cost / (revenue per day of the period), over
    /// the partners with cost; nil when the cost is unknown or they earned nothing.
    public func paybackDays(periodDays: Int) -> Double? {
        guard let cost, costedRevenue > 0, periodDays > 0 else { return nil }
        return Decimal.nearestQuotient(cost * Decimal(periodDays), costedRevenue)
    }

    /// Why payback is empty: no cost row, or no revenue to pay it back.
    public var paybackUndefinedReason: String {
        cost == nil ? "No cost row in the period, so payback is undefined." : "No revenue on the days with a cost, so payback is undefined."
    }

    /// A relative change (x − previous) / previous; nil when previous is zero.
    public static func change(_ value: Decimal, from previous: Decimal) -> Double? {
        guard previous != 0 else { return nil }
        return Decimal.nearestQuotient(value - previous, previous)
    }
}

/// Rows read and set aside in one period, summed over the partners in scope.
public struct PartnerROIQuality: Sendable, Equatable {
    public var rowsRead = 0
    public var nullTypeRows = 0
    /// Rows with a null, zero or negative conversion rate: no visitors derived from them.
    public var unratedRows = 0
    public var nullCustomersRows = 0
    public var nullRevenueRows = 0
    /// Rows whose revenue_generated is NaN (numeric allows it): left out of revenue.
    public var nanRevenueRows = 0
    public var costRows = 0
    /// partner_costs rows whose cost is NaN: left out, as if the day had no cost row.
    public var nanCostRows = 0
    /// Partner-days with analytics rows and no cost row.
    public var daysWithoutCost = 0
    /// Cost rows on days the partner has no analytics rows.
    public var costRowsWithoutAnalytics = 0

    public init() {}
}
