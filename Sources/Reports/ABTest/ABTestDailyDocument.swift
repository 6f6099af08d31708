import Database
import Foundation
import Rendering
import Statistics

/// The effect over time in the readout's document: `ab-test-daily` (SPEC §4.3.1 columns), a
/// line with its interval band per treatment, and the novelty check.
enum ABTestDailyDocument {
    struct DailyRow {
        var test: String
        var point: ABTestDailyResult.Point
    }

    struct NoveltyRow {
        var test: String
        var novelty: ABTestDailyResult.Novelty
    }

    static func dailyRows(_ readout: ABTestReadout) -> [DailyRow] {
        readout.tests.flatMap { test in (test.daily?.points ?? []).map { DailyRow(test: test.name, point: $0) } }
    }

    static func dailyTable(_ readout: ABTestReadout) -> ReportTable {
        let comparisons: [TableColumn<DailyRow>] = [
            TableColumn(
                "uplift_abs", "Uplift", .percent(places: 2),
                display: ColumnDisplay(
                    showsSign: true, isPercentagePoints: true, intervalLowColumn: "uplift_abs_ci_low", intervalHighColumn: "uplift_abs_ci_high",
                    emptyText: "—")
            ) { .number($0.point.upliftAbsolute) },
            TableColumn("uplift_abs_ci_low", "Uplift CI low", .percent(places: 2), display: .hiddenInHTML) {
                .number($0.point.upliftAbsoluteInterval?.lower)
            },
            TableColumn("uplift_abs_ci_high", "Uplift CI high", .percent(places: 2), display: .hiddenInHTML) {
                .number($0.point.upliftAbsoluteInterval?.upper)
            },
        ]
        return ReportTable(
            name: "ab-test-daily", title: "Cumulative results by day", rows: dailyRows(readout),
            columns: [
                TableColumn("test_name", "Test", .text) { .text($0.test) },
                TableColumn("day", "Day", .date) { .date(ReportDate($0.point.day)) },
                TableColumn("variant", "Variant", .text) { .text($0.point.variant) },
                TableColumn("users", "Users", .integer) { .integer($0.point.users) },
                TableColumn("conversions", "Conversions", .integer) { .integer($0.point.conversions) },
                TableColumn("conversion_rate", "Conversion rate", .percent(places: 2)) { .number($0.point.rate) },
            ] + comparisons.map { $0.empty(where: \.point.isControl) }, isShownInHTML: false, sheetTitle: "By day")
    }

    static func noveltyTable(_ readout: ABTestReadout) -> ReportTable? {
        let rows = readout.tests.flatMap { test in (test.daily?.novelty ?? []).map { NoveltyRow(test: test.name, novelty: $0) } }
        guard !rows.isEmpty else { return nil }
        return ReportTable(
            name: "ab-test-novelty", title: "First week against later users", rows: rows,
            columns: [
                TableColumn("test_name", "Test", .text) { .text($0.test) },
                TableColumn("variant", "Variant", .text) { .text($0.novelty.variant) },
                TableColumn("first_week_users", "First-week users", .integer) { .integer($0.novelty.firstWeekUsers) },
                TableColumn(
                    "first_week_uplift_abs", "First-week uplift", .percent(places: 2),
                    display: ColumnDisplay(
                        showsSign: true, isPercentagePoints: true, intervalLowColumn: "first_week_uplift_abs_ci_low",
                        intervalHighColumn: "first_week_uplift_abs_ci_high", emptyText: "—")
                ) { .number($0.novelty.firstWeekUplift) },
                TableColumn("first_week_uplift_abs_ci_low", "First-week uplift CI low", .percent(places: 2), display: .hiddenInHTML) {
                    .number($0.novelty.firstWeekInterval?.lower)
                },
                TableColumn("first_week_uplift_abs_ci_high", "First-week uplift CI high", .percent(places: 2), display: .hiddenInHTML) {
                    .number($0.novelty.firstWeekInterval?.upper)
                },
                TableColumn("later_users", "Later users", .integer) { .integer($0.novelty.laterUsers) },
                TableColumn(
                    "later_uplift_abs", "Later uplift", .percent(places: 2),
                    display: ColumnDisplay(
                        showsSign: true, isPercentagePoints: true, intervalLowColumn: "later_uplift_abs_ci_low",
                        intervalHighColumn: "later_uplift_abs_ci_high", emptyText: "—")
                ) { .number($0.novelty.laterUplift) },
                TableColumn("later_uplift_abs_ci_low", "Later uplift CI low", .percent(places: 2), display: .hiddenInHTML) {
                    .number($0.novelty.laterInterval?.lower)
                },
                TableColumn("later_uplift_abs_ci_high", "Later uplift CI high", .percent(places: 2), display: .hiddenInHTML) {
                    .number($0.novelty.laterInterval?.upper)
                },
                TableColumn("novelty", "Novelty", .boolean, display: ColumnDisplay(emphasis: .highlightWhen(column: "novelty"))) {
                    .boolean($0.novelty.isFlagged)
                },
            ], isShownInHTML: false, sheetTitle: "Novelty")
    }

    /// The charts and the novelty callout of one test, its daily rows starting at `offset`.
    static func part(_ test: ABTestReadout.TestResult, offset: Int, settings: ABTestSettings) -> (charts: [ReportChart], callouts: [Callout]) {
        guard let daily = test.daily, !daily.days.isEmpty else { return ([], []) }
        let level = VerdictSentence.percent(1 - settings.alpha, places: 0)
        var charts: [ReportChart] = []
        var start = offset + daily.points(of: test.control.name).count
        for treatment in test.treatments {
            let count = daily.points(of: treatment.name).count
            charts.append(
                ReportChart(
                    id: "daily-\(start)", title: "Cumulative uplift of \(treatment.name) by day", kind: .line, table: "ab-test-daily",
                    rows: start..<(start + count), categoryColumn: "day", valueColumns: ["uplift_abs"], lowColumn: "uplift_abs_ci_low",
                    highColumn: "uplift_abs_ci_high", referenceValue: 0,
                    valueAxisTitle: "Uplift vs \(test.control.name), pp (\(level) interval)", referenceLabel: "no change"))
            start += count
        }
        let flagged = daily.novelty.filter(\.isFlagged)
        guard !flagged.isEmpty else { return (charts, []) }
        let points = VerdictSentence.percentagePoints
        let clauses = flagged.map { novelty in
            "\(novelty.variant): \(points(novelty.firstWeekUplift)) (\(points(novelty.firstWeekInterval?.lower)) to \(points(novelty.firstWeekInterval?.upper))) among users of the first week, against \(points(novelty.laterUplift)) (\(points(novelty.laterInterval?.lower)) to \(points(novelty.laterInterval?.upper))) among later users"
        }
        return (
            charts,
            [
                Callout(
                    .warning, title: "The effect changes over time",
                    text:
                        "\(clauses.joined(separator: "; ")). The first week's uplift lies outside the later users' interval: they may have reacted differently (a novelty or learning effect), so the cumulative result may not last. Judge by the later users, and by how wide the first week's own interval is."
                )
            ]
        )
    }

}
