import Database
import Foundation

/// Actions, users and reach of a set of `viral_metrics` rows, with the ratios of SPEC §4.2.
///
/// `reach_metrics` values count as the JSON numbers they are, summed exactly (numeric) in
/// PostgreSQL and read as doubles: whole sums are shown as integers; a fractional or negative
/// number is counted as given and flagged in the data-quality section.
public struct ViralTally: Sendable, Equatable {
    public var actions: Int
    /// Distinct non-null `user_email`.
    public var users: Int
    public var impressions: Double
    public var clicks: Double
    public var conversions: Double

    public init(actions: Int = 0, users: Int = 0, impressions: Double = 0, clicks: Double = 0, conversions: Double = 0) {
        self.actions = actions
        self.users = users
        self.impressions = impressions
        self.clicks = clicks
        self.conversions = conversions
    }

    /// clicks / impressions; nil when there are no impressions.
    public var clickThroughRate: Double? { Self.ratio(clicks, impressions) }
    /// conversions / clicks; nil when there are no clicks.
    public var clickConversionRate: Double? { Self.ratio(conversions, clicks) }
    /// conversions / distinct users; nil when there are no users.
    public var kFactor: Double? { Self.ratio(conversions, Double(users)) }

    static func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
        guard denominator != 0 else { return nil }
        let value = numerator / denominator
        return value.isFinite ? value : nil
    }

    init(row: PostgresRow) throws {
        self.init(
            actions: try row.int("actions"), users: try row.int("users"),
            impressions: try row.decode("impressions"), clicks: try row.decode("clicks"),
            conversions: try row.decode("conversions"))
    }
}

/// One `source_platform` × `action_type` of the period; a NULL key stays nil.
public struct ViralGroup: Sendable, Equatable {
    public var platform: String?
    public var actionType: String?
    public var tally: ViralTally

    public init(platform: String?, actionType: String?, tally: ViralTally) {
        self.platform = platform
        self.actionType = actionType
        self.tally = tally
    }
}

/// What the period's rows held besides clean numbers. Nothing is dropped: every row is an
/// action; a value that is not a JSON number counts as 0 and is counted here.
public struct ViralDataQuality: Sendable, Equatable {
    /// Why one key's value was not a number, in rows.
    public struct KeyProblems: Sendable, Equatable {
        /// The key is absent, or `reach_metrics` is NULL or not an object.
        public var missing = 0
        /// JSON `null`.
        public var null = 0
        /// A string, numeric or not (`"12"` counts as 0).
        public var string = 0
        public var boolean = 0
        /// An object or an array.
        public var nested = 0
        /// A number of magnitude 10^15 or more (1e308, 1e1000): not a count.
        public var outOfRange = 0

        public init(missing: Int = 0, null: Int = 0, string: Int = 0, boolean: Int = 0, nested: Int = 0, outOfRange: Int = 0) {
            self.missing = missing
            self.null = null
            self.string = string
            self.boolean = boolean
            self.nested = nested
            self.outOfRange = outOfRange
        }

        public var total: Int { missing + null + string + boolean + nested + outOfRange }
    }

    public var rowsRead = 0
    public var impressions = KeyProblems()
    public var clicks = KeyProblems()
    public var conversions = KeyProblems()
    /// Rows with a key that is a number but negative or not whole (counted as given).
    public var unusualNumbers = 0
    /// Rows without an e-mail: actions, but no user.
    public var withoutEmail = 0
    public var withoutPlatform = 0
    public var withoutActionType = 0
    /// `reach_metrics` is SQL NULL: every key counts as 0.
    public var reachNull = 0
    /// `reach_metrics` is JSON but not an object (an array, a string, a number): every key counts as 0.
    public var reachNotObject = 0

    public init() {}

    /// The problems of each key, in the order of SPEC §4.2.
    public var keys: [(key: String, problems: KeyProblems)] {
        [("impressions", impressions), ("clicks", clicks), ("conversions", conversions)]
    }

    /// Values (a key of a row) that were not usable numbers and counted as 0.
    public var malformedValues: Int { impressions.total + clicks.total + conversions.total }

    /// Adds up the rows of one range of the `viral_quality` statement (one per combination of
    /// JSON types).
    init(rows: [PostgresRow]) throws {
        for row in rows {
            let count = try row.int("row_count")
            rowsRead += count
            switch try row.decodeIfPresent("reach_type", as: String.self) {
            case nil: reachNull += count
            case "object": break
            default: reachNotObject += count
            }
            impressions.add(count, type: try row.decodeIfPresent("impressions_type"))
            clicks.add(count, type: try row.decodeIfPresent("clicks_type"))
            conversions.add(count, type: try row.decodeIfPresent("conversions_type"))
            unusualNumbers += try row.int("unusual_numbers")
            withoutEmail += try row.int("without_email")
            withoutPlatform += try row.int("without_platform")
            withoutActionType += try row.int("without_action")
        }
    }
}

extension ViralDataQuality.KeyProblems {
    /// Counts `rows` values of the JSON type `type` (`jsonb_typeof`; nil when missing).
    mutating func add(_ rows: Int, type: String?) {
        switch type {
        case nil: missing += rows
        case "number": break
        case "null": null += rows
        case "string": string += rows
        case "boolean": boolean += rows
        case "out of range": outOfRange += rows
        default: nested += rows // object or array
        }
    }
}

/// The counts of one period: per group, in total, and its data quality.
public struct ViralPeriodCounts: Sendable, Equatable {
    public var groups: [ViralGroup]
    /// The whole period; `users` are distinct over the period, not a sum over groups.
    public var total: ViralTally
    public var quality: ViralDataQuality

    public init(groups: [ViralGroup], total: ViralTally, quality: ViralDataQuality) {
        self.groups = groups
        self.total = total
        self.quality = quality
    }
}

/// One ISO week of the trend.
public struct ViralTrendWeek: Sendable, Equatable {
    /// `2026-W47`, by ISO week-year.
    public var label: String
    public var start: Date
    public var end: Date
    public var tally: ViralTally

    public init(label: String, start: Date, end: Date, tally: ViralTally) {
        self.label = label
        self.start = start
        self.end = end
        self.tally = tally
    }
}

/// A user with many actions, shown only with `--show-emails`.
public struct ViralTopUser: Sendable, Equatable {
    public var email: String
    public var actions: Int
    public var conversions: Double

    public init(email: String, actions: Int, conversions: Double) {
        self.email = email
        self.actions = actions
        self.conversions = conversions
    }
}

/// A half-open time range `[start, end)` of `viral_metrics.created_at`.
public struct ViralRange: Sendable, Equatable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

}

extension PostgresConnection {
    /// Actions, distinct users and reach of each range, in order; a range without rows has
    /// zero counts. One statement, a branch per range; it keeps the name `viral_trend`, as the
    /// trend's weeks are most of its ranges (with the period and previous period when they are
    /// not among them).
    public func viralTallies(_ ranges: [ViralRange]) throws -> [ViralTally] {
        guard !ranges.isEmpty else { return [] }
        var tallies = Array(repeating: ViralTally(), count: ranges.count)
        for row in try query(ViralSQL.tallies(ranges)) {
            tallies[try row.int("range_index") - 1] = try ViralTally(row: row)
        }
        return tallies
    }

    /// The platform × action groups of each range, in order.
    public func viralGroups(_ ranges: [ViralRange]) throws -> [[ViralGroup]] {
        guard !ranges.isEmpty else { return [] }
        var groups = Array(repeating: [ViralGroup](), count: ranges.count)
        for row in try query(ViralSQL.breakdown(ranges)) {
            groups[try row.int("range_index") - 1].append(
                ViralGroup(
                    platform: try row.decodeIfPresent("source_platform"), actionType: try row.decodeIfPresent("action_type"),
                    tally: try ViralTally(row: row)))
        }
        return groups
    }

    /// The data quality of each range, in order.
    public func viralDataQuality(_ ranges: [ViralRange]) throws -> [ViralDataQuality] {
        guard !ranges.isEmpty else { return [] }
        var rows = Array(repeating: [PostgresRow](), count: ranges.count)
        for row in try query(ViralSQL.quality(ranges)) {
            rows[try row.int("range_index") - 1].append(row)
        }
        return try rows.map(ViralDataQuality.init(rows:))
    }

    /// The `limit` users with the most actions in `[start, end)` (ties: more conversions, then e-mail).
    public func viralTopUsers(start: Date, end: Date, limit: Int) throws -> [ViralTopUser] {
        try query(ViralSQL.topUsers(start: start, end: end, limit: limit)) { row in
            ViralTopUser(
                email: try row.string("user_email"), actions: try row.int("actions"),
                conversions: try row.decode("conversions"))
        }
    }
}
