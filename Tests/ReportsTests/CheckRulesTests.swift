import Database
import Foundation
import TestSupport
import Testing

@testable import Reports

/// The rules language of `check`: every form the README shows parses to what it says, every
/// mistake is refused with the line and column where it starts, and rules judged on small
/// models give the answers worked out by hand.
@Suite struct CheckRulesTests {
    static func rule(_ condition: String, extra: String = "") throws -> CheckRule {
        let quoted = condition.contains("\"") ? "'\(condition)'" : "\"\(condition)\""
        return try #require(try CheckRulesFile(text: "[rules.r]\nwhen = \(quoted)\n\(extra)").rules.first)
    }

    static func failure(_ text: String) -> CheckRulesFile.Failure? {
        do {
            _ = try CheckRulesFile(text: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func theIssuesExamplesParse() throws {
        #expect(try Self.rule("partner-roi.total.roi < 1.5").condition == .compare(CheckMetric(report: .partnerROI, scope: .total, field: "roi"), .less, 1.5))
        #expect(
            try Self.rule("viral.total.k_factor drops 20 %").condition == .change(CheckMetric(report: .viral, scope: .total, field: "k_factor"), .drops, 0.2))
        #expect(try Self.rule("ab-test.any.srm_flag").condition == .flag(CheckMetric(report: .abTest, scope: .any, field: "srm_flag")))
        #expect(try Self.rule("exec-summary.real_time.stale").condition == .flag(CheckMetric(report: .execSummary, scope: .realTime, field: "stale")))
        #expect(
            try Self.rule(#"partner-roi.partner["Acme"].revenue drops 30 %"#).condition
                == .change(CheckMetric(report: .partnerROI, scope: .partner, key: "Acme", field: "revenue"), .drops, 0.3))
        #expect(try Self.rule("anomaly viral.daily.actions").condition == .anomaly(CheckMetric(report: .viral, scope: .daily, field: "actions")))
        // A percentage in a comparison is a fraction; "by" may be written; keys may hold quotes.
        #expect(
            try Self.rule("partner-roi.total.conversion_rate <= 2 %").condition
                == .compare(CheckMetric(report: .partnerROI, scope: .total, field: "conversion_rate"), .lessOrEqual, 0.02))
        #expect(try Self.rule("viral.total.users rises by 50%").condition == .change(CheckMetric(report: .viral, scope: .total, field: "users"), .rises, 0.5))
        let escaped = try #require(try CheckRulesFile(text: #"[rules.q]"# + "\n" + #"when = "partner-roi.partner[\"Say \\\"hi\\\"\"].cost > 10""#).rules.first)
        #expect(escaped.condition.metric.key == #"Say "hi""#)
    }

    /// The rules file README's tour runs is one the parser accepts, every rule of it.
    @Test func theShippedExampleParses() throws {
        let url = TestDatabase.packageRoot.appendingPathComponent("examples/alerts.toml")
        let file = try CheckRulesFile(text: String(contentsOf: url, encoding: .utf8))
        #expect(file.rules.map(\.name) == ["blended_roi", "k_factor", "acme", "srm", "stale", "actions"])
    }

    @Test func defaultsApplyAndARuleOverridesThem() throws {
        let file = try CheckRulesFile(
            text: """
                [defaults]
                min_base = 100
                min_change = 5
                threshold = 4

                [rules.money]
                when = "partner-roi.total.revenue drops 10 %"

                [rules.ratio]
                when = "viral.total.k_factor drops 10 %"

                [rules.own]
                when = "anomaly viral.daily.clicks"
                min_change = 50
                threshold = 3
                """)
        let byName = Dictionary(uniqueKeysWithValues: file.rules.map { ($0.name, $0) })
        #expect(file.rules.map(\.name) == ["money", "ratio", "own"])
        #expect(byName["money"]?.minimumBase(for: .money) == 100)
        // A default floor of 100 would silence a ratio: it applies to counts and money only.
        #expect(byName["ratio"]?.minimumBase(for: .ratio) == nil)
        #expect(byName["own"]?.minimumChange == 50 && byName["own"]?.threshold == 3)
        #expect(byName["money"]?.threshold == 4 && byName["money"]?.minimumChange == 5)
        #expect(byName["own"]?.line == 13 && byName["own"]?.column == 9)
    }

    @Test(arguments: [
        ("[rules.a]\nwhen = \"partner-roi.totl.roi < 1\"\n", 2, 21, "partner-roi has no 'totl'"),
        ("[rules.a]\nwhen = \"growth.total.roi < 1\"\n", 2, 9, "unknown report 'growth'"),
        ("[rules.a]\nwhen = \"partner-roi.partner.revenue < 1\"\n", 2, 28, "needs a name"),
        ("[rules.a]\nwhen = \"viral.total[\\\"x\\\"].users < 1\"\n", 2, 20, "takes no [key]"),
        ("[rules.a]\nwhen = \"partner-roi.total.roi\"\n", 2, 30, "roi is a number"),
        ("[rules.a]\nwhen = \"partner-roi.total.roi drops 20\"\n", 2, 37, "a change is a percentage"),
        ("[rules.a]\nwhen = \"partner-roi.total.roi = 2\"\n", 2, 31, "expected a comparison"),
        ("[rules.a]\nwhen = \"partner-roi.total.roi < 2 or more\"\n", 2, 35, "unexpected 'or more'"),
        ("[rules.a]\nwhen = \"ab-test.any.users drops 10 %\"\n", 2, 27, "has no previous-period value"),
        ("[rules.a]\nwhen = \"anomaly viral.total.actions\"\n", 2, 17, "anomaly needs a daily series"),
        ("[rules.a]\nwhen = \"viral.daily.actions > 3\"\n", 2, 9, "is a daily series, for anomaly rules"),
        ("[rules.a]\nwhen = \"exec-summary.real_time.value < 3\"\n", 2, 32, "value is one metric's"),
        ("[rules.a]\nwhen = \"partner-roi.partner[\\\"Acme].roi < 1\"\n", 2, 29, "has no closing"),
        ("[rules.a]\nwhen = ''\n", 2, 9, "the condition is empty"),
        ("[rules.a]\nwhen = 3\n", 2, 8, "must be a string"),
        ("[rules.a]\nmin_base = 3\n", 1, 1, "has no condition"),
        ("[rules.a]\nwhen = \"viral.total.users < 3\"\nmin_base = -1\n", 3, 12, "min_base in [rules.a] must be a number of 0 or more"),
        ("[rules.a]\nwhen = \"viral.total.users < 3\"\n  color = \"red\"\n", 3, 3, "unknown key 'color'"),
        ("title = \"x\"\n[rules.a]\nwhen = \"viral.total.users < 3\"\n", 1, 1, "unknown key 'title'"),
        ("[defaults]\nmin_base = 1\n", 1, 1, "no rules"),
        ("[rules.a]\nwhen = \"viral.total.users < 3\"\n[rules.a]\nwhen = \"viral.total.users < 4\"\n", 3, 1, ""),
        ("[rules.a\nwhen = 1\n", 1, 9, ""),
    ])
    func aBadRuleIsNamedByLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        let failure = try #require(Self.failure(text), "accepted: \(text)")
        #expect(failure.line == line && failure.column == column, "\(failure)")
        #expect(message.isEmpty || failure.message.contains(message), "\(failure)")
    }

    // MARK: judged on small models

    static let utc = TimeZone(identifier: "UTC")!
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!
    static let asOf = period.end.addingTimeInterval(2 * 86_400)

    static func partner(_ name: String, now: PartnerROIFigures, before: PartnerROIFigures, rowsNow: Int = 7, rowsBefore: Int = 7) -> PartnerROILine {
        var quality = PartnerROIQuality(), previous = PartnerROIQuality()
        quality.rowsRead = rowsNow
        previous.rowsRead = rowsBefore
        return PartnerROILine(
            kind: .partner, rank: 1, partnerName: name, partnerType: "affiliate", current: now, previous: before, quality: quality, previousQuality: previous)
    }

    static func judge(_ conditions: [String], partners: [PartnerROILine] = [], total: PartnerROIFigures = .zero, previousTotal: PartnerROIFigures = .zero)
        throws -> CheckOutcome
    {
        let text = conditions.enumerated().map { "[rules.r\($0.offset)]\nwhen = '\($0.element)'\n" }.joined(separator: "\n")
        let rules = try CheckRulesFile(text: text).rules
        let results = PartnerROIResults(
            period: period, previousPeriod: period.previous,
            lines: partners + [PartnerROILine(kind: .total, current: total, previous: previousTotal)])
        return CheckEvaluation.evaluate(rules, on: CheckInputs(period: period, asOf: asOf, partners: results))
    }

    @Test func partnerFiguresFireAsWorkedOut() throws {
        // Revenue 900 on cost 600: ROI 0.5, net 300, payback 600 · 7 / 900 = 4.67 days; 1 200 before.
        let now = PartnerROIFigures(
            customers: 9, revenue: 900, cost: 600, costedRevenue: 900, costedCustomers: 9, ratedCustomers: 9, ratedRevenue: 900, visitors: 90)
        let before = PartnerROIFigures(customers: 12, revenue: 1_200, cost: 600, costedRevenue: 1_200, costedCustomers: 12)
        let outcome = try Self.judge(
            [
                "partner-roi.total.roi < 1", "partner-roi.total.net_revenue < 500", "partner-roi.total.payback_days > 4",
                "partner-roi.total.revenue_per_visitor == 10", "partner-roi.total.revenue drops 25 %", "partner-roi.total.revenue drops 26 %",
                "partner-roi.total.new_partners >= 1", "partner-roi.total.lapsed_partners >= 1",
            ],
            partners: [
                Self.partner("Acme", now: now, before: before), Self.partner("Newco", now: .zero, before: .zero, rowsBefore: 0),
                Self.partner("Gone", now: .zero, before: before, rowsNow: 0),
            ],
            total: now, previousTotal: before)
        #expect(
            outcome.alerts.map(\.line) == [
                "r0: partner-roi.total.roi is 0.5, below 1",
                "r1: partner-roi.total.net_revenue is 300.00, below 500.00",
                "r2: partner-roi.total.payback_days is 4.7 days, above 4.0 days",
                "r3: partner-roi.total.revenue_per_visitor is 10.00, equal to 10.00",
                "r4: partner-roi.total.revenue fell 25.0 % (1,200.00 → 900.00), drops 25.0 % or more",
                "r6: partner-roi.total.new_partners is 1, at or above 1",
                "r7: partner-roi.total.lapsed_partners is 1, at or above 1",
            ])
    }

    @Test func anUndefinedValueFiresNothingAndSaysWhy() throws {
        let costless = PartnerROIFigures(customers: 3, revenue: 90)
        let outcome = try Self.judge(
            ["partner-roi.total.roi < 1", "partner-roi.total.revenue drops 10 %", #"partner-roi.partner["Nobody"].cost > 1"#],
            total: costless, previousTotal: .zero)
        #expect(outcome.alerts.isEmpty)
        #expect(
            outcome.skipped.map(\.line) == [
                "r0: partner-roi.total.roi not judged: No cost row in the period, so ROI and CAC are undefined.",
                "r1: partner-roi.total.revenue not judged: the previous value is 0, so a relative change is undefined",
                #"r2: partner-roi.partner["Nobody"].cost not judged: no partner named "Nobody" has rows in either period"#,
            ])
    }

    @Test func aRepeatIsOnlyARepeatWithTheSameValue() throws {
        let figures = PartnerROIFigures(customers: 3, revenue: 90, cost: 100, costedRevenue: 90, costedCustomers: 3)
        let rules = try CheckRulesFile(text: "[rules.roi]\nwhen = 'partner-roi.total.roi < 0'\n").rules
        let inputs = CheckInputs(
            period: Self.period, asOf: Self.asOf,
            partners: PartnerROIResults(period: Self.period, previousPeriod: Self.period.previous, lines: [PartnerROILine(kind: .total, current: figures)]))
        let first = CheckEvaluation.evaluate(rules, on: inputs)
        let alert = try #require(first.alerts.first)
        #expect(!alert.isRepeat)
        let sent = CheckSentAlerts([CheckSentAlerts.key(rule: alert.rule, subject: alert.subject): alert.fingerprint])
        #expect(CheckEvaluation.evaluate(rules, on: inputs, sent: sent).alerts.first?.isRepeat == true)
        let other = CheckSentAlerts([CheckSentAlerts.key(rule: alert.rule, subject: alert.subject): "-0.2"])
        #expect(CheckEvaluation.evaluate(rules, on: inputs, sent: other).alerts.first?.isRepeat == false)
    }

    /// A short history: days whose same weekdays mostly precede the first row are not judged,
    /// and a constant baseline flags any departure of at least min_change.
    @Test func anomaliesNeedABaselineAndHonourMinChange() throws {
        let days = CheckDailySeries.days(of: Self.period)
        var values = Array(repeating: Decimal(0), count: days.count)
        // Data from the 5th week on: 4 baseline Mondays for the period's Monday (index 56).
        for index in 28..<days.count { values[index] = 20 }
        values[56] = 26
        values[57] = 21
        let series = CheckDailySeries(source: .viral, days: days, values: ["actions": values], firstDayWithData: days[28])
        let file = try CheckRulesFile(text: "[rules.a]\nwhen = 'anomaly viral.daily.actions'\nmin_change = 2\n")
        let outcome = CheckEvaluation.evaluate(file.rules, on: CheckInputs(period: Self.period, asOf: Self.asOf, series: [.viral: series]))
        #expect(outcome.alerts.map(\.subject) == ["viral.daily.actions on 2026-11-16"])
        #expect(outcome.alerts.first?.message.contains("the baseline never varies (MAD 0)") == true)
        #expect(outcome.skipped.isEmpty)
        let short = CheckDailySeries(source: .viral, days: days, values: ["actions": values], firstDayWithData: days[40])
        let shortOutcome = CheckEvaluation.evaluate(file.rules, on: CheckInputs(period: Self.period, asOf: Self.asOf, series: [.viral: short]))
        #expect(shortOutcome.alerts.isEmpty)
        #expect(shortOutcome.skipped.first?.reason.hasPrefix("only 2 of the 8 same weekdays before it have data") == true)
    }
}
