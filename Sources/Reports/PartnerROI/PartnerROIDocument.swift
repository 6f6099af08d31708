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
                ReportChart(id: "revenue-by-partner", title: "Revenue by partner\(topNote)", kind: .bar, table: partnerTable.name,
                            rows: charted, categoryColumn: "partner_name", valueColumns: ["revenue", "prev_revenue"],
                            valueAxisTitle: "Revenue (\(currency))"),
                ReportChart(id: "roi-by-partner", title: "ROI by partner\(topNote)", kind: .bar, table: partnerTable.name,
                            rows: charted, categoryColumn: "partner_name", valueColumns: ["roi"],
                            valueAxisTitle: "ROI ((revenue − cost) / cost)"),
            ]
            typeCharts = [
                ReportChart(id: "revenue-by-type", title: "Revenue by partner type", kind: .bar, table: typeTable.name,
                            rows: typeRows, categoryColumn: "partner_type", valueColumns: ["revenue"],
                            valueAxisTitle: "Revenue (\(currency))"),
                ReportChart(id: "roi-by-type", title: "ROI by partner type", kind: .bar, table: typeTable.name,
                            rows: typeRows, categoryColumn: "partner_type", valueColumns: ["roi"],
                            valueAxisTitle: "ROI (partners with cost)"),
            ]
        }
        let sections = [
            ReportSection(id: "summary", title: "This period at a glance",
                          paragraphs: [summarySentence(results)],
                          facts: facts(results, currency: currency), charts: partnerCharts),
            ReportSection(id: "partners", title: "Partners",
                          paragraphs: ["Ranked by revenue in the period. Conversion rates are re-derived from customers and implied visitors, never averaged; ROI and CAC are n/a where the cost is unknown or zero. Changes compare with \(previousLabel)."],
                          tables: [partnerTable]),
            ReportSection(id: "types", title: "By partner type",
                          paragraphs: ["A partner’s type is that of its latest row in the period. Cost, ROI and CAC count only the partners with cost rows; (all) is every partner."],
                          tables: [typeTable], charts: typeCharts),
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

    /// The columns after `partner_type`, shared by the partner and the type tables.
    static func figureColumns(currency: Currency) -> [ReportColumn] {
        let money = CellFormat.money(currency: currency)
        let change = ColumnDisplay(showsSign: true, emphasis: .sign, emptyText: "—")
        return [
            ReportColumn("customers", "Customers", .integer),
            ReportColumn("revenue", "Revenue", money),
            ReportColumn("cost", "Cost", money, display: ColumnDisplay(emptyText: "no cost data")),
            ReportColumn("roi", "ROI", .percent(places: 1)),
            ReportColumn("cac", "CAC", money),
            ReportColumn("revenue_per_customer", "Revenue / customer", money, display: .hiddenInHTML),
            ReportColumn("conversion_rate", "Conversion rate", .percent(places: 2)),
            ReportColumn("prev_customers", "Prev. customers", .integer, display: .hiddenInHTML),
            ReportColumn("prev_revenue", "Prev. revenue", money),
            ReportColumn("prev_roi", "Prev. ROI", .percent(places: 1), display: .hiddenInHTML),
            ReportColumn("customers_change", "Customers change", .percent(places: 1), display: .hiddenInHTML),
            ReportColumn("revenue_change", "Revenue change", .percent(places: 1), display: change),
            ReportColumn("roi_change", "ROI change", .percent(places: 1),
                         display: ColumnDisplay(showsSign: true, isPercentagePoints: true, emphasis: .sign, emptyText: "—")),
        ]
    }

    static func figureCells(_ line: PartnerROILine) -> [ReportCell] {
        let now = line.current, before = line.previous
        return [
            .integer(now.customers), .money(now.revenue), now.cost.map(ReportCell.money) ?? .empty,
            .number(now.roi, undefinedBecause: now.costUndefinedReason), .number(now.cac, undefinedBecause: now.costUndefinedReason),
            .number(now.revenuePerCustomer), .number(now.conversionRate),
            .integer(before.customers), .money(before.revenue), .number(before.roi),
            .number(line.customersChange), .number(line.revenueChange), .number(line.roiChange),
        ]
    }

    static func partnersTable(_ results: PartnerROIResults, currency: Currency) -> ReportTable {
        let columns = [
            ReportColumn("rank", "#", .integer),
            ReportColumn("partner_name", "Partner", .text),
            ReportColumn("partner_type", "Type", .text),
        ] + figureColumns(currency: currency)
        let rows = results.partners.map { line -> [ReportCell] in
            [.integer(line.rank ?? 0), .text(line.partnerName ?? ""), .text(line.partnerType ?? unknownType)] + figureCells(line)
        }
        return ReportTable(name: "partner-roi", title: "Partners by revenue", columns: columns, rows: rows, sheetTitle: "Partners")
    }

    static func typesTable(_ results: PartnerROIResults, currency: Currency) -> ReportTable {
        let columns = [ReportColumn("partner_type", "Type", .text)] + figureColumns(currency: currency)
        let lines = results.types.map { ($0.partnerType ?? unknownType, $0) } + [("(all)", results.total)]
        return ReportTable(name: "partner-roi-by-type", title: "Per partner type and in total", columns: columns,
                           rows: lines.map { [.text($0.0)] + figureCells($0.1) }, sheetTitle: "By type")
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
        return ReportTable(
            name: "partner-roi-data-quality", title: "Data quality",
            columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
            rows: rows.map { [.text($0.0), .integer($0.1)] }, sheetTitle: "Data quality")
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
            Fact("Revenue", .money(now.revenue), format: money,
                 note: changeNote(total.revenueChange, was: formatter.text(.money(before.revenue), format: money))),
            Fact("Customers", .integer(now.customers), format: .integer,
                 note: changeNote(total.customersChange, was: formatter.text(.integer(before.customers), format: .integer))),
            Fact("Cost", now.cost.map(ReportCell.money) ?? .empty, format: money,
                 note: "\(results.partners.filter { $0.current.cost != nil }.count) partners with cost"),
            Fact("ROI", .number(now.roi), format: .percent(places: 1), note: roiNote),
            Fact("CAC", .number(now.cac), format: money, note: "partners with cost only"),
        ]
    }

    /// The period against the previous one, and the conversion rate with the visitors it comes from.
    static func summarySentence(_ results: PartnerROIResults) -> String {
        let formatter = DisplayFormatter()
        let now = results.total.current
        var sentence = "\(results.period.humanLabel), beside the previous period \(results.previousPeriod.humanLabel)."
        if let rate = now.conversionRate {
            let visitors = Int((PartnerROIFigures.double(now.visitors) ?? 0).rounded())
            sentence += " Conversion rate \(formatter.percent(rate, places: 2)): \(formatter.text(.integer(now.ratedCustomers), format: .integer)) customers of about \(formatter.text(.integer(visitors), format: .integer)) referred visitors."
        }
        return sentence
    }

    static func callouts(_ results: PartnerROIResults, currency: Currency) -> [Callout] {
        if results.currentIsEmpty {
            let text = results.isEmpty
                ? "Neither this period nor the previous one has partner rows or cost rows; the report is empty."
                : "The period has no partner rows or cost rows; partners of \(results.previousPeriod.label) are shown with their previous values."
            return [Callout(.warning, title: "No partner data in \(results.period.label)", text: text)]
        }
        var callouts: [Callout] = []
        let formatter = DisplayFormatter()
        if let leader = results.partners.first, leader.current.revenue > 0 {
            let share = results.total.current.revenue > 0
                ? PartnerROIFigures.double(leader.current.revenue / results.total.current.revenue) : nil
            let shareText = share.map { " (\(formatter.percent($0, places: 1)) of all revenue)" } ?? ""
            let revenue = formatter.text(.money(leader.current.revenue), format: .money(currency: currency))
            callouts.append(Callout(.neutral, title: "Top partner: \(leader.partnerName ?? "")",
                                    text: "\(revenue) revenue from \(leader.current.customers) customers\(shareText)."))
        }
        let missing = results.partnersWithoutCost.count + results.partnersWithZeroCost.count
        if missing > 0 {
            callouts.append(Callout(.warning, title: "ROI unknown for \(missing) partner\(missing == 1 ? "" : "s")",
                                    text: "They have no cost rows (or a zero cost) in the period: their ROI and CAC are n/a, and rollup cost, ROI and CAC leave them out. See data quality."))
        }
        return callouts
    }
}
