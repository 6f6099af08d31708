import Foundation

/// One named rule of a `check` rules file, parsed and typed against `CheckMetricCatalog`.
public struct CheckRule: Sendable, Equatable {
    public var name: String
    /// The condition as written (`partner-roi.total.roi < 1.5`).
    public var text: String
    public var condition: CheckCondition
    /// The rule's own `min_base`: a change from a previous value, or a comparison of a value,
    /// smaller than this in magnitude does not fire.
    public var ownMinimumBase: Double?
    /// `[defaults] min_base`, for rules on counts and money that set none.
    public var defaultMinimumBase: Double
    /// An anomaly fires only when the value is at least this far from the baseline's median.
    public var minimumChange: Double
    /// An anomaly fires beyond this robust z-score (3.5 by default, Iglewicz and Hoaglin's).
    public var threshold: Double
    /// Where the rule's condition begins in the rules file.
    public var line: Int
    public var column: Int

    public init(
        name: String, text: String, condition: CheckCondition, ownMinimumBase: Double? = nil, defaultMinimumBase: Double = 0,
        minimumChange: Double = 0,
        threshold: Double = CheckRule.defaultThreshold, line: Int = 0, column: Int = 0
    ) {
        self.name = name
        self.text = text
        self.condition = condition
        self.ownMinimumBase = ownMinimumBase
        self.defaultMinimumBase = defaultMinimumBase
        self.minimumChange = minimumChange
        self.threshold = threshold
        self.line = line
        self.column = column
    }

    public static let defaultThreshold = 3.5
}

/// What a rule tests.
public enum CheckCondition: Sendable, Equatable {
    /// `metric OP number`: a threshold.
    case compare(CheckMetric, CheckComparison, Double)
    /// `metric drops|rises|changes N %` against the previous period.
    case change(CheckMetric, CheckDirection, Double)
    /// `metric`: a yes/no metric that fires when true.
    case flag(CheckMetric)
    /// `anomaly report.daily.field`: a day of the period far from the same weekday's last 8 weeks.
    case anomaly(CheckMetric)

    public var metric: CheckMetric {
        switch self {
        case .compare(let metric, _, _), .change(let metric, _, _), .flag(let metric), .anomaly(let metric): metric
        }
    }
}

public enum CheckComparison: String, Sendable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "=="
    case notEqual = "!="

    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .less: value < threshold
        case .lessOrEqual: value <= threshold
        case .greater: value > threshold
        case .greaterOrEqual: value >= threshold
        case .equal: value == threshold
        case .notEqual: value != threshold
        }
    }

    /// "below 1.5", for the alert's sentence.
    public var words: String {
        switch self {
        case .less: "below"
        case .lessOrEqual: "at or below"
        case .greater: "above"
        case .greaterOrEqual: "at or above"
        case .equal: "equal to"
        case .notEqual: "not equal to"
        }
    }
}

public enum CheckDirection: String, Sendable, CaseIterable {
    case drops, rises, changes

    /// Whether a relative change (x − previous) / |previous| of `change` crosses `fraction`.
    public func holds(change: Double, fraction: Double) -> Bool {
        switch self {
        case .drops: -change >= fraction
        case .rises: change >= fraction
        case .changes: abs(change) >= fraction
        }
    }
}

/// A metric of a report model: `report.scope.field` or `report.scope["key"].field`.
public struct CheckMetric: Sendable, Equatable, Hashable {
    public var report: CheckSource
    public var scope: CheckScope
    /// The key of a keyed scope (`partner["Acme"]`); nil for `total`, `any`, `daily`, and for
    /// `real_time` meaning every metric.
    public var key: String?
    public var field: String

    public init(report: CheckSource, scope: CheckScope, key: String? = nil, field: String) {
        self.report = report
        self.scope = scope
        self.key = key
        self.field = field
    }

    /// The metric as a rules file writes it, the key quoted.
    public var text: String {
        let keyed = key.map { "[\(Self.quoted($0))]" } ?? ""
        return "\(report.rawValue).\(scope.rawValue)\(keyed).\(field)"
    }

    /// The same metric for one member of an `any` scope or of `real_time` (what an alert names).
    public func member(_ scope: CheckScope, key: String) -> CheckMetric {
        CheckMetric(report: report, scope: scope, key: key, field: field)
    }

    static func quoted(_ key: String) -> String {
        "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// The reports a rule can read.
public enum CheckSource: String, Sendable, CaseIterable, Hashable {
    case partnerROI = "partner-roi"
    case viral
    case abTest = "ab-test"
    case execSummary = "exec-summary"
}

/// What part of a report's model a rule reads.
public enum CheckScope: String, Sendable, CaseIterable, Hashable {
    /// The report's total row.
    case total
    /// Each partner (partner-roi) or each test (ab-test): one alert per member that fires.
    case any
    /// One partner by `partner_name`.
    case partner
    /// One partner type's rollup.
    case type
    /// One A/B test by `test_name`.
    case test
    /// `real_time_metrics`: every metric, or one by `metric_name`.
    case realTime = "real_time"
    /// Daily values over the period and the 8 weeks before it, for anomaly rules.
    case daily
}

/// A rule that cannot be used: what is wrong, and where in its condition (a 0-based character
/// offset), so that the rules file can name the line and column.
public struct CheckRuleError: Error, Sendable, Equatable {
    public var message: String
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }
}
