import Foundation
import Rendering
import Statistics

/// Revenue per user and guardrails in the readout's document: their tables (SPEC §4.3.1
/// columns), charts and sentences.
enum ABTestRevenueDocument {
    /// One variant's revenue in one test.
    struct RevenueRow {
        var test: ABTestReadout.TestResult
        var revenue: ABTestRevenueResult
        var variant: ABTestRevenueResult.Variant
    }

    /// One guardrail of one variant in one test.
    struct GuardrailRow {
        var test: String
        var guardrail: ABTestGuardrailResult
    }

    static func revenueRows(_ readout: ABTestReadout) -> [RevenueRow] {
        readout.tests.flatMap { test in
            test.revenue.map { revenue in revenue.variants.map { RevenueRow(test: test, revenue: revenue, variant: $0) } } ?? []
        }
    }

    static func guardrailRows(_ readout: ABTestReadout) -> [GuardrailRow] {
        readout.tests.flatMap { test in test.guardrails.map { GuardrailRow(test: test.name, guardrail: $0) } }
    }

    static func revenueTable(_ readout: ABTestReadout, currency: Currency) -> ReportTable {
        let comparison = ColumnDisplay(emptyText: "—")
        func statistic(_ value: Double?, _ column: String, of variant: ABTestRevenueResult.Variant) -> ReportCell {
            .statistic(value, undefinedBecause: variant.undefinedReasons[column])
        }
        let perUser = CellFormat.decimal(places: 2)
        let comparisons: [TableColumn<RevenueRow>] = [
            TableColumn(
                "uplift_abs", "Difference per user", perUser,
                display: ColumnDisplay(
                    showsSign: true, intervalLowColumn: "uplift_abs_ci_low", intervalHighColumn: "uplift_abs_ci_high",
                    emphasis: .signWhen(column: "significant"), emptyText: "—")
            ) { statistic($0.variant.upliftAbsolute, "uplift_abs", of: $0.variant) },
            TableColumn("uplift_abs_ci_low", "Difference CI low", perUser, display: .hiddenInHTML) {
                .number($0.variant.upliftAbsoluteInterval?.lower)
            },
            TableColumn("uplift_abs_ci_high", "Difference CI high", perUser, display: .hiddenInHTML) {
                .number($0.variant.upliftAbsoluteInterval?.upper)
            },
            TableColumn(
                "uplift_rel", "Relative difference", .percent(places: 1),
                display: ColumnDisplay(
                    showsSign: true, intervalLowColumn: "uplift_rel_ci_low", intervalHighColumn: "uplift_rel_ci_high",
                    emphasis: .signWhen(column: "significant"), emptyText: "—")
            ) { statistic($0.variant.upliftRelative, "uplift_rel", of: $0.variant) },
            TableColumn("uplift_rel_ci_low", "Relative difference CI low", .percent(places: 1), display: .hiddenInHTML) {
                .number($0.variant.upliftRelativeInterval?.lower)
            },
            TableColumn("uplift_rel_ci_high", "Relative difference CI high", .percent(places: 1), display: .hiddenInHTML) {
                .number($0.variant.upliftRelativeInterval?.upper)
            },
            TableColumn("p_value", "p-value (Welch)", .pValue, display: comparison) { statistic($0.variant.pValue, "p_value", of: $0.variant) },
            TableColumn(
                "p_value_adjusted", "Adjusted p", .pValue,
                display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")
            ) { .number($0.variant.pValueAdjusted) },
            TableColumn(
                "significant", "Significant", .boolean,
                display: ColumnDisplay(emphasis: .highlightWhen(column: "significant"), emptyText: "—")
            ) { $0.variant.isSignificant.map(ReportCell.boolean) ?? .empty },
        ]
        var sequential: [TableColumn<RevenueRow>] = []
        if readout.settings.isSequential {
            sequential = [
                TableColumn("p_value_sequential", "Sequential p", .pValue, display: ColumnDisplay(emptyText: "—")) {
                    .number($0.variant.pValueSequential)
                },
                TableColumn("sequential_tau", "Sequential τ", .decimal(places: 4), display: .hiddenInHTML) {
                    .number($0.variant.sequentialTau)
                },
            ]
        }
        let columns: [TableColumn<RevenueRow>] =
            [
                TableColumn("test_name", "Test", .text) { .text($0.test.name) },
                TableColumn("variant", "Variant", .text) { .text($0.variant.name) },
                TableColumn("is_control", "Control", .boolean, display: .hiddenInHTML) { .boolean($0.variant.isControl) },
                TableColumn("users", "Users", .integer) { .integer($0.variant.users) },
                TableColumn("revenue", "Revenue", .money(currency: currency)) { .money($0.variant.revenue) },
                TableColumn(
                    "revenue_per_user", "Revenue per user", perUser,
                    display: ColumnDisplay(intervalLowColumn: "revenue_per_user_ci_low", intervalHighColumn: "revenue_per_user_ci_high")
                ) { .number($0.variant.mean) },
                TableColumn("revenue_per_user_ci_low", "Revenue per user CI low", perUser, display: .hiddenInHTML) {
                    .number($0.variant.meanInterval?.lower)
                },
                TableColumn("revenue_per_user_ci_high", "Revenue per user CI high", perUser, display: .hiddenInHTML) {
                    .number($0.variant.meanInterval?.upper)
                },
            ] + comparisons.map { $0.empty(where: \.variant.isControl) }
            + [
                TableColumn("cuped_theta", "CUPED θ", .decimal(places: 3), display: .hiddenInHTML) { row in
                    cupedCell(row.revenue, value: row.revenue.theta)
                },
                TableColumn("variance_reduction", "Variance reduction", .percent(places: 1), display: .hiddenInHTML) { row in
                    cupedCell(row.revenue, value: row.revenue.varianceReduction)
                },
            ] + sequential.map { $0.empty(where: \.variant.isControl) }
        return ReportTable(
            name: "ab-test-revenue", title: "Revenue per user", rows: revenueRows(readout), columns: columns, isShownInHTML: false,
            sheetTitle: "Revenue per user",
            emptyMessage: readout.revenueOmission.map { "Revenue per user is left out: \($0)." } ?? "No revenue rows.")
    }

    /// θ or the variance reduction, or why CUPED is off.
    private static func cupedCell(_ revenue: ABTestRevenueResult, value: Double?) -> ReportCell {
        switch revenue.adjustment {
        case .cuped: .number(value)
        case .off: .empty
        case .unavailable(let reason): .undefined("No CUPED adjustment, because \(reason.explanation).")
        }
    }

    /// The pre-period imbalance check: one row per variant of each CUPED-adjusted test.
    static func cupedTable(_ readout: ABTestReadout) -> ReportTable? {
        let rows = revenueRows(readout).filter { $0.revenue.theta != nil }
        guard !rows.isEmpty else { return nil }
        return ReportTable(
            name: "ab-test-cuped", title: "Pre-period balance (CUPED)", rows: rows,
            columns: [
                TableColumn("test_name", "Test", .text) { .text($0.test.name) },
                TableColumn("variant", "Variant", .text) { .text($0.variant.name) },
                TableColumn("users_with_pre_period_revenue", "Users with pre-period revenue", .integer) {
                    .integer($0.variant.usersWithPrePeriodRevenue)
                },
                TableColumn("pre_period_revenue_per_user", "Pre-period revenue per user", .decimal(places: 2)) {
                    .number($0.variant.prePeriodMean)
                },
                TableColumn("pre_period_p_value", "Pre-period p (Welch)", .pValue, display: ColumnDisplay(emptyText: "—")) {
                    $0.variant.isControl ? .empty : .number($0.variant.prePeriodPValue)
                },
                TableColumn(
                    "uplift_abs_unadjusted", "Unadjusted difference", .decimal(places: 2), display: ColumnDisplay(showsSign: true, emptyText: "—")
                ) { $0.variant.isControl ? .empty : .number($0.variant.unadjustedUpliftAbsolute) },
                TableColumn("p_value_unadjusted", "Unadjusted p (Welch)", .pValue, display: ColumnDisplay(emptyText: "—")) {
                    $0.variant.isControl ? .empty : .number($0.variant.unadjustedPValue)
                },
                TableColumn(
                    "uplift_abs_cuped", "CUPED difference", .decimal(places: 2), display: ColumnDisplay(showsSign: true, emptyText: "—")
                ) { $0.variant.isControl ? .empty : .number($0.variant.upliftAbsolute) },
                TableColumn("p_value_cuped", "CUPED p (Welch)", .pValue, display: ColumnDisplay(emptyText: "—")) {
                    $0.variant.isControl ? .empty : .number($0.variant.pValue)
                },
            ], isShownInHTML: false, sheetTitle: "CUPED balance")
    }

    static func guardrailTable(_ readout: ABTestReadout) -> ReportTable? {
        guard !readout.guardrailEvents.isEmpty else { return nil }
        let comparisons: [TableColumn<GuardrailRow>] = [
            TableColumn(
                "uplift_abs", "Change", .percent(places: 2),
                display: ColumnDisplay(showsSign: true, isPercentagePoints: true, emptyText: "—")
            ) { .number($0.guardrail.upliftAbsolute) },
            TableColumn(
                "p_value_harm", "p (harm)", .pValue, display: ColumnDisplay(emphasis: .highlightWhen(column: "harmful"), emptyText: "—")
            ) { .statistic($0.guardrail.pValueHarm, undefinedBecause: $0.guardrail.undefinedReason) },
            TableColumn(
                "harmful", "Harmful", .boolean, display: ColumnDisplay(emphasis: .highlightWhen(column: "harmful"), emptyText: "—")
            ) { $0.guardrail.isHarmful.map(ReportCell.boolean) ?? .empty },
        ]
        return ReportTable(
            name: "ab-test-guardrails", title: "Guardrails", rows: guardrailRows(readout),
            columns: [
                TableColumn("test_name", "Test", .text) { .text($0.test) },
                TableColumn("variant", "Variant", .text) { .text($0.guardrail.variant) },
                TableColumn("event", "Event", .text) { .text($0.guardrail.event) },
                TableColumn("users", "Users", .integer) { .integer($0.guardrail.users) },
                TableColumn("converted", "Had the event", .integer) { .integer($0.guardrail.converted) },
                TableColumn("rate", "Rate", .percent(places: 2)) { .number($0.guardrail.rate) },
            ] + comparisons.map { $0.empty(where: \.guardrail.isControl) }, isShownInHTML: false, sheetTitle: "Guardrails")
    }

    // MARK: - A test's section

    /// The revenue chart, excerpt and sentences of one test, given where its rows start.
    /// - Parameter cupedRows: its rows of `ab-test-cuped`, when CUPED applied.
    static func revenuePart(
        _ test: ABTestReadout.TestResult, rows: Range<Int>, cupedRows: Range<Int>?, settings: ABTestSettings, currency: Currency
    ) -> (charts: [ReportChart], excerpts: [ReportTableExcerpt], callouts: [Callout], paragraphs: [String]) {
        guard let revenue = test.revenue else { return ([], [], [], []) }
        let level = VerdictSentence.percent(1 - settings.alpha, places: 0)
        let chart = ReportChart(
            id: "revenue-\(rows.lowerBound)", title: "Revenue per user by variant", kind: .interval, table: "ab-test-revenue",
            rows: rows, categoryColumn: "variant", valueColumns: ["revenue_per_user"],
            lowColumn: "revenue_per_user_ci_low", highColumn: "revenue_per_user_ci_high", referenceValue: revenue.control.mean,
            valueAxisTitle: "Revenue per user, \(currency.code) (\(level) interval)",
            referenceLabel: "\(revenue.control.name) \(VerdictSentence.amount(revenue.control.mean))")
        let hidden = ["test_name"]
        var excerpts = [ReportTableExcerpt(table: "ab-test-revenue", rows: rows, title: "Revenue per user", hiddenColumns: hidden)]
        if let cupedRows {
            excerpts.append(
                ReportTableExcerpt(table: "ab-test-cuped", rows: cupedRows, title: "CUPED: before the test, and raw against adjusted", hiddenColumns: hidden))
        }
        let spread = revenue.variants.map { "\($0.name) \(VerdictSentence.amount($0.standardDeviation))" }.joined(separator: ", ")
        return (
            [chart], excerpts, revenueCallouts(revenue, settings: settings, currency: currency),
            ["Standard deviation of revenue per user: \(spread)."]
        )
    }

    /// What a reader must know to read the revenue numbers: the cap, CUPED, an imbalance.
    static func revenueCallouts(_ revenue: ABTestRevenueResult, settings: ABTestSettings, currency: Currency) -> [Callout] {
        var notes: [String] = []
        if let cap = revenue.cap, let level = revenue.capLevel {
            notes.append(
                "Each user's revenue is capped at \(currency.code) \(VerdictSentence.amount(cap.nearestDouble)), the \(percentile(level)) of the non-zero values."
            )
        }
        switch revenue.adjustment {
        case .cuped(let theta, let reduction):
            notes.append(
                "Differences and p-values are CUPED-adjusted with each user's revenue before the test (θ = \(String(format: "%.3f", theta))), which removes \(VerdictSentence.percent(reduction, places: 1)) of the variance; the relative difference divides by the control's unadjusted mean."
            )
        case .unavailable(let reason):
            notes.append("No CUPED adjustment, because \(reason.explanation).")
        case .off:
            break
        }
        var callouts: [Callout] = []
        if !notes.isEmpty { callouts.append(Callout(.neutral, title: "How revenue is measured", text: notes.joined(separator: " "))) }
        let imbalanced = revenue.treatments.filter { ($0.prePeriodPValue ?? 1) < 0.001 }
        if !imbalanced.isEmpty {
            callouts.append(
                Callout(
                    .warning, title: "Variants differed before the test",
                    text:
                        "Pre-period revenue per user of \(imbalanced.map(\.name).joined(separator: ", ")) differs from \(revenue.control.name)'s (p < 0.001). Randomisation may be broken; check the assignment before trusting the revenue result."
                ))
        }
        return callouts
    }

    /// The guardrail excerpt and, when a treatment harms one, the danger callout.
    static func guardrailPart(_ test: ABTestReadout.TestResult, rows: Range<Int>) -> (excerpts: [ReportTableExcerpt], callouts: [Callout]) {
        guard !test.guardrails.isEmpty else { return ([], []) }
        let excerpt = ReportTableExcerpt(table: "ab-test-guardrails", rows: rows, title: "Guardrails", hiddenColumns: ["test_name"])
        let harmful = test.guardrails.filter { $0.isHarmful == true }
        guard !harmful.isEmpty else { return ([excerpt], []) }
        let clauses = harmful.map { guardrail in
            let control = test.guardrails.first { $0.isControl && $0.event == guardrail.event }
            return
                "\(guardrail.variant) raises \(guardrail.event) to \(VerdictSentence.percent(guardrail.rate)) against \(VerdictSentence.percent(control?.rate)) for the control (p = \(VerdictSentence.pValue(guardrail.pValueHarm)))"
        }
        let events = Array(Set(harmful.map(\.event))).sorted()
        return (
            [excerpt],
            [
                Callout(
                    .danger, title: "Guardrail \(events.joined(separator: ", ")) \(events.count == 1 ? "is" : "are") worse",
                    text: "\(clauses.joined(separator: "; ")). Whatever the main metric says, do not ship a variant that breaks a guardrail."
                )
            ]
        )
    }

    private static func percentile(_ level: Double) -> String {
        let value = level * 100
        let text = value == value.rounded() ? String(Int(value)) : String(value)
        return "\(text)th percentile"
    }

}
