import Database
import Foundation
import Rendering
import Statistics

/// What the rules read: the models of the reports they name, and the daily series of anomaly
/// rules. A model the rules do not need is not read.
public struct CheckInputs: Sendable {
    public var period: ReportPeriod
    public var asOf: Date
    public var partners: PartnerROIResults?
    public var viral: ViralReadout?
    public var experiments: ABTestReadout?
    /// Why there are no experiments when the rules asked for them ("no test ran in …").
    public var experimentsMissing: String?
    public var realTimeMetrics: [RealTimeMetric]?
    public var series: [CheckSource: CheckDailySeries]

    public init(
        period: ReportPeriod, asOf: Date, partners: PartnerROIResults? = nil, viral: ViralReadout? = nil,
        experiments: ABTestReadout? = nil, experimentsMissing: String? = nil, realTimeMetrics: [RealTimeMetric]? = nil,
        series: [CheckSource: CheckDailySeries] = [:]
    ) {
        self.period = period
        self.asOf = asOf
        self.partners = partners
        self.viral = viral
        self.experiments = experiments
        self.experimentsMissing = experimentsMissing
        self.realTimeMetrics = realTimeMetrics
        self.series = series
    }
}

/// A rule that fired, for one subject (the total, a partner, a test, a day).
public struct CheckAlert: Sendable, Equatable {
    public var rule: String
    /// The rule's condition as written.
    public var condition: String
    /// What fired: `partner-roi.partner["Acme"].revenue`, `viral.daily.actions on 2026-11-18`.
    public var subject: String
    /// The value now; nil for a yes/no metric.
    public var value: Double?
    /// The value it was compared with: the previous period's, or the baseline's median.
    public var reference: Double?
    public var kind: CheckMetricCatalog.Kind
    /// The sentence after the subject: "is 0.82, below 1.5".
    public var message: String
    /// What identifies this alert's value for `--state`: the same rule, subject and fingerprint
    /// is a repeat.
    public var fingerprint: String
    /// Fired with the same value at the last run that recorded it (`--state`): not sent again.
    public var isRepeat = false

    /// The line `check` prints: `rule: subject message`.
    public var line: String { "\(rule): \(subject) \(message)" }
}

/// A rule, or one subject of it, that could not be judged, and why (an undefined ratio, a base
/// under its floor, no test in the period).
public struct CheckSkip: Sendable, Equatable {
    public var rule: String
    public var subject: String
    public var reason: String

    public var line: String { "\(rule): \(subject) not judged: \(reason)" }
}

/// Every rule judged on the inputs.
public struct CheckOutcome: Sendable {
    public var rules: [CheckRule]
    public var alerts: [CheckAlert]
    public var skipped: [CheckSkip]
    public var inputs: CheckInputs

    /// Alerts that fired with a new value.
    public var newAlerts: [CheckAlert] { alerts.filter { !$0.isRepeat } }
    public var repeatedAlerts: [CheckAlert] { alerts.filter(\.isRepeat) }
}

/// Judges rules on inputs. Pure: the same inputs give the same alerts.
public enum CheckEvaluation {
    public static func evaluate(_ rules: [CheckRule], on inputs: CheckInputs, sent: CheckSentAlerts = CheckSentAlerts()) -> CheckOutcome {
        var alerts: [CheckAlert] = []
        var skipped: [CheckSkip] = []
        for rule in rules {
            var judge = Judge(rule: rule, inputs: inputs)
            judge.run()
            alerts += judge.alerts.map { alert in
                var alert = alert
                alert.isRepeat = sent.contains(alert)
                return alert
            }
            skipped += judge.skipped
        }
        return CheckOutcome(rules: rules, alerts: alerts, skipped: skipped, inputs: inputs)
    }
}

/// The alerts sent before (`--state`): rule and subject → fingerprint.
public struct CheckSentAlerts: Sendable, Equatable {
    public var fingerprints: [String: String]

    public init(_ fingerprints: [String: String] = [:]) {
        self.fingerprints = fingerprints
    }

    public static func key(rule: String, subject: String) -> String { "\(rule)\u{1F}\(subject)" }

    public func contains(_ alert: CheckAlert) -> Bool {
        fingerprints[Self.key(rule: alert.rule, subject: alert.subject)] == alert.fingerprint
    }
}

/// One rule's judgement over its subjects.
private struct Judge {
    let rule: CheckRule
    let inputs: CheckInputs
    var alerts: [CheckAlert] = []
    var skipped: [CheckSkip] = []

    /// A number now and before, or why there is none.
    struct Reading {
        var subject: CheckMetric
        var value: Double?
        var previous: Double?
        var kind: CheckMetricCatalog.Kind
        var undefined: String?
        var previousUndefined: String?
        /// For yes/no metrics: whether it holds, and what to say when it does.
        var flag: Bool?
        var detail: String?
        var fingerprint: String?
    }

    mutating func run() {
        let metric = rule.condition.metric
        if case .anomaly = rule.condition {
            anomaly(metric)
            return
        }
        let readings: [Reading]
        switch read(metric) {
        case .success(let found): readings = found
        case .failure(let reason):
            skipped.append(CheckSkip(rule: rule.name, subject: metric.text, reason: reason.text))
            return
        }
        for reading in readings { judge(reading) }
    }

    mutating func judge(_ reading: Reading) {
        let subject = reading.subject.text
        func skip(_ reason: String) { skipped.append(CheckSkip(rule: rule.name, subject: subject, reason: reason)) }
        switch rule.condition {
        case .flag:
            guard let flag = reading.flag else { return skip(reading.undefined ?? "no value") }
            guard flag else { return }
            alerts.append(
                CheckAlert(
                    rule: rule.name, condition: rule.text, subject: subject, value: nil, reference: nil, kind: .flag,
                    message: "is true" + (reading.detail.map { ": \($0)" } ?? ""), fingerprint: reading.fingerprint ?? "true"))
        case .compare(_, let comparison, let threshold):
            guard let value = reading.value else { return skip(reading.undefined ?? "no value") }
            if let floor = rule.minimumBase(for: reading.kind), abs(value) < floor {
                return skip("\(CheckFormat.value(value, reading.kind)) is below min_base \(CheckFormat.plain(floor))")
            }
            guard comparison.holds(value, threshold) else { return }
            alerts.append(
                CheckAlert(
                    rule: rule.name, condition: rule.text, subject: subject, value: value, reference: threshold, kind: reading.kind,
                    message: "is \(CheckFormat.value(value, reading.kind)), \(comparison.words) \(CheckFormat.value(threshold, reading.kind))",
                    fingerprint: CheckFormat.fingerprint(value)))
        case .change(_, let direction, let fraction):
            guard let value = reading.value else { return skip(reading.undefined ?? "no value") }
            guard let previous = reading.previous else {
                return skip(reading.previousUndefined.map { "the previous period's value is undefined: \($0)" } ?? "no previous value")
            }
            if let floor = rule.minimumBase(for: reading.kind), abs(previous) < floor {
                return skip(
                    "the previous value \(CheckFormat.value(previous, reading.kind)) is below min_base \(CheckFormat.plain(floor))")
            }
            guard previous != 0 else { return skip("the previous value is 0, so a relative change is undefined") }
            let change = (value - previous) / abs(previous)
            guard direction.holds(change: change, fraction: fraction) else { return }
            let verb = change < 0 ? "fell" : change > 0 ? "rose" : "stayed"
            alerts.append(
                CheckAlert(
                    rule: rule.name, condition: rule.text, subject: subject, value: value, reference: previous, kind: reading.kind,
                    message:
                        "\(verb) \(CheckFormat.percent(abs(change))) (\(CheckFormat.value(previous, reading.kind)) → \(CheckFormat.value(value, reading.kind))), \(direction.rawValue) \(CheckFormat.percent(fraction)) or more",
                    fingerprint: CheckFormat.fingerprint(value)))
        case .anomaly:
            break
        }
    }

    struct Reason: Error { var text: String }

    /// The readings of a metric: one, or one per member of an `any` scope or of `real_time`.
    func read(_ metric: CheckMetric) -> Result<[Reading], Reason> {
        switch metric.report {
        case .partnerROI:
            guard let results = inputs.partners else { return .failure(Reason(text: "partner-roi was not read")) }
            let days = inputs.period.dayCount
            switch metric.scope {
            case .total:
                if let count = Self.partnerCount(metric.field, results) {
                    return .success([Reading(subject: metric, value: Double(count), kind: .count)])
                }
                return .success([Self.partnerReading(metric, results.total, days: days)])
            case .partner:
                guard let line = results.partners.first(where: { $0.partnerName == metric.key }) else {
                    return .failure(Reason(text: "no partner named \(CheckMetric.quoted(metric.key ?? "")) has rows in either period"))
                }
                return .success([Self.partnerReading(metric, line, days: days)])
            case .type:
                guard let line = results.types.first(where: { $0.partnerType == metric.key }) else {
                    return .failure(Reason(text: "no partner type \(CheckMetric.quoted(metric.key ?? "")) has rows in either period"))
                }
                return .success([Self.partnerReading(metric, line, days: days)])
            default:
                return .success(
                    results.partners.map { line in
                        Self.partnerReading(metric.member(.partner, key: line.partnerName ?? ""), line, days: days)
                    })
            }
        case .viral:
            guard let viral = inputs.viral else { return .failure(Reason(text: "viral was not read")) }
            return .success([Self.viralReading(metric, now: viral.current.total, before: viral.previous.total)])
        case .abTest:
            guard let experiments = inputs.experiments else {
                return .failure(Reason(text: inputs.experimentsMissing ?? "no A/B test ran in \(inputs.period.label)"))
            }
            let tests = metric.scope == .test ? experiments.tests.filter { $0.name == metric.key } : experiments.tests
            guard !tests.isEmpty else {
                return .failure(Reason(text: "no test named \(CheckMetric.quoted(metric.key ?? "")) has assignments in \(inputs.period.label)"))
            }
            if metric.field == "guardrail_harm" && experiments.guardrailEvents.isEmpty {
                return .failure(Reason(text: "no guardrail was given: add --guardrail EVENT"))
            }
            return .success(tests.map { Self.testReading(metric.member(.test, key: $0.name), $0) })
        case .execSummary:
            guard let metrics = inputs.realTimeMetrics else { return .failure(Reason(text: "real_time_metrics was not read")) }
            let chosen = metric.key.map { key in metrics.filter { $0.name == key } } ?? metrics
            guard !chosen.isEmpty else {
                return .failure(
                    Reason(text: metric.key.map { "real_time_metrics has no metric named \(CheckMetric.quoted($0))" } ?? "real_time_metrics is empty"))
            }
            return .success(chosen.map { Self.realTimeReading(metric.member(.realTime, key: $0.name), $0, asOf: inputs.asOf) })
        }
    }

    static func partnerCount(_ field: String, _ results: PartnerROIResults) -> Int? {
        guard field.hasSuffix("_partners"), let status = PartnerStatus(rawValue: String(field.dropLast("_partners".count))) else {
            return nil
        }
        return results.partners(status).count
    }

    static func partnerReading(_ metric: CheckMetric, _ line: PartnerROILine, days: Int) -> Reading {
        let kind = CheckMetricCatalog.field(metric)?.kind ?? .ratio
        let now = partnerValue(metric.field, line.current, days: days)
        let before = partnerValue(metric.field, line.previous, days: days)
        return Reading(
            subject: metric, value: now.value, previous: before.value, kind: kind, undefined: now.reason, previousUndefined: before.reason)
    }

    static func partnerValue(_ field: String, _ figures: PartnerROIFigures, days: Int) -> (value: Double?, reason: String?) {
        func exact(_ value: Decimal?, _ reason: String) -> (Double?, String?) {
            guard let value, let double = value.nearestDouble else { return (nil, reason) }
            return (double, nil)
        }
        func ratio(_ value: Double?, _ reason: String) -> (Double?, String?) { value.map { ($0, nil) } ?? (nil, reason) }
        return switch field {
        case "customers": (Double(figures.customers), nil)
        case "revenue": exact(figures.revenue, "no revenue")
        case "cost": exact(figures.cost, "no cost row in the period")
        case "roi": ratio(figures.roi, figures.costUndefinedReason)
        case "cac": ratio(figures.cac, figures.costUndefinedReason)
        case "revenue_per_customer": ratio(figures.revenuePerCustomer, "no customers, so revenue per customer is undefined")
        case "conversion_rate": ratio(figures.conversionRate, "no row with a conversion rate above 0")
        case "net_revenue": exact(figures.netRevenue, "no cost row in the period, so net revenue is undefined")
        case "revenue_per_visitor": ratio(figures.revenuePerVisitor, "no row with a conversion rate above 0, so no visitors")
        case "payback_days": ratio(figures.paybackDays(periodDays: days), figures.paybackUndefinedReason)
        case "visitors": exact(figures.visitors, "no visitors")
        default: (nil, "unknown field \(field)")
        }
    }

    static func viralReading(_ metric: CheckMetric, now: ViralTally, before: ViralTally) -> Reading {
        func value(_ tally: ViralTally) -> (Double?, String?) {
            switch metric.field {
            case "actions": return (Double(tally.actions), nil)
            case "users": return (Double(tally.users), nil)
            case "impressions": return (tally.impressions, nil)
            case "clicks": return (tally.clicks, nil)
            case "conversions": return (tally.conversions, nil)
            case "ctr": return (tally.clickThroughRate, "no impressions, so ctr is undefined")
            case "click_conversion_rate": return (tally.clickConversionRate, "no clicks, so the click conversion rate is undefined")
            default: return (tally.kFactor, "no users, so the K-factor is undefined")
            }
        }
        let kind = CheckMetricCatalog.field(metric)?.kind ?? .ratio
        let (current, reason) = value(now)
        let (previous, previousReason) = value(before)
        return Reading(subject: metric, value: current, previous: previous, kind: kind, undefined: reason, previousUndefined: previousReason)
    }

    static func testReading(_ metric: CheckMetric, _ test: ABTestReadout.TestResult) -> Reading {
        switch metric.field {
        case "srm_flag":
            let p = test.srmDecisionPValue.map { "SRM p = \(CheckFormat.pValue($0))" } ?? "SRM flagged"
            let split = test.variants.map { "\($0.name) \(CheckFormat.value(Double($0.users), .count))" }.joined(separator: ", ")
            return Reading(subject: metric, kind: .flag, flag: test.isSRMFlagged, detail: "\(p); users \(split)")
        case "significant":
            let significant = test.variants.contains { $0.isSignificant == true }
            return Reading(
                subject: metric, kind: .flag, flag: significant, detail: "verdict \(test.verdict.text)", fingerprint: test.verdict.text)
        case "guardrail_harm":
            let harmful = test.guardrails.filter { $0.isHarmful == true }
            let events = Array(Set(harmful.map(\.event))).sorted()
            return Reading(
                subject: metric, kind: .flag, flag: !harmful.isEmpty,
                detail: harmful.map { "\($0.event) worse in \($0.variant) (p = \(CheckFormat.pValue($0.pValueHarm ?? 0)))" }.joined(separator: "; "),
                fingerprint: events.joined(separator: ","))
        case "users":
            return Reading(subject: metric, value: Double(test.users), kind: .count)
        default:
            return Reading(subject: metric, value: Double(test.multipleExposures), kind: .count)
        }
    }

    static func realTimeReading(_ metric: CheckMetric, _ row: RealTimeMetric, asOf: Date) -> Reading {
        if metric.field == "stale" {
            let updated = row.lastUpdated.map { "last updated \(PostgresValue.isoTimestamp($0)), more than 24 h before the as-of time" }
            return Reading(
                subject: metric, kind: .flag, flag: row.isStale(asOf: asOf), detail: updated ?? "never updated (last_updated is empty)",
                fingerprint: row.lastUpdated.map(PostgresValue.isoTimestamp) ?? "never")
        }
        let value = row.value.flatMap(\.nearestDouble)
        return Reading(
            subject: metric, value: value, kind: .ratio,
            undefined: row.isValueUnusable ? "the value is NaN or too large to use" : "the value is NULL")
    }

    /// `anomaly X.daily.F`: each day of the period that has ended by the as-of time, against the
    /// same weekday of the 8 weeks before.
    mutating func anomaly(_ metric: CheckMetric) {
        guard let series = inputs.series[metric.report], let values = series.values[metric.field] else {
            skipped.append(CheckSkip(rule: rule.name, subject: metric.text, reason: "the daily series was not read"))
            return
        }
        let kind = CheckMetricCatalog.field(metric)?.seriesKind ?? .count
        let baselineDays = 7 * CheckDailySeries.baselineWeeks
        for index in baselineDays..<series.days.count {
            let day = series.days[index]
            let subject = "\(metric.text) on \(day.description)"
            func skip(_ reason: String) { skipped.append(CheckSkip(rule: rule.name, subject: subject, reason: reason)) }
            if ReportPeriod.startOfDay(day.adding(days: 1), in: inputs.period.timeZone) > inputs.asOf {
                skip("the day has not ended by the as-of time")
                continue
            }
            guard let first = series.firstDayWithData, first <= day else {
                skip("no row on or before this day in the 9 weeks read")
                continue
            }
            let baseline = (1...CheckDailySeries.baselineWeeks).map { index - 7 * $0 }.filter { series.days[$0] >= first }
            guard baseline.count >= CheckDailySeries.minimumBaselineDays else {
                skip(
                    "only \(baseline.count) of the \(CheckDailySeries.baselineWeeks) same weekdays before it have data (at least \(CheckDailySeries.minimumBaselineDays) are needed)"
                )
                continue
            }
            guard let value = values[index].nearestDouble else { continue }
            let score = RobustZScore(value: value, baseline: baseline.compactMap { values[$0].nearestDouble })
            let departure = abs(value - score.median)
            guard score.exceeds(rule.threshold), departure >= rule.minimumChange else { continue }
            let z = score.score.map { "robust z \(String(format: "%.1f", $0))" } ?? "the baseline never varies (MAD 0)"
            alerts.append(
                CheckAlert(
                    rule: rule.name, condition: rule.text, subject: subject, value: value, reference: score.median, kind: kind,
                    message:
                        "is \(CheckFormat.value(value, kind)) against a median of \(CheckFormat.value(score.median, kind)) on the \(baseline.count) \(CheckFormat.weekday(day))s before; \(z), beyond \(CheckFormat.plain(rule.threshold))",
                    fingerprint: CheckFormat.fingerprint(value)))
        }
    }
}

extension CheckRule {
    public var isAnomaly: Bool {
        if case .anomaly = condition { return true }
        return false
    }

    /// The floor that applies to this rule's metric (nil for none, and for anomalies).
    public var effectiveMinimumBase: Double? {
        guard !isAnomaly, let kind = CheckMetricCatalog.field(condition.metric)?.kind else { return nil }
        return minimumBase(for: kind)
    }

    /// The floor that applies to a value of `kind`: the rule's own, or for counts and money the
    /// file's default (a ratio's scale is its own, so a default of 100 would silence it).
    func minimumBase(for kind: CheckMetricCatalog.Kind) -> Double? {
        if let ownMinimumBase { return ownMinimumBase > 0 ? ownMinimumBase : nil }
        guard kind == .count || kind == .money, defaultMinimumBase > 0 else { return nil }
        return defaultMinimumBase
    }
}

/// How values read in alerts: machine-exact where the state compares them, human in sentences.
enum CheckFormat {
    /// Grouped as the reports show numbers, with a plain space before `%` and `days` (a line
    /// for a terminal or a grep, not a page).
    static let formatter = DisplayFormatter()

    static func value(_ value: Double, _ kind: CheckMetricCatalog.Kind) -> String {
        switch kind {
        case .count: formatter.grouped(value, places: value == value.rounded() ? 0 : 2)
        case .money: formatter.grouped(value, places: 2)
        case .fraction: percent(value)
        case .days: String(format: "%.1f days", value)
        default: plain(value)
        }
    }

    static func plain(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.4g", value)
    }

    static func percent(_ fraction: Double) -> String { formatter.grouped(fraction * 100, places: 1) + " %" }

    static func pValue(_ p: Double) -> String { p < 0.0001 ? String(format: "%.1e", p) : String(format: "%.4f", p) }

    static func fingerprint(_ value: Double) -> String { "\(value)" }

    static func weekday(_ day: CalendarDate) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][day.isoWeekday - 1]
    }
}
