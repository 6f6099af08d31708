import Foundation
import Rendering

/// Turns partner-ROI results into the neutral document the renderers write (SPEC §4.1 columns).
public enum PartnerROIDocument {
    /// Partners drawn in the per-partner charts: the top of the ranking.
    static let chartedPartners = 15
    /// The type shown for a partner none of whose rows names one.
    static let unknownType = "(unknown)"

    public static func make(_ results: PartnerROIResults, context: ReportContext, currency: Currency) -> ReportDocument {
        let previousLabel = results.previousPeriod.label
        let partnerTable = partnersTable(results, currency: currency)
        let typeTable = typesTable(results, currency: currency)
        let charted = 0..<min(chartedPartners, results.partners.count)
        let typeRows = 0..<results.types.count
        let topNote = results.partners.count > chartedPartners ? " (top \(chartedPartners) by revenue)" : ""

        var partnerCharts: [ReportChart] = []
        var typeCharts: [ReportChart] = []
        if !results.isEmpty {
            partnerCharts = [
                ReportChart(
                    id: "revenue-by-partner", title: "Revenue by partner\(topNote)", kind: .bar, table: partnerTable.name,
                    rows: charted, categoryColumn: "partner_name", valueColumns: ["revenue", "prev_revenue"],
                    valueAxisTitle: "Revenue (\(currency))"),
                ReportChart(
                    id: "roi-by-partner", title: "ROI by partner\(topNote)", kind: .bar, table: partnerTable.name,
                    rows: charted, categoryColumn: "partner_name", valueColumns: ["roi"],
                    valueAxisTitle: "ROI ((revenue − cost) / cost)"),
            ]
            typeCharts = [
                ReportChart(
                    id: "revenue-by-type", title: "Revenue by partner type", kind: .bar, table: typeTable.name,
                    rows: typeRows, categoryColumn: "partner_type", valueColumns: ["revenue"],
                    valueAxisTitle: "Revenue (\(currency))"),
                ReportChart(
                    id: "roi-by-type", title: "ROI by partner type", kind: .bar, table: typeTable.name,
                    rows: typeRows, categoryColumn: "partner_type", valueColumns: ["roi"],
                    valueAxisTitle: "ROI (partners with cost)"),
            ]
        }
        let trendPartners = Array(results.partners.filter { $0.current.revenue > 0 }.prefix(PartnerTrendDocument.partnerCount))
        let trendTable = PartnerTrendDocument.table(
            name: "partner-roi-trend", partners: trendPartners, weekly: results.weekly, currency: currency)
        let sections = [
            ReportSection(
                id: "summary", title: "This period at a glance",
                paragraphs: [summarySentence(results)],
                facts: facts(results, currency: currency), charts: partnerCharts),
            ReportSection(
                id: "partners", title: "Partners",
                paragraphs: [
                    "Ranked by revenue in the period. Conversion rates are re-derived from customers and implied visitors, never averaged; ROI and CAC are n/a where the cost is unknown or zero. Changes compare with \(previousLabel)."
                ],
                tables: [partnerTable]),
            ReportSection(
                id: "types", title: "By partner type",
                paragraphs: [
                    "A partner’s type is that of its latest row in the period. Cost, ROI and CAC count only the partners with cost rows; (all) is every partner."
                ],
                tables: [typeTable], charts: typeCharts),
            ReportSection(
                id: "trend", title: "Top partners over 12 weeks",
                paragraphs: [
                    trendPartners.isEmpty
                        ? "No partner has revenue in the period."
                        : "Revenue per ISO week, \(results.weekly.weeks.first ?? "") to \(results.weekly.weeks.last ?? ""), of the \(trendPartners.count) partners with the most revenue in the period; each line on its own scale, the last week marked."
                ],
                tables: [trendTable],
                charts: trendPartners.isEmpty ? [] : [PartnerTrendDocument.chart(table: trendTable, weekly: results.weekly)]),
        ]
        return ReportDocument(
            report: "partner-roi", title: "Partner ROI",
            subtitle: "Customers, revenue, cost and return per partner, beside \(previousLabel).",
            periodLabel: context.period.humanLabel,
            callouts: callouts(results, currency: currency),
            sections: sections,
            dataQuality: dataQuality(results),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    // MARK: - Tables

    /// The columns after `partner_type`, shared by the partner and the type tables: SPEC §4.1's,
    /// then the partner KPIs (net revenue, revenue per referred visitor, payback in days).
    static func figureColumns(currency: Currency, periodDays: Int) -> [TableColumn<PartnerROILine>] {
        let money = CellFormat.money(currency: currency)
        let change = ColumnDisplay(showsSign: true, emphasis: .sign, emptyText: "—", spreadsheetShading: .aroundZero)
        return [
            TableColumn("customers", "Customers", .integer) { .integer($0.current.customers) },
            TableColumn("revenue", "Revenue", money, display: ColumnDisplay(spreadsheetShading: .dataBar)) { .money($0.current.revenue) },
            TableColumn("cost", "Cost", money, display: ColumnDisplay(emptyText: "no cost data")) {
                $0.current.cost.map(ReportCell.money) ?? .empty
            },
            TableColumn("roi", "ROI", .percent(places: 1), display: ColumnDisplay(spreadsheetShading: .aroundZero)) {
                .number($0.current.roi, undefinedBecause: $0.current.costUndefinedReason)
            },
            TableColumn("cac", "CAC", money) { .number($0.current.cac, undefinedBecause: $0.current.costUndefinedReason) },
            TableColumn("revenue_per_customer", "Revenue / customer", money, display: .hiddenInHTML) {
                .number($0.current.revenuePerCustomer)
            },
            TableColumn("conversion_rate", "Conversion rate", .percent(places: 2)) { .number($0.current.conversionRate) },
            TableColumn("prev_customers", "Prev. customers", .integer, display: .hiddenInHTML) { .integer($0.previous.customers) },
            TableColumn("prev_revenue", "Prev. revenue", money) { .money($0.previous.revenue) },
            TableColumn("prev_roi", "Prev. ROI", .percent(places: 1), display: .hiddenInHTML) { .number($0.previous.roi) },
            TableColumn("customers_change", "Customers change", .percent(places: 1), display: .hiddenInHTML) {
                .number($0.customersChange)
            },
            TableColumn("revenue_change", "Revenue change", .percent(places: 1), display: change) { .number($0.revenueChange) },
            TableColumn(
                "roi_change", "ROI change", .percent(places: 1),
                display: ColumnDisplay(
                    showsSign: true, isPercentagePoints: true, emphasis: .sign, emptyText: "—", spreadsheetShading: .aroundZero)
            ) {
                .number($0.roiChange)
            },
            TableColumn("net_revenue", "Net revenue", money, display: ColumnDisplay(spreadsheetShading: .aroundZero)) {
                $0.current.netRevenue.map(ReportCell.money)
                    ?? .number(nil, undefinedBecause: "No cost row in the period, so net revenue is undefined.")
            },
            TableColumn("revenue_per_visitor", "Revenue / visitor", money) {
                .number($0.current.revenuePerVisitor, undefinedBecause: "No row with a conversion rate above 0, so no referred visitors.")
            },
            TableColumn("payback_days", "Payback (days)", .decimal(places: 1)) {
                .number($0.current.paybackDays(periodDays: periodDays), undefinedBecause: $0.current.paybackUndefinedReason)
            },
        ]
    }

    static func partnersTable(_ results: PartnerROIResults, currency: Currency) -> ReportTable {
        ReportTable(
            name: "partner-roi", title: "Partners by revenue", rows: results.partners,
            columns: [
                TableColumn("rank", "#", .integer) { .integer($0.rank ?? 0) },
                TableColumn("partner_name", "Partner", .text) { .text($0.partnerName ?? "") },
                TableColumn("partner_type", "Type", .text) { .text($0.partnerType ?? unknownType) },
            ] + figureColumns(currency: currency, periodDays: results.period.dayCount) + [
                TableColumn("status", "Status", .text) { $0.status.map { .text($0.rawValue) } ?? .empty }
            ], sheetTitle: "Partners")
    }

    static func typesTable(_ results: PartnerROIResults, currency: Currency) -> ReportTable {
        var total = results.total
        total.partnerType = "(all)"
        return ReportTable(
            name: "partner-roi-by-type", title: "Per partner type and in total", rows: results.types + [total],
            columns: [TableColumn("partner_type", "Type", .text) { .text($0.partnerType ?? unknownType) }]
                + figureColumns(currency: currency, periodDays: results.period.dayCount),
            sheetTitle: "By type")
    }

    static func dataQuality(_ results: PartnerROIResults) -> ReportTable {
        let now = results.total.quality, before = results.total.previousQuality
        let rows: [(String, Int)] = [
            ("partnership_analytics rows read in the period", now.rowsRead),
            ("partnership_analytics rows read in the previous period", before.rowsRead),
            ("partner_costs rows read in the period", now.costRows),
            ("partner_costs rows read in the previous period", before.costRows),
            ("rows with null partner_type: type taken from the partner's other rows", now.nullTypeRows),
            ("rows with null or zero (or negative) conversion_rate: no visitors derived", now.unratedRows),
            ("rows with null customers_acquired: counted as 0", now.nullCustomersRows),
            ("rows with null revenue_generated: counted as 0", now.nullRevenueRows),
            ("rows with NaN revenue_generated: left out of revenue", now.nanRevenueRows),
            ("partner_costs rows with NaN cost: left out (no cost that day)", now.nanCostRows),
            ("partner-days with analytics rows and no cost row", now.daysWithoutCost),
            ("partner-days with analytics rows and no cost row in the previous period", before.daysWithoutCost),
            ("cost rows on partner-days without analytics rows: cost counted", now.costRowsWithoutAnalytics),
            ("partners without any cost row: roi and cac empty", results.partnersWithoutCost.count),
            ("partners whose cost is zero: roi and cac empty", results.partnersWithZeroCost.count),
            ("partners with cost rows and no analytics rows: 0 customers and revenue", results.partnersWithOnlyCost.count),
            ("partners only in the previous period: shown with 0 in the period", results.partnersOnlyInPrevious.count),
            ("partners new in the period: previous values 0 and changes empty", results.newPartners.count),
        ]
        return .dataQuality(name: "partner-roi-data-quality", checks: rows)
    }

    // MARK: - Summary

    static func facts(_ results: PartnerROIResults, currency: Currency) -> [Fact] {
        let total = results.total, now = total.current, before = total.previous
        let formatter = DisplayFormatter()
        let money = CellFormat.money(currency: currency)
        let previous = results.previousPeriod.label
        func changeNote(_ change: Double?, was: String) -> String {
            guard let change else { return "\(was) in \(previous)" }
            return "\(formatter.percent(change, places: 1, showsSign: true)) vs \(previous)"
        }
        let roiNote: String
        if let roi = now.roi, let previousROI = before.roi {
            roiNote = "\(formatter.percent(roi - previousROI, places: 1, showsSign: true, points: true)) vs \(previous)"
        } else {
            roiNote = now.cost == nil ? "no cost data" : "partners with cost only"
        }
        return [
            Fact(
                "Revenue", .money(now.revenue), format: money,
                note: changeNote(total.revenueChange, was: formatter.text(.money(before.revenue), format: money))),
            Fact(
                "Customers", .integer(now.customers), format: .integer,
                note: changeNote(total.customersChange, was: formatter.text(.integer(before.customers), format: .integer))),
            Fact(
                "Cost", now.cost.map(ReportCell.money) ?? .empty, format: money,
                note: "\(results.partners.filter { $0.current.cost != nil }.count) partners with cost"),
            Fact("ROI", .number(now.roi), format: .percent(places: 1), note: roiNote),
            Fact("CAC", .number(now.cac), format: money, note: "partners with cost only"),
            Fact("Net revenue", now.netRevenue.map(ReportCell.money) ?? .empty, format: money, note: "revenue − cost, partners with cost"),
            Fact(
                "Payback", .number(now.paybackDays(periodDays: results.period.dayCount)), format: .decimal(places: 1),
                note: "days of revenue to earn the cost back"),
            Fact(
                PartnerStatus.active.label, .integer(results.partners(.active).count), format: .integer,
                note: "\(results.partners(.new).count) new · \(results.partners(.lapsed).count) lapsed since \(previous)"),
        ]
    }

    /// The period against the previous one, and the conversion rate with the visitors it comes from.
    static func summarySentence(_ results: PartnerROIResults) -> String {
        let formatter = DisplayFormatter()
        let now = results.total.current
        var sentence = "\(results.period.humanLabel), beside the previous period \(results.previousPeriod.humanLabel)."
        sentence +=
            " Partners: "
            + PartnerStatus.allCases.map { "\(results.partners($0).count) \($0.rawValue) (\($0.meaning))" }.joined(separator: ", ") + "."
        if let rate = now.conversionRate {
            let visitors = Int((now.visitors.nearestDouble ?? 0).rounded())
            sentence +=
                " Conversion rate \(formatter.percent(rate, places: 2)): \(formatter.text(.integer(now.ratedCustomers), format: .integer)) customers of about \(formatter.text(.integer(visitors), format: .integer)) referred visitors."
        }
        return sentence
    }

    static func callouts(_ results: PartnerROIResults, currency: Currency) -> [Callout] {
        if results.currentIsEmpty {
            let text =
                results.isEmpty
                ? "Neither this period nor the previous one has partner rows or cost rows; the report is empty."
                : "The period has no partner rows or cost rows; partners of \(results.previousPeriod.label) are shown with their previous values."
            return [Callout(.warning, title: "No partner data in \(results.period.label)", text: text)]
        }
        var callouts: [Callout] = []
        let formatter = DisplayFormatter()
        if let leader = results.partners.first, leader.current.revenue > 0 {
            let share =
                results.total.current.revenue > 0
                ? Decimal.nearestQuotient(leader.current.revenue, results.total.current.revenue) : nil
            let shareText = share.map { " (\(formatter.percent($0, places: 1)) of all revenue)" } ?? ""
            let revenue = formatter.text(.money(leader.current.revenue), format: .money(currency: currency))
            callouts.append(
                Callout(
                    .neutral, title: "Top partner: \(leader.partnerName ?? "")",
                    text: "\(revenue) revenue from \(leader.current.customers) customers\(shareText)."))
        }
        let missing = results.partnersWithoutCost.count + results.partnersWithZeroCost.count
        if missing > 0 {
            callouts.append(
                Callout(
                    .warning, title: "ROI unknown for \(missing) partner\(missing == 1 ? "" : "s")",
                    text:
                        "They have no cost rows (or a zero cost) in the period: their ROI and CAC are n/a, and rollup cost, ROI and CAC leave them out. See data quality."
                ))
        }
        return callouts
    }
}
