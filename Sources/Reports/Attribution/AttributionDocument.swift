import Foundation
import Rendering

/// Turns an attribution readout into the neutral document the renderers write. `attribution`
/// (CSV columns of SPEC §4.4) holds the numbers; the per-channel views and the comparison with
/// the previous period are for people (HTML and XLSX) and add no CSV file.
public enum AttributionDocument {
    public static func make(_ readout: AttributionReport.Readout, context: ReportContext, currency: Currency) -> ReportDocument {
        let current = readout.current, previous = readout.previous
        let previousLabel = context.period.previous.humanLabel
        var sections = [overview(readout, currency: currency, previousLabel: shortLabel(context.period.previous))]
        if current.conversions > 0 {
            sections.append(
                ReportSection(
                    id: "revenue", title: "Credited revenue by channel",
                    paragraphs: ["Each model’s revenue is rounded to the cent so that it adds up to the total revenue exactly."],
                    tables: [revenueTable(current, currency: currency)]))
        }
        if current.conversions > 0 || previous.conversions > 0 {
            let comparison = comparisonTable(readout, currency: currency, previousLabel: previousLabel)
            var excerpts: [ReportTableExcerpt] = []
            let perModel = comparison.rows.count / AttributionModel.allCases.count
            for (index, model) in AttributionModel.allCases.enumerated() {
                excerpts.append(
                    ReportTableExcerpt(
                        table: comparison.name, rows: (index * perModel)..<((index + 1) * perModel),
                        title: model.title, hiddenColumns: ["model"]))
            }
            sections.append(
                ReportSection(
                    id: "previous", title: "Against the previous period",
                    paragraphs: ["Credited conversions and revenue of \(context.period.humanLabel) beside \(previousLabel), model by model."],
                    tables: [comparison], excerpts: excerpts))
        }
        sections[0].tables.insert(creditsTable(current, currency: currency), at: 0)
        return ReportDocument(
            report: "attribution", title: "Marketing attribution",
            subtitle: "Which channels get the credit for conversions under five attribution models, side by side.",
            periodLabel: context.period.humanLabel,
            callouts: callouts(readout),
            sections: sections,
            dataQuality: dataQuality(readout),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    // MARK: - Tables

    /// SPEC §4.4: `model, channel, conversions, revenue`, one row per model and channel with credit.
    static func creditsTable(_ result: AttributionResult, currency: Currency) -> ReportTable {
        let rows = AttributionModel.allCases.flatMap { model in
            (result.byModel[model] ?? []).filter { $0.conversions != 0 || $0.revenue != 0 }.map { (model: model, credit: $0) }
        }
        return ReportTable(
            name: "attribution", title: "Credit by model and channel", rows: rows,
            columns: [
                TableColumn("model", "Model", .text) { .text($0.model.rawValue) },
                TableColumn("channel", "Channel", .text) { .text($0.credit.channel) },
                TableColumn("conversions", "Conversions", .decimal(places: 2)) { .number($0.credit.conversions) },
                TableColumn("revenue", "Revenue", .money(currency: currency)) { .money($0.credit.revenue) },
            ], isShownInHTML: false, sheetTitle: "Credits")
    }

    /// Channels down, models across: credited conversions, the source of the grouped bars.
    static func conversionsTable(_ result: AttributionResult) -> ReportTable {
        ReportTable(
            name: "attribution-conversions", title: "Credited conversions by channel", rows: result.credits.channels,
            columns: [
                TableColumn("channel", "Channel", .text) { .text($0.name) },
                TableColumn("touches", "Touches", .integer) { .integer($0.touches) },
            ]
                + AttributionModel.allCases.map { model in
                    TableColumn(model.rawValue, model.title, .decimal(places: 1)) { .number($0.conversions[model] ?? 0) }
                }, sheetTitle: "Conversions by channel", isWrittenAsCSV: false)
    }

    static func revenueTable(_ result: AttributionResult, currency: Currency) -> ReportTable {
        ReportTable(
            name: "attribution-revenue", title: "Credited revenue by channel", rows: result.channels,
            columns: [
                TableColumn("channel", "Channel", .text) { .text($0) }
            ]
                + AttributionModel.allCases.map { model in
                    TableColumn(model.rawValue, model.title, .money(currency: currency)) { .money(result.credit(model, $0)?.revenue ?? 0) }
                }, sheetTitle: "Revenue by channel", isWrittenAsCSV: false)
    }

    /// Every model and channel of either period, the previous period beside the current one.
    static func comparisonTable(_ readout: AttributionReport.Readout, currency: Currency, previousLabel: String) -> ReportTable {
        struct Row {
            var model: AttributionModel
            var channel: String
            var conversions: Double, previousConversions: Double
            var revenue: Decimal, previousRevenue: Decimal
        }
        let channels = Set(readout.current.channels).union(readout.previous.channels).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let rows = AttributionModel.allCases.flatMap { model in
            channels.map { channel in
                let now = readout.current.credit(model, channel), before = readout.previous.credit(model, channel)
                return Row(
                    model: model, channel: channel, conversions: now?.conversions ?? 0,
                    previousConversions: before?.conversions ?? 0, revenue: now?.revenue ?? 0,
                    previousRevenue: before?.revenue ?? 0)
            }
        }
        let change = ColumnDisplay(showsSign: true, emphasis: .sign, emptyText: "—")
        return ReportTable(
            name: "attribution-previous", title: "Against \(previousLabel)", rows: rows,
            columns: [
                TableColumn("model", "Model", .text) { .text($0.model.rawValue) },
                TableColumn("channel", "Channel", .text) { .text($0.channel) },
                TableColumn("conversions", "Conversions", .decimal(places: 1)) { .number($0.conversions) },
                TableColumn("previous_conversions", "Previous conversions", .decimal(places: 1)) { .number($0.previousConversions) },
                TableColumn("conversions_change", "Change", .percent(places: 1), display: change) {
                    .number(relativeChange($0.conversions, $0.previousConversions))
                },
                TableColumn("revenue", "Revenue", .money(currency: currency)) { .money($0.revenue) },
                TableColumn("previous_revenue", "Previous revenue", .money(currency: currency)) { .money($0.previousRevenue) },
                TableColumn("revenue_change", "Change", .percent(places: 1), display: change) {
                    .number(relativeChange(double($0.revenue), double($0.previousRevenue)))
                },
            ], isShownInHTML: false, sheetTitle: "Previous period", isWrittenAsCSV: false)
    }

    static func dataQuality(_ readout: AttributionReport.Readout) -> ReportTable {
        let current = readout.current.credits, counts = readout.counts
        var rows: [(String, Int)] = [
            ("conversions in the period (every event type)", counts.inPeriod)
        ]
        if let event = readout.options.event {
            rows.append(("conversions of another event type than '\(event)' (not counted)", counts.otherEventType))
        }
        rows += [
            ("conversions read", current.conversions),
            ("conversions with no touch in the lookback (credited to (direct))", current.directConversions),
            ("conversions with negative revenue (credited as they are)", counts.negativeRevenue),
            ("conversions with zero revenue", counts.zeroRevenue),
            ("conversions with NaN revenue (left out)", counts.nanRevenue),
            ("touches in the lookback windows", current.touches),
            ("touches with a null source_platform (credited to unknown)", current.nullPlatformTouches),
            ("touches sharing a timestamp (ordered by source_platform, then id)", current.tiedTouches),
            ("conversions read in the previous period", readout.previous.conversions),
        ]
        return .dataQuality(name: "attribution-data-quality", checks: rows)
    }

    // MARK: - Overview

    static func overview(_ readout: AttributionReport.Readout, currency: Currency, previousLabel: String) -> ReportSection {
        let current = readout.current, previous = readout.previous
        let formatter = DisplayFormatter()
        func note(_ now: Double, _ before: Double) -> String {
            guard let change = relativeChange(now, before) else {
                return before == 0 && now == 0 ? "none in \(previousLabel) either" : "none in \(previousLabel)"
            }
            return "\(formatter.percent(change, places: 1, showsSign: true)) vs \(previousLabel)"
        }
        let directShare = current.conversions > 0 ? Double(current.credits.directConversions) / Double(current.conversions) : nil
        let attributed = current.conversions - current.credits.directConversions
        let touchesPerConversion = attributed > 0 ? Double(current.credits.touches) / Double(attributed) : nil
        let facts = [
            Fact(
                "Conversions", .integer(current.conversions), format: .integer,
                note: note(Double(current.conversions), Double(previous.conversions))),
            Fact(
                "Revenue", .money(current.revenue), format: .money(currency: currency),
                note: note(double(current.revenue), double(previous.revenue))),
            Fact(
                "Direct", .number(directShare), format: .percent(places: 1),
                note: "\(current.credits.directConversions) conversions with no touch"),
            Fact(
                "Touches per conversion", .number(touchesPerConversion), format: .decimal(places: 1),
                note: "of conversions with a touch"),
            Fact("Channels", .integer(current.channels.count), format: .integer),
        ]
        let lookback = AttributionReport.durationText(readout.options.lookbackSeconds)
        let halfLife = AttributionReport.durationText(readout.options.halfLifeSeconds)
        var paragraphs = [
            "A conversion’s touches are the same user’s growth actions in the \(lookback) before it (both ends included); one with no touch counts as (direct). Time decay halves a touch’s weight every \(halfLife); position-based gives 40 % each to the first and last touch and shares 20 % among the others."
        ]
        if let event = readout.options.event { paragraphs.append("Only conversions of type ‘\(event)’ are counted.") }
        var charts: [ReportChart] = []
        var tables: [ReportTable] = []
        let conversions = conversionsTable(current)
        if !conversions.rows.isEmpty {
            charts.append(
                ReportChart(
                    id: "models", title: "Credited conversions by channel and model", kind: .bar,
                    table: conversions.name, categoryColumn: "channel",
                    valueColumns: AttributionModel.allCases.map(\.rawValue),
                    valueAxisTitle: "Credited conversions"))
            tables.append(conversions)
        }
        return ReportSection(
            id: "models", title: "Models side by side", paragraphs: paragraphs, facts: facts,
            tables: tables, charts: charts)
    }

    static func callouts(_ readout: AttributionReport.Readout) -> [Callout] {
        let current = readout.current
        guard current.conversions > 0 else {
            return [
                Callout(
                    .neutral, title: "No conversions in this period",
                    text: "No conversion matched the period\(readout.options.event.map { " and event type ‘\($0)’" } ?? ""), so there is nothing to attribute.")
            ]
        }
        // Each model's leading channel: the one with most credited conversions, ties by name.
        var leaders: [(model: AttributionModel, channel: String)] = []
        for model in AttributionModel.allCases {
            let credits = current.byModel[model] ?? []
            if let best = credits.max(by: { $0.conversions != $1.conversions ? $0.conversions < $1.conversions : $0.channel > $1.channel }) {
                leaders.append((model, best.channel))
            }
        }
        let distinct = Set(leaders.map(\.channel))
        if distinct.count == 1, let channel = distinct.first {
            return [
                Callout(
                    .positive, title: "\(channel) leads under every model",
                    text: "All five models credit the most conversions to \(channel), so the ranking does not depend on the model chosen.")
            ]
        }
        let parts = leaders.map { "\($0.model.title.lowercased()): \($0.channel)" }
        return [
            Callout(
                .neutral, title: "The models disagree on the leading channel",
                text: "Most credited conversions — " + parts.joined(separator: "; ")
                    + ". Early touches weigh more under first touch and position-based, late ones under last touch and time decay.")
        ]
    }

    /// `2026-W46`, `2026-10`, or "the previous 7 days": short enough for a tile's note.
    static func shortLabel(_ period: ReportPeriod) -> String {
        switch period.kind {
        case .days: "the previous \(period.dayCount) day\(period.dayCount == 1 ? "" : "s")"
        default: period.label
        }
    }

    // MARK: - Arithmetic

    /// (now − before) / before, or nil when before is zero.
    static func relativeChange(_ now: Double, _ before: Double) -> Double? {
        guard before != 0 else { return nil }
        return (now - before) / abs(before)
    }

    static func double(_ value: Decimal) -> Double { value.nearestDouble ?? 0 }
}
