/// `partnership_analytics`: one row per active partner per day, by day then partner.
///
/// `created_at` is in the small hours after the day, when a nightly job would write it.
/// `conversion_rate` is a percentage (0.50–25.00), NULL or 0.00 on some rows.
struct PartnershipAnalyticsGenerator: TableGenerator {
    let table = "partnership_analytics"
    let columns = [
        "id", "partner_name", "partner_type", "referral_source", "customers_acquired",
        "revenue_generated", "conversion_rate", "analytics_period", "created_at",
    ]
    var rowCount: Int { cells.count }
    private let roster: PartnerRoster
    private let cells: [PartnerDay]
    private let calendar: SeedCalendar
    private let texts: PartnerTexts

    init(roster: PartnerRoster, calendar: SeedCalendar) {
        self.roster = roster
        cells = roster.activePartnerDays()
        self.calendar = calendar
        texts = PartnerTexts(roster: roster)
    }

    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8]) {
        var writer = CopyTextWriter()
        for row in range {
            let (day, partner) = (cells[row].day, cells[row].partner)
            let results = roster.day(day, partner: partner)
            writer.uuid(results.id.0, results.id.1)
            writer.tab()
            writer.raw(texts.names[partner])
            writer.tab()
            writer.raw(texts.kinds[partner])
            writer.tab()
            switch results.source {
            case 0: writer.raw(texts.primarySources[partner])
            case 1: writer.raw(texts.secondarySources[partner])
            default: writer.null()
            }
            writer.tab()
            writer.integer(results.customers)
            writer.tab()
            writer.hundredths(results.revenueCents)
            writer.tab()
            if let rate = results.rateHundredths {
                writer.hundredths(rate)
            } else {
                writer.null()
            }
            writer.tab()
            calendar.writeDate(day, to: &writer)
            writer.tab()
            calendar.writeTimestamp(day: day + 1, second: results.createdSecond, to: &writer)
            writer.endRow(into: &buffer)
        }
        writer.flush(into: &buffer)
    }
}

/// Partner texts escaped for COPY once, at plan time.
struct PartnerTexts: Sendable {
    let names: [[UInt8]]
    let kinds: [[UInt8]]
    let primarySources: [[UInt8]]
    let secondarySources: [[UInt8]]

    init(roster: PartnerRoster) {
        names = roster.partners.map { copyEscaped($0.name) }
        kinds = roster.partners.map { copyEscaped($0.kind.text) }
        primarySources = roster.partners.map { copyEscaped($0.sources.0) }
        secondarySources = roster.partners.map { copyEscaped($0.sources.1) }
    }
}

/// `text` escaped for COPY text format.
func copyEscaped(_ text: String) -> [UInt8] {
    var escaped: [UInt8] = []
    for byte in text.utf8 {
        switch byte {
        case 0x5C: escaped += [0x5C, 0x5C]
        case 0x09: escaped += [0x5C, 0x74]
        case 0x0A: escaped += [0x5C, 0x6E]
        case 0x0D: escaped += [0x5C, 0x72]
        default: escaped.append(byte)
        }
    }
    return escaped
}
