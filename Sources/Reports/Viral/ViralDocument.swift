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
                    "One row per source platform and action type, most conversions first. Users are distinct e-mails; " +
                    "K-factor is conversions per user. The total counts each user once over the whole period, so it " +
                    "can be less than the sum of the rows.",
                ],
                tables: [breakdownTable(readout)]),
            ReportSection(
                id: "previous", title: "Compared with the previous \(previousName)",
                paragraphs: ["\(readout.previousPeriod.humanLabel). Changes are relative, except K-factor’s, which is the difference."],
                tables: [comparisonTable(readout)]),
            trendSection(readout),
        ]
        if let users = readout.topUsers {
            sections.append(ReportSection(
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

    /// `viral.csv`: per platform × action, the total last with both keys `(all)`.
    static func breakdownTable(_ readout: ViralReadout) -> ReportTable {
        let groups = readout.rankedGroups
        let reach = groups.map(\.tally) + [readout.current.total]
        var rows: [[ReportCell]] = groups.map { group in
            [key(group.platform), key(group.actionType)] + cells(group.tally)
        }
        rows.append([.text(totalKey), .text(totalKey)] + cells(readout.current.total))
        let columns = [
            ReportColumn("source_platform", "Platform", .text, display: ColumnDisplay(emptyText: "(none)")),
            ReportColumn("action_type", "Action", .text, display: ColumnDisplay(emptyText: "(none)")),
            ReportColumn("actions", "Actions", .integer),
            ReportColumn("users", "Users", .integer),
            ReportColumn("impressions", "Impressions", reachFormat(reach.map(\.impressions))),
            ReportColumn("clicks", "Clicks", reachFormat(reach.map(\.clicks))),
            ReportColumn("conversions", "Conversions", reachFormat(reach.map(\.conversions))),
            ReportColumn("ctr", "CTR", .percent(places: 2)),
            ReportColumn("click_conversion_rate", "Click → conversion", .percent(places: 2)),
            ReportColumn("k_factor", "K-factor", .decimal(places: 3)),
        ]
        return ReportTable(name: "viral", title: "Platforms and actions", columns: columns, rows: rows,
                           sheetTitle: "By platform")
    }

    private static func cells(_ tally: ViralTally) -> [ReportCell] {
        [.integer(tally.actions), .integer(tally.users), amount(tally.impressions), amount(tally.clicks),
         amount(tally.conversions), .number(tally.clickThroughRate), .number(tally.clickConversionRate),
         .number(tally.kFactor)]
    }

    /// `viral-trend.csv`: the 8 weeks, oldest first; an empty week has zero counts and no K-factor.
    static func trendTable(_ readout: ViralReadout) -> ReportTable {
        let tallies = readout.trend.map(\.tally)
        let columns = [
            ReportColumn("week", "Week", .text),
            ReportColumn("actions", "Actions", .integer),
            ReportColumn("users", "Users", .integer),
            ReportColumn("impressions", "Impressions", reachFormat(tallies.map(\.impressions))),
            ReportColumn("clicks", "Clicks", reachFormat(tallies.map(\.clicks))),
            ReportColumn("conversions", "Conversions", reachFormat(tallies.map(\.conversions))),
            ReportColumn("k_factor", "K-factor", .decimal(places: 3)),
        ]
        let rows: [[ReportCell]] = readout.trend.map { week in
            [.text(week.label), .integer(week.tally.actions), .integer(week.tally.users), amount(week.tally.impressions),
             amount(week.tally.clicks), amount(week.tally.conversions), .number(week.tally.kFactor)]
        }
        return ReportTable(name: "viral-trend", title: "Week by week", columns: columns, rows: rows, sheetTitle: "Trend")
    }

    /// The period beside the previous one (HTML and XLSX; SPEC §3 keeps it out of the CSV).
    static func comparisonTable(_ readout: ViralReadout) -> ReportTable {
        let comparisons = readout.comparisons
        let conversions = comparisons.flatMap { [$0.current.conversions, $0.previous.conversions] }
            + [readout.current.total.conversions, readout.previous.total.conversions]
        let change = ColumnDisplay(showsSign: true, emphasis: .sign, emptyText: "—")
        let columns = [
            ReportColumn("source_platform", "Platform", .text, display: ColumnDisplay(emptyText: "(none)")),
            ReportColumn("action_type", "Action", .text, display: ColumnDisplay(emptyText: "(none)")),
            ReportColumn("actions", "Actions", .integer),
            ReportColumn("prev_actions", "Previous", .integer),
            ReportColumn("actions_change", "Change", .percent(places: 1), display: change),
            ReportColumn("users", "Users", .integer),
            ReportColumn("prev_users", "Previous", .integer),
            ReportColumn("conversions", "Conversions", reachFormat(conversions)),
            ReportColumn("prev_conversions", "Previous", reachFormat(conversions)),
            ReportColumn("conversions_change", "Change", .percent(places: 1), display: change),
            ReportColumn("k_factor", "K-factor", .decimal(places: 3)),
            ReportColumn("prev_k_factor", "Previous", .decimal(places: 3)),
            ReportColumn("k_factor_change", "Difference", .decimal(places: 3), display: change),
        ]
        func row(_ platform: ReportCell, _ action: ReportCell, _ now: ViralTally, _ before: ViralTally) -> [ReportCell] {
            let kChange: Double? = if let k = now.kFactor, let previousK = before.kFactor { k - previousK } else { nil }
            return [
                platform, action,
                .integer(now.actions), .integer(before.actions),
                .number(ViralReadout.change(Double(now.actions), from: Double(before.actions))),
                .integer(now.users), .integer(before.users),
                amount(now.conversions), amount(before.conversions),
                .number(ViralReadout.change(now.conversions, from: before.conversions)),
                .number(now.kFactor), .number(before.kFactor), .number(kChange),
            ]
        }
        var rows = comparisons.map { row(key($0.platform), key($0.actionType), $0.current, $0.previous) }
        rows.append(row(.text(totalKey), .text(totalKey), readout.current.total, readout.previous.total))
        return ReportTable(name: "viral-vs-previous", title: "This period and the previous one", columns: columns, rows: rows,
                           sheetTitle: "Vs previous", isWrittenAsCSV: false)
    }

    /// Only with `--show-emails`.
    static func topUsersTable(_ users: [ViralTopUser]) -> ReportTable {
        ReportTable(
            name: "viral-top-users", title: "Most active users",
            columns: [
                ReportColumn("user_email", "E-mail", .text), ReportColumn("actions", "Actions", .integer),
                ReportColumn("conversions", "Conversions", reachFormat(users.map(\.conversions))),
            ],
            rows: users.map { [.text($0.email), .integer($0.actions), amount($0.conversions)] },
            sheetTitle: "Top users")
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
        return ReportTable(
            name: "viral-data-quality", title: "Data quality",
            columns: [ReportColumn("check", "Check", .text), ReportColumn("rows", "Rows", .integer)],
            rows: rows.map { [.text($0.0), .integer($0.1)] }, sheetTitle: "Data quality")
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
            Fact("K-factor", .number(now.kFactor), format: .decimal(places: 3),
                 note: ratio(now.kFactor, before.kFactor, format: .decimal(places: 3))),
            Fact("CTR", .number(now.clickThroughRate), format: .percent(places: 2),
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
                ReportChart(id: "trend-activity", title: "Actions, users and conversions per week", kind: .line,
                            table: "viral-trend", categoryColumn: "week", valueColumns: ["actions", "users", "conversions"],
                            valueAxisTitle: "Per week"),
                ReportChart(id: "trend-k-factor", title: "K-factor per week", kind: .line, table: "viral-trend",
                            categoryColumn: "week", valueColumns: ["k_factor"], valueAxisTitle: "Conversions per user"),
            ])
    }

    static func callouts(_ readout: ViralReadout, previousName: String) -> [Callout] {
        guard !readout.isEmpty else {
            return [Callout(.neutral, title: "No viral actions in this period",
                            text: "No viral_metrics row was created in \(readout.period.humanLabel). The trend shows the weeks around it.")]
        }
        let formatter = DisplayFormatter()
        let now = readout.current.total, before = readout.previous.total
        var sentence = "Each user who acted brought \(now.kFactor.map { formatter.number($0, format: .decimal(places: 3)) } ?? "n/a") conversions"
        if let previous = before.kFactor {
            sentence += " (previous \(previousName): \(formatter.number(previous, format: .decimal(places: 3))))"
        }
        sentence += "."
        if let best = readout.rankedGroups.first, best.tally.conversions > 0 {
            sentence += " Most conversions came from \(name(best.platform)) · \(name(best.actionType))"
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
            let text = "\(formatter.number(Double(badRows), format: .integer)) reach_metrics value\(badRows == 1 ? " was" : "s were") not a usable number "
                + "(\(formatter.percent(share, places: 2)) of values) and counted as 0"
                + (quality.unusualNumbers > 0 ? "; \(quality.unusualNumbers) row\(quality.unusualNumbers == 1 ? " has" : "s have") a negative or fractional number, counted as given" : "")
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
        isWhole(value) ? .integer(Int(value)) : .number(value as Double?)   // non-finite: empty
    }

    /// Integers when every value is whole, else two decimals, so a fractional JSON number shows.
    static func reachFormat(_ values: [Double]) -> CellFormat {
        values.allSatisfy(isWhole) ? .integer : .decimal(places: 2)
    }

    private static func isWhole(_ value: Double) -> Bool {
        value.isFinite && value == value.rounded() && abs(value) < 9_007_199_254_740_992
    }
}
