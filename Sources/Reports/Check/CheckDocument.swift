import Foundation
import Rendering

/// The digest of a `check` run: what fired (new first), what could not be judged and why, and
/// the rules as read.
public enum CheckDocument {
    public static let report = "check"

    public static func make(_ outcome: CheckOutcome, context: ReportContext) -> ReportDocument {
        let new = outcome.newAlerts, repeated = outcome.repeatedAlerts
        let judged = "\(count(outcome.rules.count, "rule")) judged on \(outcome.inputs.period.humanLabel)"
        let summary: String
        if outcome.alerts.isEmpty {
            summary = "Nothing fired: \(judged)."
        } else if repeated.isEmpty {
            summary = "\(count(new.count, "new alert")) from \(judged)."
        } else {
            summary = "\(count(new.count, "new alert")) and \(count(repeated.count, "alert")) already sent with the same value, from \(judged)."
        }
        let callouts = new.map { Callout(.danger, title: "\($0.rule): \($0.subject)", text: sentence($0.message)) }
        var sections = [
            ReportSection(
                id: "alerts", title: "Alerts", paragraphs: [summary], callouts: callouts, tables: [alertTable(outcome.alerts)])
        ]
        if !outcome.skipped.isEmpty {
            sections.append(
                ReportSection(
                    id: "not-judged", title: "Not judged",
                    paragraphs: ["A value the formulas leave undefined, or a base under its floor, fires nothing; each is listed with its reason."],
                    tables: [skippedTable(outcome.skipped)]))
        }
        sections.append(ReportSection(id: "rules", title: "Rules", tables: [ruleTable(outcome.rules)]))
        return ReportDocument(
            report: report, title: "Alerts",
            subtitle:
                "The rules of \(context.reproducibility.options.first { $0.name == "rules_file" }?.value ?? "the rules file"), judged on the report models.",
            periodLabel: context.period.humanLabel, sections: sections,
            dataQuality: ReportTable.dataQuality(
                name: "check-data-quality",
                checks: [
                    ("rules", outcome.rules.count), ("alerts fired", outcome.alerts.count), ("alerts new", new.count),
                    ("alerts repeated (sent before with the same value)", repeated.count), ("subjects not judged", outcome.skipped.count),
                ]),
            reproducibility: context.reproducibility, timeZone: context.period.timeZone)
    }

    /// An alert's message as a callout's sentence: a flag's detail without "is true: ".
    static func sentence(_ message: String) -> String {
        let text = message.hasPrefix("is true: ") ? String(message.dropFirst("is true: ".count)) : message
        return text.prefix(1).uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }

    public static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    static func alertTable(_ alerts: [CheckAlert]) -> ReportTable {
        let ordered = alerts.filter { !$0.isRepeat } + alerts.filter(\.isRepeat)
        return ReportTable(
            name: "check-alerts", title: "Alerts", rows: ordered,
            columns: [
                TableColumn("rule", "Rule", .text) { .text($0.rule) },
                TableColumn("subject", "Subject", .text, display: .fullText) { .text($0.subject) },
                TableColumn("message", "What happened", .text, display: .fullText) { .text($0.message) },
                TableColumn("value", "Value", .decimal(places: 4), display: .hiddenInHTML) { .number($0.value) },
                TableColumn("reference", "Compared with", .decimal(places: 4), display: .hiddenInHTML) { .number($0.reference) },
                TableColumn("status", "Status", .text) { .text($0.isRepeat ? "sent before" : "new") },
                TableColumn("condition", "Condition", .text, display: .hiddenInHTML) { .text($0.condition) },
            ], sheetTitle: "Alerts")
    }

    static func skippedTable(_ skipped: [CheckSkip]) -> ReportTable {
        ReportTable(
            name: "check-not-judged", title: "Not judged", rows: skipped,
            columns: [
                TableColumn("rule", "Rule", .text) { .text($0.rule) },
                TableColumn("subject", "Subject", .text) { .text($0.subject) },
                TableColumn("reason", "Why", .text, display: .fullText) { .text($0.reason) },
            ], sheetTitle: "Not judged")
    }

    /// A setting that does not apply to the rule: a dash, not "n/a".
    static let notApplicable = ColumnDisplay(emptyText: "—")

    static func ruleTable(_ rules: [CheckRule]) -> ReportTable {
        ReportTable(
            name: "check-rules", title: "Rules", rows: rules,
            columns: [
                TableColumn("rule", "Rule", .text) { .text($0.name) },
                TableColumn("condition", "Condition", .text) { .text($0.text) },
                TableColumn("line", "Line", .integer) { .integer($0.line) },
                TableColumn("min_base", "min_base", .decimal(places: 2), display: notApplicable) { .number($0.effectiveMinimumBase) },
                TableColumn("min_change", "min_change", .decimal(places: 2), display: notApplicable) { $0.isAnomaly ? .number($0.minimumChange) : .empty },
                TableColumn("threshold", "Threshold (robust z)", .decimal(places: 2), display: notApplicable) { $0.isAnomaly ? .number($0.threshold) : .empty },
            ], sheetTitle: "Rules")
    }
}
