/// The viral statements (SPEC §4.2). Every statement filters `created_at >= $1 AND
/// created_at < $2`, so `viral_metrics_created_at_idx` serves it and a report reads its own
/// weeks only, however long the history.
///
/// A `reach_metrics` key counts only when `jsonb_typeof` says `number`; anything else counts
/// as 0 and is counted per key by what it was. `jsonb_typeof(reach_metrics -> key)` is SQL NULL
/// for a missing key, and also when `reach_metrics` is NULL or not an object (`->` on an
/// array or a scalar yields NULL), so "missing" covers those rows too.
enum ViralSQL {
    /// The keys read from `reach_metrics`, in the order the report shows them.
    static let keys = ["impressions", "clicks", "conversions"]

    /// The kinds of malformed value, as (column suffix, condition on the key's `jsonb_typeof`).
    static let malformedKinds: [(suffix: String, condition: String)] = [
        ("missing", "IS NULL"),
        ("null", "= 'null'"),
        ("string", "= 'string'"),
        ("boolean", "= 'boolean'"),
        ("nested", "IN ('object', 'array')"),
    ]

    /// A key's value as numeric when it is a JSON number, else NULL (summed as 0).
    static func value(_ key: String) -> String {
        "CASE WHEN jsonb_typeof(reach_metrics -> '\(key)') = 'number' THEN (reach_metrics ->> '\(key)')::numeric END"
    }

    /// The sums of the three keys, exact (numeric), 0 when no row has a number.
    static let sums = keys.map { "coalesce(sum(\(value($0))), 0) AS \($0)" }.joined(separator: ",\n       ")

    /// Per key and kind, rows whose value was not a number; rows whose value is a number but
    /// negative or not whole (counted as given); rows without an e-mail, platform or action; and
    /// rows whose `reach_metrics` is NULL or not an object.
    static let qualityCounts: String = {
        var columns: [String] = []
        for key in keys {
            for kind in malformedKinds {
                columns.append("count(*) FILTER (WHERE jsonb_typeof(reach_metrics -> '\(key)') \(kind.condition)) AS \(key)_\(kind.suffix)")
            }
        }
        let unusual = keys.map { key in
            "(\(value(key)) < 0 OR \(value(key)) <> trunc(\(value(key))))"
        }.joined(separator: " OR ")
        columns += [
            "count(*) FILTER (WHERE \(unusual)) AS unusual_numbers",
            "count(*) FILTER (WHERE user_email IS NULL) AS without_email",
            "count(*) FILTER (WHERE source_platform IS NULL) AS without_platform",
            "count(*) FILTER (WHERE action_type IS NULL) AS without_action",
            "count(*) FILTER (WHERE reach_metrics IS NULL) AS reach_null",
            "count(*) FILTER (WHERE jsonb_typeof(reach_metrics) <> 'object') AS reach_not_object",
        ]
        return columns.joined(separator: ",\n       ")
    }()

    /// Per `source_platform` × `action_type`: actions, distinct users and the three sums.
    /// Parameters: $1 start, $2 end.
    static let breakdown = """
        SELECT source_platform, action_type, count(*) AS actions, count(DISTINCT user_email) AS users,
               \(sums)
        FROM viral_metrics
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY source_platform, action_type
        ORDER BY source_platform NULLS LAST, action_type NULLS LAST
        """

    /// The whole period in one row: the same counts (users distinct over the period, for the
    /// total's K-factor) and the data-quality counts. A separate statement rather than
    /// grouping sets, which Citus cannot push down.
    /// Parameters: $1 start, $2 end.
    static let totals = """
        SELECT count(*) AS actions, count(DISTINCT user_email) AS users,
               \(sums),
               \(qualityCounts)
        FROM viral_metrics
        WHERE created_at >= $1 AND created_at < $2
        """

    /// Per week of the trend: each row's week is its bucket among the boundaries `$3` (nine
    /// instants, the trend's week starts and the last week's end, computed in Swift for the
    /// report's time zone), so weeks follow the zone's midnights exactly.
    /// Parameters: $1 first week's start, $2 last week's end, $3 boundaries.
    static let trend = """
        SELECT width_bucket(created_at, $3::text[]::timestamptz[]) AS week_index,
               count(*) AS actions, count(DISTINCT user_email) AS users,
               \(sums)
        FROM viral_metrics
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY 1
        ORDER BY 1
        """

    /// The users with the most actions in the period, for `--show-emails` only.
    /// Parameters: $1 start, $2 end, $3 limit.
    static let topUsers = """
        SELECT user_email, count(*) AS actions,
               coalesce(sum(\(value("conversions"))), 0) AS conversions
        FROM viral_metrics
        WHERE created_at >= $1 AND created_at < $2 AND user_email IS NOT NULL
        GROUP BY user_email
        ORDER BY actions DESC, conversions DESC, user_email
        LIMIT $3
        """
}
