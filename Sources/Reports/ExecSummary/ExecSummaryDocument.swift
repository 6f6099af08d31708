import Foundation
import Rendering

/// The executive summary's document: KPI tiles with their change, the top partners, the
/// experiments worth attention and the real-time metrics.
public enum ExecSummaryDocument {
    public static let report = "exec-summary"

    public static func make(_ readout: ExecSummaryReadout, context: ReportContext, currency: Currency) -> ReportDocument {
        let kpis = kpis(readout, currency: currency)
        let formatter = DisplayFormatter(timeZone: readout.period.timeZone)
        let previous = readout.period.previous.label
        let facts = kpis.map { kpi -> Fact in
            let format = kpi.format
            let note: String
            if let change = kpi.change {
                note =
                    kpi.changeIsDifference
                    ? "\(kpi.format == .percent(places: 1) ? formatter.percent(change, places: 1, showsSign: true, points: true) : formatter.number(change, format: .decimal(places: 3), display: ColumnDisplay(showsSign: true))) vs \(previous)"
                    : "\(formatter.percent(change, places: 1, showsSign: true)) vs \(previous)"
            } else if kpi.previous != .empty {
                note = "\(formatter.text(kpi.previous, format: format)) in \(previous)"
            } else {
                note = "no figure for \(previous)"
            }
            return Fact(kpi.label, kpi.value, format: format, note: note)
        }
        let experiments = readout.notableExperiments
        let trendTable = PartnerTrendDocument.table(
            name: "exec-summary-partner-trend", partners: readout.topPartners, weekly: readout.partners.weekly, currency: currency)
        var sections = [
            ReportSection(
                id: "kpis", title: "Key figures",
                paragraphs: ["\(readout.period.humanLabel), each figure beside the previous period (\(readout.period.previous.humanLabel))."],
                facts: facts, tables: [kpiTable(kpis + partnerCountKPIs(readout.partners), currency: currency)]),
            ReportSection(
                id: "partners", title: "Top partners",
                paragraphs: ["The \(readout.topPartners.count) partners with the most revenue in the period."],
                facts: partnerCountFacts(readout.partners),
                tables: [partnerTable(readout, currency: currency), trendTable],
                charts: readout.topPartners.isEmpty
                    ? []
                    : [
                        ReportChart(
                            id: "partner-revenue", title: "Revenue by partner", kind: .bar, table: "exec-summary-partners",
                            categoryColumn: "partner_name", valueColumns: ["revenue"], valueAxisTitle: "Revenue (\(currency))"),
                        PartnerTrendDocument.chart(table: trendTable, weekly: readout.partners.weekly),
                    ]),
            ReportSection(
                id: "experiments", title: "Experiments",
                paragraphs: [experimentsSentence(readout, experiments)],
                callouts: experiments.filter(\.isSRMFlagged).map {
                    Callout(
                        .danger, title: "\($0.test): sample-ratio mismatch",
                        text: "The split of users does not match the plan, so its results cannot be trusted; no winner is named.")
                }
                    + experiments.filter { !$0.worseGuardrails.isEmpty }.map {
                        Callout(
                            .danger, title: "\($0.test): guardrail worse",
                            text:
                                "A variant makes \($0.worseGuardrails.joined(separator: " and ")) significantly more frequent, so it must not ship whatever its main result; no winner is named."
                        )
                    },
                tables: [experimentTable(experiments)],
                isUntrustworthy: experiments.contains(where: \.isSRMFlagged)),
            ReportSection(
                id: "real-time", title: "Real-time metrics",
                paragraphs: [
                    "Current values from real_time_metrics; a value last updated more than 24 hours before \(formatter.timestamp(readout.asOf)) is marked stale."
                ],
                callouts: staleCallouts(readout),
                tables: [realTimeTable(readout)]),
        ]
        if readout.realTimeMetrics.isEmpty { sections[3].paragraphs.append("The table holds no metrics.") }
        return ReportDocument(
            report: report, title: "Executive summary",
            subtitle: "Customers, partner revenue, viral growth and experiments at a glance, beside the previous period.",
            periodLabel: context.period.humanLabel,
            callouts: [],
            sections: sections,
            dataQuality: dataQuality(readout),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    /// One KPI: its value now and in the previous period, and the change (relative, or a
    /// difference for ratios such as ROI).
    struct KPI {
        var key: String
        var label: String
        var value: ReportCell
        var previous: ReportCell
        var change: Double?
        var changeIsDifference: Bool
        var format: CellFormat
    }

    static func kpis(_ readout: ExecSummaryReadout, currency: Currency) -> [KPI] {
        let total = readout.partners.total
        let now = readout.viral.current.total, before = readout.viral.previous.total
        func shares(_ counts: ViralPeriodCounts) -> Int {
            counts.groups.filter { $0.actionType?.hasSuffix("share") == true }.reduce(0) { $0 + $1.tally.actions }
        }
        let roiChange: Double? = {
            guard let a = total.current.roi, let b = total.previous.roi else { return nil }
            return a - b
        }()
        let kChange: Double? = {
            guard let a = now.kFactor, let b = before.kFactor else { return nil }
            return a - b
        }()
        let sharesNow = shares(readout.viral.current), sharesBefore = shares(readout.viral.previous)
        return [
            KPI(
                key: "new_customers", label: "New customers", value: .integer(total.current.customers),
                previous: .integer(total.previous.customers), change: total.customersChange, changeIsDifference: false, format: .integer),
            KPI(
                key: "partner_revenue", label: "Partner revenue", value: .money(total.current.revenue),
                previous: .money(total.previous.revenue), change: total.revenueChange, changeIsDifference: false,
                format: .money(currency: currency)),
            KPI(
                key: "blended_roi", label: "Blended ROI", value: .number(total.current.roi), previous: .number(total.previous.roi),
                change: roiChange, changeIsDifference: true, format: .percent(places: 1)),
            KPI(
                key: "viral_conversions", label: "Viral conversions", value: .number(now.conversions),
                previous: .number(before.conversions), change: ViralReadout.change(now.conversions, from: before.conversions),
                changeIsDifference: false, format: .decimal(places: 0)),
            KPI(
                key: "k_factor", label: "K-factor", value: .number(now.kFactor), previous: .number(before.kFactor),
                change: kChange, changeIsDifference: true, format: .decimal(places: 3)),
            KPI(
                key: "shares", label: "Shares", value: .integer(sharesNow), previous: .integer(sharesBefore),
                change: ViralReadout.change(Double(sharesNow), from: Double(sharesBefore)), changeIsDifference: false, format: .integer),
        ]
    }

    /// Partners by where they stand between the periods: rows in both, first rows this period,
    /// rows last period only (SPEC's partner view); rows of the KPI table, not tiles.
    static func partnerCountKPIs(_ partners: PartnerROIResults) -> [KPI] {
        PartnerStatus.allCases.map { status in
            KPI(
                key: "\(status.rawValue)_partners", label: status.label, value: .integer(partners.partners(status).count), previous: .empty,
                change: nil, changeIsDifference: false, format: .integer)
        }
    }

    static func partnerCountFacts(_ partners: PartnerROIResults) -> [Fact] {
        PartnerStatus.allCases.map { Fact($0.label, .integer(partners.partners($0).count), format: .integer, note: $0.meaning) }
    }

    static func kpiTable(_ kpis: [KPI], currency: Currency) -> ReportTable {
        /// A money figure as a plain number: the CSV's value column holds every KPI.
        func plain(_ cell: ReportCell) -> ReportCell {
            if case .money(let amount) = cell { return .number(amount.nearestDouble) }
            return cell
        }
        return ReportTable(
            name: "exec-summary-kpis", title: "Key figures", rows: kpis,
            columns: [
                TableColumn("kpi", "KPI", .text) { .text($0.key) },
                TableColumn("label", "Label", .text) { .text($0.label) },
                TableColumn("value", "Value", .decimal(places: 3)) { plain($0.value) },
                TableColumn("previous_value", "Previous period", .decimal(places: 3)) { plain($0.previous) },
                TableColumn("change", "Change", .decimal(places: 3), display: ColumnDisplay(showsSign: true, emphasis: .sign)) {
                    .number($0.change)
                },
                TableColumn("change_type", "Change type", .text) { .text($0.changeIsDifference ? "difference" : "relative") },
            ], isShownInHTML: false, sheetTitle: "KPIs")
    }

    static func partnerTable(_ readout: ExecSummaryReadout, currency: Currency) -> ReportTable {
        ReportTable(
            name: "exec-summary-partners", title: "Top partners", rows: readout.topPartners.enumerated(),
            columns: [
                TableColumn("rank", "#", .integer) { .integer($0.offset + 1) },
                TableColumn("partner_name", "Partner", .text) { $0.element.partnerName.map(ReportCell.text) ?? .empty },
                TableColumn("partner_type", "Type", .text) { $0.element.partnerType.map(ReportCell.text) ?? .empty },
                TableColumn("revenue", "Revenue", .money(currency: currency), display: ColumnDisplay(spreadsheetShading: .dataBar)) {
                    .money($0.element.current.revenue)
                },
                TableColumn(
                    "revenue_change", "vs previous", .percent(places: 1),
                    display: ColumnDisplay(showsSign: true, emphasis: .sign, spreadsheetShading: .aroundZero)
                ) {
                    .number($0.element.revenueChange)
                },
                TableColumn("customers", "Customers", .integer) { .integer($0.element.current.customers) },
                TableColumn("roi", "ROI", .percent(places: 1), display: ColumnDisplay(spreadsheetShading: .aroundZero)) {
                    .number($0.element.current.roi)
                },
                TableColumn("net_revenue", "Net revenue", .money(currency: currency), display: .hiddenInHTML) {
                    $0.element.current.netRevenue.map(ReportCell.money) ?? .empty
                },
                TableColumn("payback_days", "Payback (days)", .decimal(places: 1), display: .hiddenInHTML) {
                    .number($0.element.current.paybackDays(periodDays: readout.period.dayCount))
                },
                TableColumn("status", "Status", .text, display: .hiddenInHTML) { $0.element.status.map { .text($0.rawValue) } ?? .empty },
            ], sheetTitle: "Top partners")
    }

    static func experimentsSentence(_ readout: ExecSummaryReadout, _ experiments: [ExecSummaryReadout.Experiment]) -> String {
        guard let all = readout.experiments else { return "No A/B test ran in the period." }
        let significant = experiments.filter(\.isSignificant).count
        let unhealthy = experiments.filter { $0.health != "ok" }.count
        let ran = all.tests.count == 1 ? "1 test ran" : "\(all.tests.count) tests ran"
        let health = unhealthy == 1 ? "1 shows a health problem" : "\(unhealthy) show a health problem"
        return "\(ran); \(significant) reached significance and \(health). "
            + "A test with a sample-ratio mismatch or a worse guardrail is never shown as a winner."
    }

    static func experimentTable(_ experiments: [ExecSummaryReadout.Experiment]) -> ReportTable {
        ReportTable(
            name: "exec-summary-experiments", title: "Experiments to note", rows: experiments,
            columns: [
                TableColumn("test_name", "Test", .text) { .text($0.test) },
                TableColumn("verdict", "Verdict", .text) { .text($0.verdict) },
                TableColumn("users", "Users", .integer) { .integer($0.users) },
                TableColumn(
                    "uplift_relative", "Uplift", .percent(places: 1),
                    display: ColumnDisplay(showsSign: true, emphasis: .signWhen(column: "is_significant"), emptyText: "—")
                ) {
                    .number($0.upliftRelative)
                },
                TableColumn("p_value", "p", .pValue, display: ColumnDisplay(emptyText: "—")) { .number($0.pValue) },
                TableColumn(
                    "revenue_per_user_relative", "Revenue per user", .percent(places: 1),
                    display: ColumnDisplay(showsSign: true, emptyText: "—")
                ) { .number($0.revenuePerUserRelative) },
                TableColumn("is_significant", "Significant", .boolean) { .boolean($0.isSignificant) },
                TableColumn("srm_flag", "SRM", .boolean, display: .hiddenInHTML) { .boolean($0.isSRMFlagged) },
                TableColumn("health", "Health", .text, display: ColumnDisplay(emphasis: .highlightWhen(column: "srm_flag"))) {
                    .text($0.health)
                },
            ], sheetTitle: "Experiments")
    }

    static func realTimeTable(_ readout: ExecSummaryReadout) -> ReportTable {
        ReportTable(
            name: "exec-summary-real-time", title: "Real-time metrics", rows: readout.realTimeMetrics,
            columns: [
                TableColumn("metric_name", "Metric", .text) { .text($0.name) },
                TableColumn("metric_value", "Value", .decimal(places: 2)) { .number($0.value.flatMap(\.nearestDouble)) },
                TableColumn("last_updated", "Last updated", .timestamp) { $0.lastUpdated.map(ReportCell.timestamp) ?? .empty },
                TableColumn("is_stale", "Stale", .boolean, display: ColumnDisplay(emphasis: .highlightWhen(column: "is_stale"))) {
                    .boolean($0.isStale(asOf: readout.asOf))
                },
            ], sheetTitle: "Real-time")
    }

    static func staleCallouts(_ readout: ExecSummaryReadout) -> [Callout] {
        let stale = readout.realTimeMetrics.filter { $0.isStale(asOf: readout.asOf) }
        guard !stale.isEmpty else { return [] }
        return [
            Callout(
                .warning, title: "\(stale.count) stale metric\(stale.count == 1 ? "" : "s")",
                text: "Not updated in the 24 hours before the as-of time: \(stale.map(\.name).joined(separator: ", ")).")
        ]
    }

    static func dataQuality(_ readout: ExecSummaryReadout) -> ReportTable {
        let rows: [(String, Int)] = [
            ("partnership_analytics rows read: period", readout.partners.total.quality.rowsRead),
            ("viral_metrics rows read: period", readout.viral.current.quality.rowsRead),
            ("ab_test_assignments rows read", readout.experiments?.tests.reduce(0) { $0 + $1.rowsRead } ?? 0),
            ("real_time_metrics rows", readout.realTimeMetrics.count),
            ("real_time_metrics rows stale (over 24 h)", readout.realTimeMetrics.filter { $0.isStale(asOf: readout.asOf) }.count),
            ("real_time_metrics rows without a value", readout.realTimeMetrics.filter { $0.value == nil }.count),
            ("real_time_metrics values NaN or of 10^27 or more (shown empty)", readout.realTimeMetrics.filter(\.isValueUnusable).count),
        ]
        return .dataQuality(name: "exec-summary-data-quality", checks: rows)
    }
}
