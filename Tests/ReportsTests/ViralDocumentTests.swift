import Foundation
import Rendering
import Reports
import Testing

/// The viral document from a hand-built readout: SPEC §4.2 columns, totals, empty ratios, e-mails.
@Suite struct ViralDocumentTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!

    static func context(_ period: ReportPeriod = period) -> ReportContext {
        ReportContext(
            period: period, asOf: period.end, readoutEnd: period.end,
            reproducibility: ReportContext.reproducibility(
                period: period, asOf: period.end, generatedAt: period.end, toolVersion: "test", options: [],
                statements: []))
    }

    static func readout(topUsers: [ViralTopUser]? = nil, currentGroups: [ViralGroup]? = nil) -> ViralReadout {
        let groups =
            currentGroups ?? [
                ViralGroup(
                    platform: "=cmd|' /C calc'!A0", actionType: "referral",
                    tally: ViralTally(actions: 4, users: 2, impressions: 500, clicks: 50, conversions: 6)),
                ViralGroup(platform: nil, actionType: "review", tally: ViralTally(actions: 1, users: 1)),
            ]
        let current = ViralPeriodCounts(
            groups: groups, total: ViralTally(actions: 5, users: 2, impressions: 500, clicks: 50, conversions: 6),
            quality: {
                var quality = ViralDataQuality()
                quality.rowsRead = 5
                return quality
            }())
        let previous = ViralPeriodCounts(
            groups: [ViralGroup(platform: "twitter", actionType: "share", tally: ViralTally(actions: 2, users: 2, impressions: 10, clicks: 1, conversions: 1))],
            total: ViralTally(actions: 2, users: 2, impressions: 10, clicks: 1, conversions: 1), quality: ViralDataQuality())
        let weeks = ViralReport(period: period).trendWeeks.enumerated().map { index, week in
            ViralTrendWeek(
                label: week.label, start: week.start, end: week.end,
                tally: index == 7 ? current.total : ViralTally())
        }
        return ViralReadout(
            period: period, previousPeriod: period.previous, current: current, previous: previous,
            trend: weeks, topUsers: topUsers)
    }

    @Test func csvTablesHaveExactlyTheColumnsOfTheSpec() throws {
        let document = ViralDocument.make(Self.readout(), context: Self.context())
        let viral = try #require(document.table(named: "viral"))
        #expect(
            viral.columns.map(\.key) == [
                "source_platform", "action_type", "actions", "users", "impressions", "clicks",
                "conversions", "ctr", "click_conversion_rate", "k_factor",
            ])
        let trend = try #require(document.table(named: "viral-trend"))
        #expect(trend.columns.map(\.key) == ["week", "actions", "users", "impressions", "clicks", "conversions", "k_factor"])
        #expect(document.dataQuality.name == "viral-data-quality")
        #expect(document.dataQuality.columns.map(\.key) == ["check", "rows"])
        // The previous period is beside the current one in HTML and XLSX, never in a CSV file.
        let comparison = try #require(document.table(named: "viral-vs-previous"))
        #expect(!comparison.isWrittenAsCSV)
        #expect(document.tables.filter(\.isWrittenAsCSV).map(\.name) == ["viral", "viral-trend", "viral-data-quality"])
    }

    @Test func rowsRatiosAndTheTotalAreWorkedOut() throws {
        let viral = try #require(ViralDocument.make(Self.readout(), context: Self.context()).table(named: "viral"))
        // Names stay data: the formula-like platform is text, exactly as stored.
        let referral: [ReportCell] = [
            .text("=cmd|' /C calc'!A0"), .text("referral"), .integer(4), .integer(2), .integer(500),
            .integer(50), .integer(6), .number(0.1), .number(0.12), .number(3),
        ]
        #expect(viral.rows[0] == referral)
        // No platform: an empty key, and ratios over zero are empty, never NaN.
        let review: [ReportCell] = [
            .empty, .text("review"), .integer(1), .integer(1), .integer(0), .integer(0), .integer(0),
            .empty, .empty, .number(0),
        ]
        #expect(viral.rows[1] == review)
        // The total: both keys (all), K-factor over the period's distinct users.
        let total: [ReportCell] = [
            .text("(all)"), .text("(all)"), .integer(5), .integer(2), .integer(500), .integer(50),
            .integer(6), .number(0.1), .number(0.12), .number(3),
        ]
        #expect(viral.rows[2] == total)
    }

    @Test func trendHasEightWeeksAndEmptyWeeksHaveNoKFactor() throws {
        let trend = try #require(ViralDocument.make(Self.readout(), context: Self.context()).table(named: "viral-trend"))
        let labels: [ReportCell] = (40...47).map { .text("2026-W\($0)") }
        #expect(trend.rows.map { $0[0] } == labels)
        let empty: [ReportCell] = [.text("2026-W40"), .integer(0), .integer(0), .integer(0), .integer(0), .integer(0), .empty]
        #expect(trend.rows[0] == empty)
        #expect(trend.rows[7].last == .number(3))
    }

    @Test func comparisonKeepsGroupsSeenOnlyInThePreviousPeriod() throws {
        let table = try #require(ViralDocument.make(Self.readout(), context: Self.context()).table(named: "viral-vs-previous"))
        let platforms: [ReportCell] = [.text("=cmd|' /C calc'!A0"), .empty, .text("twitter"), .text("(all)")]
        #expect(table.rows.map { $0[0] } == platforms)
        let twitter = table.rows[2]
        // actions 0 vs 2: −100 %; users 0; K-factor now undefined, so no difference.
        #expect(twitter[2] == .integer(0) && twitter[3] == .integer(2) && twitter[4] == .number(-1))
        #expect(twitter[10] == .empty && twitter[11] == .number(0.5) && twitter[12] == .empty)
        let total = table.rows[3]
        #expect(total[4] == .number((5.0 - 2) / 2))
        #expect(total[12] == .number(3 - 0.5))
        // A group new this period has no relative change (nothing to divide by).
        #expect(table.rows[0][4] == .empty)
    }

    @Test func fractionalReachSumsKeepTheirDecimals() throws {
        let groups = [ViralGroup(platform: "x", actionType: "y", tally: ViralTally(actions: 1, users: 1, impressions: 50.5, clicks: 2, conversions: 1))]
        let viral = try #require(ViralDocument.make(Self.readout(currentGroups: groups), context: Self.context()).table(named: "viral"))
        #expect(viral.rows[0][4] == .number(50.5))
        #expect(viral.columns[4].format == .decimal(places: 2))
        #expect(viral.columns[5].format == .integer)
    }

    @Test func emailsAppearOnlyWhenShown() throws {
        func texts(_ document: ReportDocument) -> String {
            var parts = document.tables.flatMap { $0.rows.flatMap { $0 } }.compactMap { cell -> String? in
                if case .text(let text) = cell { return text }
                return nil
            }
            parts += document.callouts.map { $0.title + " " + $0.text }
            parts += document.sections.flatMap { $0.paragraphs + $0.callouts.map(\.text) + $0.facts.compactMap(\.note) }
            return parts.joined(separator: "\n")
        }
        let hidden = ViralDocument.make(Self.readout(), context: Self.context())
        #expect(!texts(hidden).contains("@"))
        #expect(hidden.table(named: "viral-top-users") == nil)
        let users = [ViralTopUser(email: "busy@example.com", actions: 3, conversions: 2)]
        let shown = ViralDocument.make(Self.readout(topUsers: users), context: Self.context())
        let table = try #require(shown.table(named: "viral-top-users"))
        #expect(table.columns.map(\.key) == ["user_email", "actions", "conversions"])
        let row: [ReportCell] = [.text("busy@example.com"), .integer(3), .integer(2)]
        #expect(table.rows == [row])
    }

    @Test func anEmptyPeriodStillHasItsReportAndSaysSo() throws {
        let empty = ViralPeriodCounts(groups: [], total: ViralTally(), quality: ViralDataQuality())
        var readout = Self.readout()
        readout.current = empty
        let document = ViralDocument.make(readout, context: Self.context())
        #expect(document.callouts.first?.title == "No viral actions in this period")
        let viral = try #require(document.table(named: "viral"))
        let total: [ReportCell] = [
            .text("(all)"), .text("(all)"), .integer(0), .integer(0), .integer(0), .integer(0), .integer(0),
            .empty, .empty, .empty,
        ]
        #expect(viral.rows == [total])
    }
}
