import Foundation

/// A table `db partition` converts into monthly range partitions on its time column: the three
/// event tables that grow with traffic. Months are calendar months in UTC: the partition of
/// November 2026 holds `[2026-11-01 00:00 UTC, 2026-12-01 00:00 UTC)`.
public struct PartitionedTable: Sendable, Equatable, Hashable {
    /// The table's name in `public`.
    public var name: String
    /// The partition key: the time column every report filters on with a half-open range.
    public var timeColumn: String

    public static let viralMetrics = PartitionedTable(name: "viral_metrics", timeColumn: "created_at")
    public static let abTestAssignments = PartitionedTable(name: "ab_test_assignments", timeColumn: "created_at")
    public static let conversionEvents = PartitionedTable(name: "conversion_events", timeColumn: "occurred_at")

    /// The tables that may be partitioned, in the order `db partition` takes them.
    public static let all: [PartitionedTable] = [.viralMetrics, .abTestAssignments, .conversionEvents]

    public static func named(_ name: String) -> PartitionedTable? {
        all.first { $0.name == name }
    }

    /// The tables a command names, in `all`'s order; every one when it names none.
    public static func selected(_ names: [String]) -> [PartitionedTable] {
        names.isEmpty ? all : all.filter { names.contains($0.name) }
    }

    /// `viral_metrics_2026_11`.
    public func partitionName(_ month: Month) -> String {
        "\(name)_\(month.suffix)"
    }

    /// Rows outside every month's partition (far past, far future) land here.
    public var defaultPartitionName: String { "\(name)_default" }

    /// The tool's record of the tables it partitioned, and how many months ahead it keeps.
    public static let registryTable = "growth_report_partitioned_tables"

    static let registryDefinition = """
        CREATE TABLE IF NOT EXISTS \(registryTable) (
          table_name text PRIMARY KEY,
          partition_column text NOT NULL,
          months_ahead integer NOT NULL CHECK (months_ahead >= 0),
          partitioned_at timestamptz NOT NULL DEFAULT now()
        )
        """
}

/// Why `db partition` or `db archive` leaves a table as it is (exit 65): checked before anything changes.
public struct PartitioningRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) {
        self.message = message
    }
}

/// A table's rows as `db partition` and `db archive` compare them: how many, and the sum of a
/// 64-bit hash of every row's text (equal rows, in any order and any physical layout, give equal sums).
public struct RowFingerprint: Sendable, Equatable, CustomStringConvertible {
    public var rows: Int
    public var checksum: String

    public var description: String { "\(rows) rows, checksum \(checksum)" }
}

extension PostgresConnection {
    /// The fingerprint of `relation` (quoted code text, e.g. `public."viral_metrics"`).
    public func rowFingerprint(of relation: String, named name: String) throws -> RowFingerprint {
        let row = try query(
            Statement(
                name,
                "SELECT count(*)::bigint AS rows, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text AS checksum FROM \(raw: relation) t"
            ))[0]
        return RowFingerprint(rows: try row.int("rows"), checksum: try row.string("checksum"))
    }
}

/// A calendar month in UTC.
public struct Month: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1 to 12.
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The month holding `instant`, in UTC.
    public init(containing instant: Date) {
        let parts = Month.calendar.dateComponents([.year, .month], from: instant)
        self.init(year: parts.year!, month: parts.month!)
    }

    /// The first instant of the month (00:00 UTC on the 1st).
    public var start: Date {
        Month.calendar.date(from: DateComponents(year: year, month: month, day: 1))!
    }

    public var next: Month { adding(1) }

    public func adding(_ months: Int) -> Month {
        let index = year * 12 + (month - 1) + months
        return Month(year: index / 12, month: index % 12 + 1)
    }

    /// The months from `self` to `last`, both included; empty when `last` comes first.
    public func through(_ last: Month) -> [Month] {
        var months: [Month] = []
        var month = self
        while month <= last {
            months.append(month)
            month = month.next
        }
        return months
    }

    /// `2026_11`, the partition name's suffix.
    public var suffix: String { String(format: "%04d_%02d", year, month) }

    /// `2026-11`.
    public var description: String { String(format: "%04d-%02d", year, month) }

    /// A partition bound literal: `2026-11-01 00:00:00+00`.
    public var boundLiteral: String { String(format: "%04d-%02d-01 00:00:00+00", year, month) }

    /// `2026-11` as typed on the command line.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1...12).contains(month), year >= 1
        else { return nil }
        self.init(year: year, month: month)
    }

    public static func < (lhs: Month, rhs: Month) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
