/// `viral_metrics`: one growth action by a user on a platform, with its reach as JSON.
///
/// Rows are in day order (daily traffic weights), with a diurnal time of day. About 0.5 %
/// have no e-mail, about 1.5 % no platform, about 0.05 % a malformed `reach_metrics`
/// (see `MalformedReach`) and about 0.02 % an extra `note` key whose text needs COPY escapes.
struct ViralMetricsGenerator: TableGenerator {
    static let nullEmailPerMillion = 5_000
    static let malformedPerMillion = 500
    static let annotatedPerMillion = 200

    let table = "viral_metrics"
    let columns = ["id", "user_email", "action_type", "source_platform", "reach_metrics", "created_at"]
    let rowCount: Int
    let schedule: DaySchedule
    private let key: UInt64
    private let calendar: SeedCalendar
    private let clock: DiurnalClock
    private let users: UserPool
    private let channels: ViralChannelTable

    init(rowCount: Int, seed: UInt64, calendar: SeedCalendar, dailyWeights: [Int], users: UserPool) {
        self.rowCount = rowCount
        schedule = DaySchedule(total: rowCount, weights: dailyWeights)
        key = seedKey(seed, salt: "viral_metrics")
        self.calendar = calendar
        clock = DiurnalClock()
        self.users = users
        channels = ViralChannelTable()
    }

    /// The user (nil when the row has no e-mail) and second of the day of row `row` on `day`;
    /// conversion_events uses it to place conversions after a user's actions.
    @inline(__always)
    func action(row: Int) -> (user: Int?, day: Int, second: Int) {
        action(row: row, day: schedule.day(ofRow: row))
    }

    @inline(__always)
    private func action(row: Int, day: Int) -> (user: Int?, day: Int, second: Int) {
        var random = RowRandom(key: key, index: row)
        return action(random: &random, day: day)
    }

    // The first draws of every row; `appendRows` continues the same stream.
    @inline(__always)
    private func action(random: inout RowRandom, day: Int) -> (user: Int?, day: Int, second: Int) {
        let hasEmail = !random.chance(perMillion: Self.nullEmailPerMillion)
        let user = users.viralUser(&random)
        let second = clock.second(&random)
        return (hasEmail ? user : nil, day, second)
    }

    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8]) {
        guard !range.isEmpty else { return }
        var writer = CopyTextWriter()
        var day = schedule.day(ofRow: range.lowerBound)
        var nextDayStart = schedule.cumulative[day + 1]
        channels.fields.withUnsafeBufferPointer { fields in
            for row in range {
                while row >= nextDayStart {
                    day += 1
                    nextDayStart = schedule.cumulative[day + 1]
                }
                var random = RowRandom(key: key, index: row)
                let action = action(random: &random, day: day)
                writer.uuid(random.next(), random.next())
                writer.tab()
                if let user = action.user {
                    users.writeEmail(ofUser: user, to: &writer)
                } else {
                    writer.null()
                }
                writer.tab()
                let channel = channels.pick(random.next())
                let field = channels.fieldRanges[channel]
                writer.raw(fields, from: field.lowerBound, count: field.count)
                writer.tab()
                writeReach(channel: channel, random: &random, to: &writer)
                writer.tab()
                calendar.writeTimestamp(day: day, second: action.second, to: &writer)
                writer.endRow(into: &buffer)
            }
        }
        writer.flush(into: &buffer)
    }

    @inline(__always)
    private func writeReach(channel: Int, random: inout RowRandom, to writer: inout CopyTextWriter) {
        let reach = channels.reach[channel]
        let spread = random.unit()
        let impressions = Int(reach.impressions * (0.15 + 2.55 * spread * spread))
        let clicks = min(impressions, Int(Double(impressions) * reach.clickRate * (0.4 + 1.2 * random.unit()) + random.unit()))
        let conversions = min(clicks, Int(Double(clicks) * reach.conversionRate * (0.3 + 1.4 * random.unit()) + random.unit()))
        let quality = random.below(1_000_000)
        if quality < Self.malformedPerMillion {
            let kind = MalformedReach.allCases[quality % MalformedReach.allCases.count]
            kind.write(impressions: impressions, clicks: clicks, conversions: conversions, to: &writer)
            return
        }
        writer.raw("{\"impressions\": ")
        writer.integer(impressions)
        writer.raw(", \"clicks\": ")
        writer.integer(clicks)
        writer.raw(", \"conversions\": ")
        writer.integer(conversions)
        if quality < Self.malformedPerMillion + Self.annotatedPerMillion {
            // Valid, with text that needs JSON and COPY escapes.
            writer.escaped(Array(#", "note": "imported from sheet\tv2 \\ Café""#.utf8))
        }
        writer.byte(0x7D)
    }
}

/// The ways a `reach_metrics` value departs from `{"impressions": N, "clicks": N, "conversions": N}`;
/// each is valid JSON (or SQL NULL), as a JSONB column requires.
enum MalformedReach: CaseIterable {
    case missingKey, missingClicks, nullValue, numericString, boolean, nestedObject
    case emptyObject, emptyArray, string, sqlNull, numberArray

    func write(impressions: Int, clicks: Int, conversions: Int, to writer: inout CopyTextWriter) {
        switch self {
        case .missingKey:
            writer.raw("{\"impressions\": ")
            writer.integer(impressions)
            writer.raw(", \"clicks\": ")
            writer.integer(clicks)
            writer.raw("}")
        case .missingClicks:
            writer.raw("{\"impressions\": ")
            writer.integer(impressions)
            writer.raw(", \"conversions\": ")
            writer.integer(conversions)
            writer.raw("}")
        case .nullValue:
            writer.raw("{\"impressions\": ")
            writer.integer(impressions)
            writer.raw(", \"clicks\": null, \"conversions\": ")
            writer.integer(conversions)
            writer.raw("}")
        case .numericString:
            writer.raw("{\"impressions\": \"")
            writer.integer(impressions)
            writer.raw("\", \"clicks\": ")
            writer.integer(clicks)
            writer.raw(", \"conversions\": ")
            writer.integer(conversions)
            writer.raw("}")
        case .boolean:
            writer.raw("{\"impressions\": ")
            writer.integer(impressions)
            writer.raw(", \"clicks\": ")
            writer.integer(clicks)
            writer.raw(", \"conversions\": true}")
        case .nestedObject:
            writer.raw("{\"impressions\": {\"organic\": ")
            writer.integer(impressions / 2)
            writer.raw(", \"paid\": ")
            writer.integer(impressions - impressions / 2)
            writer.raw("}, \"clicks\": ")
            writer.integer(clicks)
            writer.raw(", \"conversions\": ")
            writer.integer(conversions)
            writer.raw("}")
        case .emptyObject:
            writer.raw("{}")
        case .emptyArray:
            writer.raw("[]")
        case .string:
            writer.raw("\"n/a\"")
        case .sqlNull:
            writer.null()
        case .numberArray:
            writer.raw("[")
            writer.integer(impressions)
            writer.raw(", ")
            writer.integer(clicks)
            writer.raw(", ")
            writer.integer(conversions)
            writer.raw("]")
        }
    }
}
