import Database
import Foundation

/// What PostgreSQL computes for one period: per channel, every model's credited conversions
/// (doubles) and exact fractional revenue (numeric), with the counts of the data-quality section.
/// A handful of rows, whatever the number of conversions.
public struct AttributionCredits: Sendable, Equatable {
    public struct Channel: Sendable, Equatable {
        public var name: String
        /// Touches of this channel inside some conversion's lookback window.
        public var touches: Int
        public var nullPlatformTouches: Int
        /// Touches sharing their `created_at` with another touch of the same conversion.
        public var tiedTouches: Int
        /// Conversions whose first touch is this channel (or, for `(direct)`, with no touch).
        public var firstTouches: Int
        public var directConversions: Int
        public var conversions: [AttributionModel: Double]
        /// The exact sum of the channel's fractional revenue credits, before rounding to cents.
        public var revenue: [AttributionModel: Decimal]
    }

    public var channels: [Channel]

    /// Conversions read: each has exactly one first touch (or is direct).
    public var conversions: Int { channels.reduce(0) { $0 + $1.firstTouches } }
    public var directConversions: Int { channels.reduce(0) { $0 + $1.directConversions } }
    public var touches: Int { channels.reduce(0) { $0 + $1.touches } }
    public var nullPlatformTouches: Int { channels.reduce(0) { $0 + $1.nullPlatformTouches } }
    public var tiedTouches: Int { channels.reduce(0) { $0 + $1.tiedTouches } }
    /// Total revenue of the conversions: first-touch revenue is each conversion's whole revenue.
    public var revenue: Decimal { channels.reduce(Decimal(0)) { $0 + ($1.revenue[.firstTouch] ?? 0) } }
}

/// The options that change what is credited.
public struct AttributionOptions: Sendable, Equatable {
    /// Only conversions of this event type; every type when nil.
    public var event: String?
    /// Touches count in `[occurred_at − lookback, occurred_at]`.
    public var lookbackSeconds: Double
    /// The half-life of the time-decay model.
    public var halfLifeSeconds: Double

    public init(event: String? = nil, lookbackSeconds: Double = 30 * 86_400, halfLifeSeconds: Double = 7 * 86_400) {
        self.event = event
        self.lookbackSeconds = lookbackSeconds
        self.halfLifeSeconds = halfLifeSeconds
    }
}

/// Conversions of a period before any touch is joined, for the data-quality section.
public struct AttributionConversionCounts: Sendable, Equatable {
    /// Every conversion in the period, whatever its event type.
    public var inPeriod: Int
    /// Those of another event type than `--event`, not counted.
    public var otherEventType: Int
    public var negativeRevenue: Int
    public var zeroRevenue: Int
    /// Those whose revenue is NaN (numeric allows it): left out of every credit.
    public var nanRevenue: Int

    public init(inPeriod: Int, otherEventType: Int, negativeRevenue: Int, zeroRevenue: Int, nanRevenue: Int = 0) {
        self.inPeriod = inPeriod
        self.otherEventType = otherEventType
        self.negativeRevenue = negativeRevenue
        self.zeroRevenue = zeroRevenue
        self.nanRevenue = nanRevenue
    }
}

extension PostgresConnection {
    /// Credits every conversion of `[previousStart, end)` to its touches under the five models,
    /// in one statement — one pass over both periods' conversions and their touches: window
    /// functions per conversion, then one aggregate per period and channel. The current period
    /// is `[start, end)`, the previous one `[previousStart, start)`.
    public func attributionCredits(previousStart: Date, start: Date, end: Date, options: AttributionOptions) throws
        -> (current: AttributionCredits, previous: AttributionCredits)
    {
        let rows = try query(AttributionSQL.credits(previousStart: previousStart, start: start, end: end, options: options))
        var current: [AttributionCredits.Channel] = [], previous: [AttributionCredits.Channel] = []
        for row in rows {
            var conversions: [AttributionModel: Double] = [:]
            var revenue: [AttributionModel: Decimal] = [:]
            for model in AttributionModel.allCases {
                conversions[model] = try row.decode("\(model.rawValue)_conversions", as: Double.self)
                revenue[model] = try row.decimal("\(model.rawValue)_revenue")
            }
            let channel = AttributionCredits.Channel(
                name: try row.string("channel"), touches: try row.int("touches"),
                nullPlatformTouches: try row.int("null_platform_touches"), tiedTouches: try row.int("tied_touches"),
                firstTouches: try row.int("first_touches"), directConversions: try row.int("direct_conversions"),
                conversions: conversions, revenue: revenue)
            if try row.decode("is_current", as: Bool.self) { current.append(channel) } else { previous.append(channel) }
        }
        return (AttributionCredits(channels: current), AttributionCredits(channels: previous))
    }

    /// Counts the period's conversions by what the report does with them.
    public func attributionConversionCounts(start: Date, end: Date, event: String?) throws -> AttributionConversionCounts {
        let rows = try query(AttributionSQL.conversionCounts(start: start, end: end, event: event)) { row in
            AttributionConversionCounts(
                inPeriod: try row.int("in_period"), otherEventType: try row.int("other_event_type"),
                negativeRevenue: try row.int("negative_revenue"), zeroRevenue: try row.int("zero_revenue"),
                nanRevenue: try row.int("nan_revenue"))
        }
        return rows.first ?? AttributionConversionCounts(inPeriod: 0, otherEventType: 0, negativeRevenue: 0, zeroRevenue: 0)
    }
}

/// The statements, for conversions in `[start, end)`; without `--event` no event condition is
/// written at all.
///
/// Every window is partitioned by `(user_email, id)` of the conversion, and the touches are
/// joined on `user_email`: with `conversion_events` and `viral_metrics` distributed by
/// `user_email`, Citus runs everything but the final per-channel sums on the workers.
enum AttributionSQL {
    /// `event_type` is the event asked for (always true without one).
    static func isEvent(_ event: String?, column: String) -> SQL {
        event.map { "\(raw: column) = \($0)" } ?? "true"
    }

    /// Both periods' credits: rows per period (`is_current`) and channel, the current period first.
    static func credits(previousStart: Date, start: Date, end: Date, options: AttributionOptions) -> Statement {
        Statement(
            "attribution_credits",
            """
            WITH conversions AS (
              SELECT c.id, c.user_email, c.revenue, c.occurred_at, c.occurred_at >= \(start) AS is_current
              FROM conversion_events c
              WHERE c.occurred_at >= \(previousStart) AND c.occurred_at < \(end) AND \(isEvent(options.event, column: "c.event_type"))
                AND c.revenue <> 'NaN'
            ),
            touches AS (
              SELECT c.id, c.user_email, c.revenue, c.is_current,
                     v.id IS NOT NULL AS is_touch,
                     v.id IS NOT NULL AND v.source_platform IS NULL AS is_null_platform,
                     CASE WHEN v.id IS NULL THEN '(direct)' ELSE coalesce(v.source_platform, 'unknown') END AS channel,
                     extract(epoch FROM c.occurred_at - v.created_at)::float8 AS age,
                     row_number() OVER ordered AS position,
                     count(v.id) OVER conversion AS touch_count,
                     min(extract(epoch FROM c.occurred_at - v.created_at)::float8) OVER conversion AS newest_age,
                     v.created_at IS NOT NULL AND (v.created_at = lag(v.created_at) OVER ordered
                                                  OR v.created_at = lead(v.created_at) OVER ordered) AS is_tied
              FROM conversions c
              -- Each conversion's touches through one range of (user_email, created_at); OFFSET 0
              -- keeps it a lookup per conversion, so the cost follows the periods' conversions and
              -- never the length of viral_metrics' history.
              LEFT JOIN LATERAL (
                SELECT v.id, v.source_platform, v.created_at
                FROM viral_metrics v
                WHERE v.user_email = c.user_email
                  AND v.created_at BETWEEN c.occurred_at - make_interval(secs => \(PostgresValue.double(options.lookbackSeconds))::float8) AND c.occurred_at
                  -- Implied by the line above for every conversion of the periods; as constants they
                  -- let a table partitioned by month skip the months no touch can be in.
                  AND v.created_at >= \(touchesFrom(previousStart, options)) AND v.created_at < \(end)
                OFFSET 0
              ) v ON true
              WINDOW conversion AS (PARTITION BY c.user_email, c.id),
                     ordered AS (PARTITION BY c.user_email, c.id ORDER BY v.created_at, v.source_platform COLLATE "C", v.id)
            ),
            decayed AS (
              -- 2^(-Δt/half-life) relative to the newest touch (weight 1), so the sum is at least 1;
              -- weights below 2^-1000 are 0 rather than a floating-point underflow error.
              SELECT *, CASE WHEN NOT is_touch THEN NULL
                             WHEN (age - newest_age) / \(PostgresValue.double(options.halfLifeSeconds))::float8 > 1000 THEN 0::float8
                             ELSE power(2::float8, -(age - newest_age) / \(PostgresValue.double(options.halfLifeSeconds))::float8) END AS raw_decay
              FROM touches
            ),
            weighted AS (
              SELECT is_current, channel, revenue, is_touch, is_null_platform, is_tied, position, touch_count,
                     CASE WHEN touch_count = 0 THEN 1::float8
                          ELSE raw_decay / sum(raw_decay) OVER (PARTITION BY user_email, id) END AS decay,
                     CASE WHEN touch_count <= 1 THEN 1::numeric
                          WHEN touch_count = 2 THEN 0.5
                          WHEN position = 1 OR position = touch_count THEN 0.4
                          ELSE 0.2 / (touch_count - 2) END AS position_share
              FROM decayed
            )
            -- Fractional credits are summed as numeric and rounded to 12 decimals, so neither the
            -- order rows arrive in nor the plan changes a digit of the output.
            SELECT is_current, channel,
                   count(*) FILTER (WHERE is_touch) AS touches,
                   count(*) FILTER (WHERE is_null_platform) AS null_platform_touches,
                   count(*) FILTER (WHERE is_tied) AS tied_touches,
                   count(*) FILTER (WHERE position = 1) AS first_touches,
                   count(*) FILTER (WHERE touch_count = 0) AS direct_conversions,
                   count(*) FILTER (WHERE position = 1)::float8 AS first_touch_conversions,
                   coalesce(sum(revenue) FILTER (WHERE position = 1), 0) AS first_touch_revenue,
                   count(*) FILTER (WHERE position = greatest(touch_count, 1))::float8 AS last_touch_conversions,
                   coalesce(sum(revenue) FILTER (WHERE position = greatest(touch_count, 1)), 0) AS last_touch_revenue,
                   round(sum(1::numeric / greatest(touch_count, 1)), 12)::float8 AS linear_conversions,
                   round(sum(revenue / greatest(touch_count, 1)), 12) AS linear_revenue,
                   round(sum(decay::numeric), 12)::float8 AS time_decay_conversions,
                   round(sum(revenue * decay::numeric), 12) AS time_decay_revenue,
                   round(sum(position_share), 12)::float8 AS position_based_conversions,
                   round(sum(revenue * position_share), 12) AS position_based_revenue
            FROM weighted
            GROUP BY is_current, channel
            ORDER BY is_current DESC, channel COLLATE "C"
            """)
    }

    /// Before the earliest touch any conversion from `previousStart` may have: the lookback, and
    /// a second more, so that rounding the lookback to microseconds never cuts a touch off.
    static func touchesFrom(_ previousStart: Date, _ options: AttributionOptions) -> Date {
        previousStart.addingTimeInterval(-options.lookbackSeconds - 1)
    }

    static func conversionCounts(start: Date, end: Date, event: String?) -> Statement {
        let other: SQL = event.map { "event_type <> \($0)" } ?? "false"
        let matching = isEvent(event, column: "event_type")
        return Statement(
            "attribution_conversion_counts",
            """
            SELECT count(*) AS in_period,
                   count(*) FILTER (WHERE \(other)) AS other_event_type,
                   count(*) FILTER (WHERE \(matching) AND revenue < 0) AS negative_revenue,
                   count(*) FILTER (WHERE \(matching) AND revenue = 0) AS zero_revenue,
                   count(*) FILTER (WHERE \(matching) AND revenue = 'NaN') AS nan_revenue
            FROM conversion_events
            WHERE occurred_at >= \(start) AND occurred_at < \(end)
            """)
    }
}
