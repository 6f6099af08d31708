import Foundation

/// Every metric a rule can name: per report, its scopes, and per scope its fields with their
/// kind (a number, money, a yes/no flag, a daily series) and whether the previous period has
/// a value to compare with. The parser types rules against it; README's table is this one.
public enum CheckMetricCatalog {
    /// How a metric's value reads and compares.
    public enum Kind: Sendable, Equatable {
        case count, money, ratio, fraction, days
        /// Yes or no: a rule names it alone and fires when it is true.
        case flag
        /// Also a daily series, for anomaly rules only.
        case series

        var isNumber: Bool { self != .flag && self != .series }
    }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        /// The previous period has a value, so `drops`, `rises` and `changes` apply.
        public var hasPrevious: Bool
        /// What the series holds (series only): how `daily` values are summed.
        public var seriesKind: Kind?

        init(_ name: String, _ kind: Kind, previous: Bool = true, series: Kind? = nil) {
            self.name = name
            self.kind = kind
            self.hasPrevious = previous
            self.seriesKind = series
        }
    }

    /// Whether a scope takes `["key"]`.
    public enum KeyUse: Sendable, Equatable { case none, required, optional }

    public static func scopes(of report: CheckSource) -> [(scope: CheckScope, key: KeyUse)] {
        switch report {
        case .partnerROI: [(.total, .none), (.any, .none), (.partner, .required), (.type, .required), (.daily, .none)]
        case .viral: [(.total, .none), (.daily, .none)]
        case .abTest: [(.any, .none), (.test, .required)]
        case .execSummary: [(.realTime, .optional)]
        }
    }

    static let partnerFigures: [Field] = [
        Field("customers", .count), Field("revenue", .money), Field("cost", .money), Field("roi", .ratio),
        Field("cac", .money), Field("revenue_per_customer", .money), Field("conversion_rate", .fraction),
        Field("net_revenue", .money), Field("revenue_per_visitor", .money), Field("payback_days", .days),
        Field("visitors", .count),
    ]

    public static func fields(of report: CheckSource, scope: CheckScope) -> [Field] {
        switch (report, scope) {
        case (.partnerROI, .total):
            partnerFigures + [
                Field("new_partners", .count, previous: false), Field("active_partners", .count, previous: false),
                Field("lapsed_partners", .count, previous: false),
            ]
        case (.partnerROI, .daily):
            [Field("customers", .series, series: .count), Field("revenue", .series, series: .money), Field("cost", .series, series: .money)]
        case (.partnerROI, _):
            partnerFigures
        case (.viral, .daily):
            ["actions", "users", "impressions", "clicks", "conversions"].map { Field($0, .series, series: .count) }
        case (.viral, _):
            ["actions", "users", "impressions", "clicks", "conversions"].map { Field($0, .count) } + [
                Field("ctr", .fraction), Field("click_conversion_rate", .fraction), Field("k_factor", .ratio),
            ]
        case (.abTest, _):
            [
                Field("srm_flag", .flag, previous: false), Field("significant", .flag, previous: false),
                Field("guardrail_harm", .flag, previous: false), Field("users", .count, previous: false),
                Field("multiple_exposures", .count, previous: false),
            ]
        case (.execSummary, _):
            [Field("stale", .flag, previous: false), Field("value", .ratio, previous: false)]
        }
    }

    public static func field(_ metric: CheckMetric) -> Field? {
        fields(of: metric.report, scope: metric.scope).first { $0.name == metric.field }
    }
}
