import Foundation
import Rendering

/// Turns a viral readout into the neutral document the renderers write: `viral.csv` and
/// `viral-trend.csv` with exactly the columns of SPEC §4.2, the comparison with the previous
/// period for HTML and XLSX only, the most active users only when e-mails were asked for.
public enum ViralDocument {
    /// The key written in both key columns of the total row.
    public static let totalKey = "(all)"

    public static func make(_ readout: ViralReadout, context: ReportContext) -> ReportDocument {
        let previousName = previousName(readout.period)
        var sections = [
            summarySection(readout, previousName: previousName),
            ReportSection(
                id: "breakdown", title: "By platform and action",
                paragraphs: [
                    "One row per source platform and action type, most conversions first. Users are distinct e-mails; "
                        + "K-factor is conversions per user. The total counts each user once over the whole period, so it "
                        + "can be less than the sum of the rows."
                ],
                tables: [breakdownTable(readout)]),
            ReportSection(
                id: "previous", title: "Compared with the previous \(previousName)",
                paragraphs: ["\(readout.previousPeriod.humanLabel). Changes are relative, except K-factor’s, which is the difference."],
                tables: [comparisonTable(readout)]),
            trendSection(readout),
        ]
        if let users = readout.topUsers {
            sections.append(
                ReportSection(
                    id: "top-users", title: "Most active users",
                    paragraphs: ["Listed because e-mails were asked for (--show-emails): the \(users.count) users with the most actions in the period."],
                    tables: [topUsersTable(users)]))
        }
        return ReportDocument(
            report: "viral", title: "Viral growth",
            subtitle: "Shares, referrals and reviews by platform: reach, clicks, conversions and K-factor, beside the previous \(previousName).",
            periodLabel: context.period.humanLabel,
            callouts: callouts(readout, previousName: previousName),
            sections: sections,
            dataQuality: dataQuality(readout),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    // MARK: - Tables

    /// One row of a table by platform × action: its two keys as shown, and what it counts.
    private struct KeyedRow<Value> {
        var platform: ReportCell
        var action: ReportCell
        var value: Value
    }

    private static func keyColumns<Value>() -> [TableColumn<KeyedRow<Value>>] {
        [
            TableColumn("source_platform", "Platform", .text, display: ColumnDisplay(emptyText: "(none)")) { $0.platform },
            TableColumn("action_type", "Action", .text, display: ColumnDisplay(emptyText: "(none)")) { $0.action },
        ]
    }

    /// `viral.csv`: per platform × action, the total last with both keys `(all)`.
    static func breakdownTable(_ readout: ViralReadout) -> ReportTable {
        let rows =
            readout.rankedGroups.map { KeyedRow(platform: key($0.platform), action: key($0.actionType), value: $0.tally) }
            + [KeyedRow(platform: .text(totalKey), action: .text(totalKey), value: readout.current.total)]
        let reach = rows.map(\.value)
        return ReportTable(
            name: "viral", title: "Platforms and actions", rows: rows,
            columns: keyColumns() + [
                TableColumn("actions", "Actions", .integer) { .integer($0.value.actions) },
                TableColumn("users", "Users", .integer) { .integer($0.value.users) },
                TableColumn("impressions", "Impressions", reachFormat(reach.map(\.impressions))) { amount($0.value.impressions) },
                TableColumn("clicks", "Clicks", reachFormat(reach.map(\.clicks))) { amount($0.value.clicks) },
                TableColumn("conversions", "Conversions", reachFormat(reach.map(\.conversions))) { amount($0.value.conversions) },
                TableColumn("ctr", "CTR", .percent(places: 2)) { .number($0.value.clickThroughRate) },
                TableColumn("click_conversion_rate", "Click → conversion", .percent(places: 2)) { .number($0.value.clickConversionRate) },
                TableColumn("k_factor", "K-factor", .decimal(places: 3)) { .number($0.value.kFactor) },
            ], sheetTitle: "By platform")
    }

    /// `viral-trend.csv`: the 8 weeks, oldest first; an empty week has zero counts and no K-factor.
    static func trendTable(_ readout: ViralReadout) -> ReportTable {
        let tallies = readout.trend.map(\.tally)
        return ReportTable(
            name: "viral-trend", title: "Week by week", rows: readout.trend,
            columns: [
                TableColumn("week", "Week", .text) { .text($0.label) },
                TableColumn("actions", "Actions", .integer) { .integer($0.tally.actions) },
                TableColumn("users", "Users", .integer) { .integer($0.tally.users) },
                TableColumn("impressions", "Impressions", reachFormat(tallies.map(\.impressions))) { amount($0.tally.impressions) },
                TableColumn("clicks", "Clicks", reachFormat(tallies.map(\.clicks))) { amount($0.tally.clicks) },
                TableColumn("conversions", "Conversions", reachFormat(tallies.map(\.conversions))) { amount($0.tally.conversions) },
                TableColumn("k_factor", "K-factor", .decimal(places: 3)) { .number($0.tally.kFactor) },
            ], sheetTitle: "Trend")
    }

    /// The period beside the previous one (HTML and XLSX; SPEC §3 keeps it out of the CSV).
    static func comparisonTable(_ readout: ViralReadout) -> ReportTable {
        typealias Pair = (now: ViralTally, before: ViralTally)
        let rows: [KeyedRow<Pair>] =
            readout.comparisons.map {
                KeyedRow(platform: key($0.platform), action: key($0.actionType), value: (now: $0.current, before: $0.previous))
            } + [KeyedRow(platform: .text(totalKey), action: .text(totalKey), value: (now: readout.current.total, before: readout.previous.total))]
        let conversions = rows.flatMap { [$0.value.now.conversions, $0.value.before.conversions] }
        let change = ColumnDisplay(showsSign: true, emphasis: .sign, emptyText: "—", spreadsheetShading: .aroundZero)
        return ReportTable(
            name: "viral-vs-previous", title: "This period and the previous one", rows: rows,
            columns: keyColumns() + [
                TableColumn("actions", "Actions", .integer) { .integer($0.value.now.actions) },
                TableColumn("prev_actions", "Previous", .integer) { .integer($0.value.before.actions) },
                TableColumn("actions_change", "Change", .percent(places: 1), display: change) {
                    .number(ViralReadout.change(Double($0.value.now.actions), from: Double($0.value.before.actions)))
                },
                TableColumn("users", "Users", .integer) { .integer($0.value.now.users) },
                TableColumn("prev_users", "Previous", .integer) { .integer($0.value.before.users) },
                TableColumn("conversions", "Conversions", reachFormat(conversions)) { amount($0.value.now.conversions) },
                TableColumn("prev_conversions", "Previous", reachFormat(conversions)) { amount($0.value.before.conversions) },
                TableColumn("conversions_change", "Change", .percent(places: 1), display: change) {
                    .number(ViralReadout.change($0.value.now.conversions, from: $0.value.before.conversions))
                },
                TableColumn("k_factor", "K-factor", .decimal(places: 3)) { .number($0.value.now.kFactor) },
                TableColumn("prev_k_factor", "Previous", .decimal(places: 3)) { .number($0.value.before.kFactor) },
                TableColumn("k_factor_change", "Difference", .decimal(places: 3), display: change) { row in
                    guard let k = row.value.now.kFactor, let previousK = row.value.before.kFactor else { return .number(nil) }
                    return .number(k - previousK)
                },
            ], sheetTitle: "Vs previous", isWrittenAsCSV: false)
    }

    /// Only with `--show-emails`.
    static func topUsersTable(_ users: [ViralTopUser]) -> ReportTable {
        ReportTable(
            name: "viral-top-users", title: "Most active users", rows: users,
            columns: [
                TableColumn("user_email", "E-mail", .text) { .text($0.email) },
                TableColumn("actions", "Actions", .integer) { .integer($0.actions) },
                TableColumn("conversions", "Conversions", reachFormat(users.map(\.conversions))) { amount($0.conversions) },
            ], sheetTitle: "Top users")
    }

    /// Rows read, and every value that counted as 0 and why (SPEC §4: nothing dropped silently).
    static func dataQuality(_ readout: ViralReadout) -> ReportTable {
        let quality = readout.current.quality
        var rows: [(String, Int)] = [
            ("rows read: period", quality.rowsRead),
            ("rows read: previous period", readout.previous.quality.rowsRead),
            ("rows read: 8-week trend", readout.trend.reduce(0) { $0 + $1.tally.actions }),
            ("rows excluded (none: bad values count as 0)", 0),
            ("rows without user_email (not a user)", quality.withoutEmail),
            ("rows without source_platform", quality.withoutPlatform),
            ("rows without action_type", quality.withoutActionType),
            ("reach_metrics NULL (all keys 0)", quality.reachNull),
            ("reach_metrics not an object (all keys 0)", quality.reachNotObject),
        ]
        for (key, problems) in quality.keys {
            rows += [
                ("\(key) not a usable number (counted as 0)", problems.total),
                ("\(key): missing (or no object)", problems.missing),
                ("\(key): null", problems.null),
                ("\(key): string", problems.string),
                ("\(key): boolean", problems.boolean),
                ("\(key): object or array", problems.nested),
                ("\(key): number of 10^15 or more", problems.outOfRange),
            ]
        }
        rows.append(("rows with a negative or fractional number (counted as given)", quality.unusualNumbers))
        return .dataQuality(name: "viral-data-quality", checks: rows)
    }

    // MARK: - Sections

    static func summarySection(_ readout: ViralReadout, previousName: String) -> ReportSection {
        let now = readout.current.total, before = readout.previous.total
        let formatter = DisplayFormatter()
        func relative(_ current: Double, _ previous: Double) -> String {
            guard let change = ViralReadout.change(current, from: previous) else {
                return previous == 0 && current == 0 ? "none in the previous \(previousName) either" : "none in the previous \(previousName)"
            }
            return "\(formatter.percent(change, places: 1, showsSign: true)) vs previous \(previousName)"
        }
        func ratio(_ current: Double?, _ previous: Double?, format: CellFormat) -> String {
            guard let previous else { return "n/a in the previous \(previousName)" }
            return "\(formatter.number(previous, format: format)) in the previous \(previousName)"
                + (current.map { $0 == previous ? ", unchanged" : "" } ?? "")
        }
        let reach = [now.impressions, now.clicks, now.conversions]
        let reachFormat = reachFormat(reach)
        let facts = [
            Fact("Actions", .integer(now.actions), format: .integer, note: relative(Double(now.actions), Double(before.actions))),
            Fact("Users", .integer(now.users), format: .integer, note: relative(Double(now.users), Double(before.users))),
            Fact("Impressions", amount(now.impressions), format: reachFormat, note: relative(now.impressions, before.impressions)),
            Fact("Conversions", amount(now.conversions), format: reachFormat, note: relative(now.conversions, before.conversions)),
            Fact(
                "K-factor", .number(now.kFactor), format: .decimal(places: 3),
                note: ratio(now.kFactor, before.kFactor, format: .decimal(places: 3))),
            Fact(
                "CTR", .number(now.clickThroughRate), format: .percent(places: 2),
                note: ratio(now.clickThroughRate, before.clickThroughRate, format: .percent(places: 2))),
        ]
        return ReportSection(id: "summary", title: "At a glance", facts: facts)
    }

    static func trendSection(_ readout: ViralReadout) -> ReportSection {
        let weeks = readout.trend
        let range = weeks.isEmpty ? "" : " (\(weeks.first!.label) to \(weeks.last!.label))"
        return ReportSection(
            id: "trend", title: "8-week trend",
            paragraphs: ["The eight ISO weeks ending with the week of the period’s last day\(range); each week counts its own users."],
            tables: [trendTable(readout)],
            charts: [
                ReportChart(
                    id: "trend-activity", title: "Actions, users and conversions per week", kind: .line,
                    table: "viral-trend", categoryColumn: "week", valueColumns: ["actions", "users", "conversions"],
                    valueAxisTitle: "Per week"),
                ReportChart(
                    id: "trend-k-factor", title: "K-factor per week", kind: .line, table: "viral-trend",
                    categoryColumn: "week", valueColumns: ["k_factor"], valueAxisTitle: "Conversions per user"),
            ])
    }

    static func callouts(_ readout: ViralReadout, previousName: String) -> [Callout] {
        guard !readout.isEmpty else {
            return [
                Callout(
                    .neutral, title: "No viral actions in this period",
                    text: "No viral_metrics row was created in \(readout.period.humanLabel). The trend shows the weeks around it.")
            ]
        }
        let formatter = DisplayFormatter()
        let now = readout.current.total, before = readout.previous.total
        var sentence = "Each user who acted brought \(now.kFactor.map { formatter.number($0, format: .decimal(places: 3)) } ?? "n/a") conversions"
        if let previous = before.kFactor {
            sentence += " (previous \(previousName): \(formatter.number(previous, format: .decimal(places: 3))))"
        }
        sentence += "."
        if let best = readout.rankedGroups.first, best.tally.conversions > 0 {
            sentence +=
                " Most conversions came from \(name(best.platform)) · \(name(best.actionType))"
                + " (\(formatter.number(best.tally.conversions, format: reachFormat([best.tally.conversions])))"
                + " of \(formatter.number(now.conversions, format: reachFormat([now.conversions]))))."
        }
        let kText = now.kFactor.map { formatter.number($0, format: .decimal(places: 3)) } ?? "n/a"
        var callouts = [Callout(.neutral, title: "K-factor \(kText)", text: sentence)]
        let quality = readout.current.quality
        let badRows = quality.malformedValues
        if badRows > 0 || quality.unusualNumbers > 0 {
            // More than 1 % of values unusable is worth a warning; less is noted.
            let share = Double(badRows) / Double(3 * quality.rowsRead)
            let text =
                "\(formatter.number(Double(badRows), format: .integer)) reach_metrics value\(badRows == 1 ? " was" : "s were") not a usable number "
                + "(\(formatter.percent(share, places: 2)) of values) and counted as 0"
                + (quality.unusualNumbers > 0
                    ? "; \(quality.unusualNumbers) row\(quality.unusualNumbers == 1 ? " has" : "s have") a negative or fractional number, counted as given"
                    : "")
                + ". See Data quality."
            callouts.append(Callout(share > 0.01 ? .warning : .neutral, title: "Malformed reach data", text: text))
        }
        return callouts
    }

    // MARK: - Helpers

    /// "week", "month" or "period".
    static func previousName(_ period: ReportPeriod) -> String {
        switch period.kind {
        case .week: "week"
        case .month: "month"
        case .days: "period"
        }
    }

    /// A key cell: NULL is an empty cell, never a made-up name that a real platform could have.
    static func key(_ value: String?) -> ReportCell { value.map(ReportCell.text) ?? .empty }

    /// A name inside a sentence: at most 60 characters; NULL reads "(none)".
    static func name(_ value: String?) -> String {
        guard let value else { return "(none)" }
        return value.count > 60 ? String(value.prefix(59)) + "…" : value
    }

    /// A reach sum: an integer cell when whole, else the number as it is.
    static func amount(_ value: Double) -> ReportCell {
        isWhole(value) ? .integer(Int(value)) : .number(value as Double?) // non-finite: empty
    }

    /// Integers when every value is whole, else two decimals, so a fractional JSON number shows.
    static func reachFormat(_ values: [Double]) -> CellFormat {
        values.allSatisfy(isWhole) ? .integer : .decimal(places: 2)
    }

    private static func isWhole(_ value: Double) -> Bool {
        value.isFinite && value == value.rounded() && abs(value) < 9_007_199_254_740_992
    }
}
