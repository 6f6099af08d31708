import Database
import Foundation

/// The viral statements (SPEC §4.2). Every branch filters `created_at >= $a AND created_at < $b`,
/// so `viral_metrics_created_at_idx` serves it and a report reads its own weeks only, however
/// long the history.
///
/// Each statement is a `UNION ALL` of one aggregate per time range (a trend week, the period,
/// the previous period). PostgreSQL runs the branches side by side (Parallel Append: each
/// worker takes whole branches), and a branch is a plain aggregate over its own index range, so
/// no row is sorted by its week first. Statements of their own per range would run one after
/// the other on one core; one `GROUP BY` over all the weeks sorts every row by its week and
/// leaves the JSON and the distinct users to one process. Grouping sets would do the period's
/// groups and total in one pass, but Citus cannot run them (SPEC §8); `UNION ALL` of
/// aggregates it can.
///
/// A `reach_metrics` key counts only when `jsonb_typeof` says `number`; anything else counts
/// as 0 and is counted per key by what it was. `jsonb_typeof(reach_metrics -> key)` is SQL NULL
/// for a missing key, and also when `reach_metrics` is NULL or not an object (`->` on an
/// array or a scalar yields NULL), so "missing" covers those rows too.
enum ViralSQL {
    /// The keys read from `reach_metrics`, in the order the report shows them.
    static let keys = ["impressions", "clicks", "conversions"]

    /// A key's value as numeric when it is a JSON number below `limit` in magnitude, else NULL
    /// (summed as 0). The jsonb number casts to the same numeric that its text would, without
    /// printing and parsing it.
    static func value(_ key: String) -> String {
        "CASE WHEN jsonb_typeof(reach_metrics -> '\(key)') = 'number' AND abs((reach_metrics -> '\(key)')::numeric) < \(limit) THEN (reach_metrics -> '\(key)')::numeric END"
    }

    /// Numbers at or above this magnitude are not counts (1e308, 1e1000): they count as 0 and
    /// are counted in the data-quality section, so every sum stays exact and fits the report's
    /// decimals (38 digits) for any number of rows.
    static let limit = "1e15"

    /// `jsonb_typeof` of a key, with numbers beyond `limit` as `out of range`.
    static func type(_ key: String) -> String {
        "CASE WHEN jsonb_typeof(reach_metrics -> '\(key)') = 'number' AND abs((reach_metrics -> '\(key)')::numeric) >= \(limit) THEN 'out of range' ELSE jsonb_typeof(reach_metrics -> '\(key)') END"
    }

    /// The sums of the three keys, exact (numeric), 0 when no row has a number.
    static let sums = keys.map { "coalesce(sum(\(value($0))), 0) AS \($0)" }.joined(separator: ",\n       ")

    /// Distinct non-null e-mails. Compared byte by byte (`"C"`): the same users as under the
    /// database's deterministic collation, sorted without the locale's rules.
    static let users = #"count(DISTINCT user_email COLLATE "C") AS users"#

    /// Rows whose value of some key is a number but negative or not whole (counted as given):
    /// `v <> abs(trunc(v))` says "v < 0 or v not whole" with the key looked up three times, not six.
    static let unusualNumber = keys.map { key in
        "CASE WHEN jsonb_typeof(reach_metrics -> '\(key)') = 'number' AND abs((reach_metrics -> '\(key)')::numeric) < \(limit) THEN (reach_metrics -> '\(key)')::numeric <> abs(trunc((reach_metrics -> '\(key)')::numeric)) END"
    }.joined(separator: " OR ")

    /// One `SELECT` per range, numbered from 1 in `range_index`, joined by `UNION ALL`, each
    /// with its range's bounds bound.
    static func perRange(_ ranges: [ViralRange], orderBy: String, _ branch: (_ index: Int, _ range: SQL) -> SQL) -> SQL {
        let branches = ranges.enumerated().map { index, range in
            branch(index + 1, "created_at >= \(range.start) AND created_at < \(range.end)")
        }
        return "\(SQL(joining: branches, separator: "\nUNION ALL\n"))\nORDER BY \(raw: orderBy)"
    }

    /// Per range: actions, distinct users and the three sums, one row each even when empty.
    /// Parameters: start and end of each of the `count` ranges.
    static func tallies(_ ranges: [ViralRange]) -> Statement {
        Statement(
            "viral_trend",
            perRange(ranges, orderBy: "range_index") { index, range in
                """
                SELECT \(raw: String(index)) AS range_index, count(*) AS actions, \(raw: users),
                       \(raw: sums)
                FROM viral_metrics
                WHERE \(range)
                """
            })
    }

    /// Per range and `source_platform` × `action_type`: actions, distinct users and the three
    /// sums. Parameters: start and end of each of the `count` ranges.
    static func breakdown(_ ranges: [ViralRange]) -> Statement {
        Statement(
            "viral_breakdown",
            perRange(ranges, orderBy: "range_index, source_platform NULLS LAST, action_type NULLS LAST") { index, range in
                """
                SELECT \(raw: String(index)) AS range_index, source_platform, action_type, count(*) AS actions, \(raw: users),
                       \(raw: sums)
                FROM viral_metrics
                WHERE \(range)
                GROUP BY source_platform, action_type
                """
            })
    }

    /// Per range, rows per combination of JSON types (of `reach_metrics` and of each key's
    /// value), with the rows lacking an e-mail, platform or action and those with unusual
    /// numbers: a few rows that Swift adds up per key and kind. Grouping computes each
    /// `jsonb_typeof` once per row, where a FILTER per key and kind would compute it fifteen
    /// times. Parameters: start and end of each of the `count` ranges.
    static func quality(_ ranges: [ViralRange]) -> Statement {
        Statement(
            "viral_quality",
            perRange(ranges, orderBy: "1, 2, 3, 4, 5") { index, range in
                """
                SELECT \(raw: String(index)) AS range_index, jsonb_typeof(reach_metrics) AS reach_type,
                       \(raw: keys.map { "\(type($0)) AS \($0)_type" }.joined(separator: ",\n       ")),
                       count(*) AS row_count,
                       count(*) FILTER (WHERE \(raw: unusualNumber)) AS unusual_numbers,
                       count(*) FILTER (WHERE user_email IS NULL) AS without_email,
                       count(*) FILTER (WHERE source_platform IS NULL) AS without_platform,
                       count(*) FILTER (WHERE action_type IS NULL) AS without_action
                FROM viral_metrics
                WHERE \(range)
                GROUP BY 2, 3, 4, 5
                """
            })
    }

    /// The `limit` users with the most actions in `[start, end)`, for `--show-emails` only.
    static func topUsers(start: Date, end: Date, limit: Int) -> Statement {
        Statement(
            "viral_top_users",
            """
            SELECT user_email, count(*) AS actions,
                   coalesce(sum(\(raw: value("conversions"))), 0) AS conversions
            FROM viral_metrics
            WHERE created_at >= \(start) AND created_at < \(end) AND user_email IS NOT NULL
            GROUP BY user_email
            ORDER BY actions DESC, conversions DESC, user_email
            LIMIT \(limit)
            """)
    }
}
