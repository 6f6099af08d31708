/// `partner_costs`: a partner's spend per day, for about 90 % of partner-days; a few
/// partners have no cost rows at all. At most one row per (partner_name, analytics_period).
struct PartnerCostsGenerator: TableGenerator {
    let table = "partner_costs"
    let columns = ["id", "partner_name", "analytics_period", "cost", "created_at"]
    var rowCount: Int { cells.count }
    private let roster: PartnerRoster
    private let cells: [PartnerDay]
    private let calendar: SeedCalendar
    private let texts: PartnerTexts

    init(roster: PartnerRoster, calendar: SeedCalendar) {
        self.roster = roster
        cells = roster.costedPartnerDays()
        self.calendar = calendar
        texts = PartnerTexts(roster: roster)
    }

    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8]) {
        var writer = CopyTextWriter()
        for row in range {
            let (day, partner) = (cells[row].day, cells[row].partner)
            let cost = roster.cost(day, partner: partner)
            writer.uuid(cost.id.0, cost.id.1)
            writer.tab()
            writer.raw(texts.names[partner])
            writer.tab()
            calendar.writeDate(day, to: &writer)
            writer.tab()
            writer.hundredths(cost.cents)
            writer.tab()
            calendar.writeTimestamp(day: day + 1, second: cost.createdSecond, to: &writer)
            writer.endRow(into: &buffer)
        }
        writer.flush(into: &buffer)
    }
}
