import Foundation
import Rendering

/// The 12-week sparkline of the top partners: a table of revenue per ISO week (CSV, and the
/// XLSX sheet its native sparklines read) and the chart drawn from it — shared by partner-roi
/// and the executive summary.
public enum PartnerTrendDocument {
    /// Partners drawn with their 12 weeks in partner-roi: the top of the ranking.
    static let partnerCount = 10

    /// A table named `name` with a row per partner of `partners`: its name, then its revenue in
    /// each of the weeks. Shown as sparklines in HTML and e-mail, not as a table.
    static func table(name: String, partners: [PartnerROILine], weekly: PartnerWeeklyRevenue, currency: Currency) -> ReportTable {
        let weeks = weekly.weeks.enumerated().map { index, week in
            TableColumn<PartnerROILine>(week, week, .money(currency: currency)) { .money(weekly.series(of: $0.partnerName ?? "")[index]) }
        }
        return ReportTable(
            name: name, title: "Revenue per week, \(weekly.weeks.first ?? "") to \(weekly.weeks.last ?? "")", rows: partners,
            columns: [TableColumn("partner_name", "Partner", .text) { .text($0.partnerName ?? "") }] + weeks,
            isShownInHTML: false, sheetTitle: "12 weeks")
    }

    /// The sparklines of `table` (one per partner, over its week columns).
    static func chart(table: ReportTable, weekly: PartnerWeeklyRevenue) -> ReportChart {
        ReportChart(
            id: "\(table.name)-sparklines", title: "Revenue per week, last \(weekly.weeks.count) weeks", kind: .sparklines,
            table: table.name, categoryColumn: "partner_name", valueColumns: weekly.weeks)
    }
}
