/// `real_time_metrics`: the seed plan's three counters, with values that match the last
/// seeded day. Two were updated late on the day after it; `partner_conversions` two days
/// earlier, so a report run then shows it as stale (older than 24 h).
struct RealTimeMetricsGenerator: TableGenerator {
    struct Metric: Sendable {
        var name: String
        var value: Int
        var unit: String
        /// Day index and second of `last_updated`.
        var day: Int
        var second: Int
    }

    let table = "real_time_metrics"
    let columns = ["metric_name", "metric_value", "metric_metadata", "last_updated"]
    var rowCount: Int { metrics.count }
    let metrics: [Metric]
    private let calendar: SeedCalendar

    init(dailySignups: Int, linkedinShares: Int, partnerConversions: Int, calendar: SeedCalendar) {
        let lastDay = calendar.dayCount - 1
        metrics = [
            Metric(
                name: "daily_signups", value: dailySignups, unit: "signups",
                day: lastDay + 1, second: 23 * 3600 + 50 * 60),
            Metric(
                name: "linkedin_shares", value: linkedinShares, unit: "shares",
                day: lastDay + 1, second: 23 * 3600 + 55 * 60 + 12),
            Metric(
                name: "partner_conversions", value: partnerConversions, unit: "customers",
                day: lastDay - 1, second: 12 * 3600),
        ]
        self.calendar = calendar
    }

    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8]) {
        var writer = CopyTextWriter()
        for metric in metrics[range] {
            writer.escaped(Array(metric.name.utf8))
            writer.tab()
            writer.integer(metric.value)
            writer.tab()
            writer.escaped(Array("{\"source\": \"seed\", \"window\": \"24h\", \"unit\": \"\(metric.unit)\"}".utf8))
            writer.tab()
            calendar.writeTimestamp(day: metric.day, second: metric.second, to: &writer)
            writer.endRow(into: &buffer)
        }
        writer.flush(into: &buffer)
    }
}
