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

    /// A key's value as numeric when it is a JSON number, else NULL (summed as 0).
    static func value(_ key: String) -> String {
        "CASE WHEN jsonb_typeof(reach_metrics -> '\(key)') = 'number' THEN (reach_metrics ->> '\(key)')::numeric END"
    }

    /// The sums of the three keys, exact (numeric), 0 when no row has a number.
    static let sums = keys.map { "coalesce(sum(\(value($0))), 0) AS \($0)" }.joined(separator: ",\n       ")

    /// Rows whose value of some key is a number but negative or not whole (counted as given).
    static let unusualNumber = keys.map { key in
        "(\(value(key)) < 0 OR \(value(key)) <> trunc(\(value(key))))"
    }.joined(separator: " OR ")

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

    /// The whole period in one row: the same counts, users distinct over the period (for the
    /// total's K-factor). A statement of its own rather than grouping sets, which Citus cannot
    /// push down. Parameters: $1 start, $2 end.
    static let totals = """
        SELECT count(*) AS actions, count(DISTINCT user_email) AS users,
               \(sums)
        FROM viral_metrics
        WHERE created_at >= $1 AND created_at < $2
        """

    /// Rows per combination of JSON types (of `reach_metrics` and of each key's value), with
    /// the rows lacking an e-mail, platform or action and those with unusual numbers: a few
    /// rows that Swift adds up per key and kind. Grouping computes each `jsonb_typeof` once per
    /// row, where a FILTER per key and kind would compute it fifteen times.
    /// Parameters: $1 start, $2 end.
    static let quality = """
        SELECT jsonb_typeof(reach_metrics) AS reach_type,
               \(keys.map { "jsonb_typeof(reach_metrics -> '\($0)') AS \($0)_type" }.joined(separator: ",\n       ")),
               count(*) AS row_count,
               count(*) FILTER (WHERE \(unusualNumber)) AS unusual_numbers,
               count(*) FILTER (WHERE user_email IS NULL) AS without_email,
               count(*) FILTER (WHERE source_platform IS NULL) AS without_platform,
               count(*) FILTER (WHERE action_type IS NULL) AS without_action
        FROM viral_metrics
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        """

    /// Per week of the trend: each row's week is its bucket among the boundaries `$3` (nine
    /// instants, the trend's week starts and the last week's end, computed in Swift for the
    /// report's time zone), so weeks follow the zone's midnights exactly. The scalar subquery
    /// makes the text → timestamptz cast run once, not once per row.
    /// Parameters: $1 first week's start, $2 last week's end, $3 boundaries.
    static let trend = """
        SELECT width_bucket(created_at, (SELECT $3::text[]::timestamptz[])) AS week_index,
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
