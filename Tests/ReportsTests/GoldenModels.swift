import Database
import Foundation
import Rendering

@testable import Reports

/// Fixed models of every report for 2026-W47 (UTC), built in memory: what the golden files are
/// rendered from. Each holds the cases a document builder must get right — an undefined ratio
/// with its reason, a name that looks like a formula, a missing value, a stale metric.
enum GoldenModels {
    static let utc = TimeZone(identifier: "UTC")!
    static let period = ReportPeriod.week(year: 2026, week: 47, timeZone: utc)!
    /// Wednesday after the week, 06:00 UTC: the run's clock and when its files were made.
    static let asOf = period.end.addingTimeInterval(2 * 86_400 + 6 * 3600)
    static let nastyName = "=HYPERLINK(\"http://evil.example\",\"Ünïcødé & <Co>\")"

    static func day(_ offset: Double, hours: Double = 0) -> Date {
        period.start.addingTimeInterval(offset * 86_400 + hours * 3600)
    }

    // MARK: partner-roi

    static var partnerROIReport: PartnerROIReport { PartnerROIReport(period: period) }

    static var partnerROI: PartnerROIResults {
        func quality(rows: Int, costRows: Int, unrated: Int = 0, daysWithoutCost: Int = 0) -> PartnerROIQuality {
            var quality = PartnerROIQuality()
            quality.rowsRead = rows
            quality.costRows = costRows
            quality.unratedRows = unrated
            quality.daysWithoutCost = daysWithoutCost
            return quality
        }
        let acme = PartnerROILine(
            kind: .partner, rank: 1, partnerName: "Acme Reviews", partnerType: "tech",
            current: PartnerROIFigures(
                customers: 120, revenue: Decimal(string: "18450.75")!, cost: Decimal(string: "4200.00")!,
                costedRevenue: Decimal(string: "18450.75")!, costedCustomers: 120, ratedCustomers: 120,
                visitors: Decimal(4000)),
            previous: PartnerROIFigures(
                customers: 100, revenue: Decimal(string: "15000.00")!, cost: Decimal(string: "4000.00")!,
                costedRevenue: Decimal(string: "15000.00")!, costedCustomers: 100, ratedCustomers: 100,
                visitors: Decimal(3500)),
            quality: quality(rows: 7, costRows: 7), previousQuality: quality(rows: 7, costRows: 7))
        let nasty = PartnerROILine(
            kind: .partner, rank: 2, partnerName: nastyName, partnerType: "youtube",
            current: PartnerROIFigures(
                customers: 40, revenue: Decimal(string: "5200.10")!, cost: nil, costedRevenue: 0,
                costedCustomers: 0, ratedCustomers: 40, visitors: Decimal(1600)),
            quality: quality(rows: 7, costRows: 0, daysWithoutCost: 7))
        let quiet = PartnerROILine(
            kind: .partner, rank: 3, partnerName: "Quiet Celebrity", partnerType: "celebrity",
            current: PartnerROIFigures(
                customers: 0, revenue: 0, cost: Decimal(string: "900.00")!, costedRevenue: 0,
                costedCustomers: 0, ratedCustomers: 0, visitors: 0),
            previous: PartnerROIFigures(
                customers: 3, revenue: Decimal(string: "450.00")!, cost: Decimal(string: "900.00")!,
                costedRevenue: Decimal(string: "450.00")!, costedCustomers: 3, ratedCustomers: 0,
                visitors: 0),
            quality: quality(rows: 7, costRows: 7, unrated: 7), previousQuality: quality(rows: 7, costRows: 7, unrated: 7))
        let partners = [acme, nasty, quiet]
        func rollup(_ kind: PartnerROILine.Kind, type: String?, _ lines: [PartnerROILine]) -> PartnerROILine {
            func sum(_ figures: [PartnerROIFigures]) -> PartnerROIFigures {
                let costs = figures.compactMap(\.cost)
                return PartnerROIFigures(
                    customers: figures.reduce(0) { $0 + $1.customers }, revenue: figures.reduce(0) { $0 + $1.revenue },
                    cost: costs.isEmpty ? nil : costs.reduce(0, +), costedRevenue: figures.reduce(0) { $0 + $1.costedRevenue },
                    costedCustomers: figures.reduce(0) { $0 + $1.costedCustomers },
                    ratedCustomers: figures.reduce(0) { $0 + $1.ratedCustomers }, visitors: figures.reduce(0) { $0 + $1.visitors })
            }
            func merged(_ qualities: [PartnerROIQuality]) -> PartnerROIQuality {
                quality(
                    rows: qualities.reduce(0) { $0 + $1.rowsRead }, costRows: qualities.reduce(0) { $0 + $1.costRows },
                    unrated: qualities.reduce(0) { $0 + $1.unratedRows },
                    daysWithoutCost: qualities.reduce(0) { $0 + $1.daysWithoutCost })
            }
            return PartnerROILine(
                kind: kind, partnerType: type, current: sum(lines.map(\.current)),
                previous: sum(lines.map(\.previous)), quality: merged(lines.map(\.quality)),
                previousQuality: merged(lines.map(\.previousQuality)))
        }
        let types = [
            rollup(.type, type: "tech", [acme]), rollup(.type, type: "youtube", [nasty]),
            rollup(.type, type: "celebrity", [quiet]),
        ]
        // 12 weeks to W47: Acme rising to its 18 450.75, the nasty name with gaps and a refund week.
        let weeks = (36...47).map { "2026-W\($0)" }
        let weekly = PartnerWeeklyRevenue(
            weeks: weeks,
            revenue: [
                "Acme Reviews": [9_800, 10_250.5, 11_020, 10_900, 12_400, 13_050, 12_980, 14_300.25, 15_100, 16_020, 15_000, Decimal(string: "18450.75")!],
                nastyName: [0, 0, 1_200, 2_400, 0, 3_100, -150, 2_900, 3_300, 3_050, 3_200, 3_600],
            ])
        return PartnerROIResults(
            period: period, previousPeriod: period.previous,
            lines: partners + types + [rollup(.total, type: nil, partners)], weekly: weekly)
    }

    // MARK: viral

    static var viralReport: ViralReport { ViralReport(period: period, showsEmails: true, topUserLimit: 3) }

    static var viral: ViralReadout {
        let linkedin = ViralGroup(
            platform: "linkedin", actionType: "linkedin_share",
            tally: ViralTally(actions: 1_200, users: 640, impressions: 96_000, clicks: 4_800, conversions: 310))
        let nasty = ViralGroup(
            platform: "=cmd|' /C calc'!A0", actionType: "referral",
            tally: ViralTally(actions: 40, users: 25, impressions: 2_000, clicks: 0, conversions: 0))
        let unknown = ViralGroup(
            platform: nil, actionType: "review",
            tally: ViralTally(actions: 12, users: 12, impressions: 0, clicks: 0, conversions: 0))
        var quality = ViralDataQuality()
        quality.rowsRead = 1_252
        quality.withoutPlatform = 12
        quality.clicks = .init(missing: 3, string: 1)
        quality.reachNull = 2
        let current = ViralPeriodCounts(
            groups: [linkedin, nasty, unknown],
            total: ViralTally(actions: 1_252, users: 660, impressions: 98_000, clicks: 4_800, conversions: 310), quality: quality)
        var previousQuality = ViralDataQuality()
        previousQuality.rowsRead = 1_000
        let previous = ViralPeriodCounts(
            groups: [
                ViralGroup(
                    platform: "linkedin", actionType: "linkedin_share",
                    tally: ViralTally(actions: 1_000, users: 600, impressions: 80_000, clicks: 4_000, conversions: 250))
            ],
            total: ViralTally(actions: 1_000, users: 600, impressions: 80_000, clicks: 4_000, conversions: 250),
            quality: previousQuality)
        func tally(_ index: Int) -> ViralTally {
            switch index {
            case 7: current.total
            case 6: previous.total
            case 0: ViralTally()
            default:
                ViralTally(
                    actions: 800 + 30 * index, users: 500 + index, impressions: Double(60_000 + 1_000 * index),
                    clicks: Double(3_000 + 50 * index), conversions: Double(200 + 5 * index))
            }
        }
        let weeks = viralReport.trendWeeks.enumerated().map { index, week in
            ViralTrendWeek(label: week.label, start: week.start, end: week.end, tally: tally(index))
        }
        return ViralReadout(
            period: period, previousPeriod: period.previous, current: current, previous: previous, trend: weeks,
            topUsers: [
                ViralTopUser(email: "ada@example.com", actions: 30, conversions: 12),
                ViralTopUser(email: "+sum(1)@example.com", actions: 22, conversions: 9),
                ViralTopUser(email: "grace@example.com", actions: 18, conversions: 0),
            ])
    }

    // MARK: attribution

    static var attributionReport: AttributionReport { AttributionReport(period: period, options: AttributionOptions()) }

    static var attribution: AttributionReport.Readout {
        func channel(
            _ name: String, touches: Int, first: Int, direct: Int = 0,
            _ credits: [AttributionModel: (Double, String)]
        ) -> AttributionCredits.Channel {
            AttributionCredits.Channel(
                name: name, touches: touches, nullPlatformTouches: name == "(unknown)" ? touches : 0, tiedTouches: 0,
                firstTouches: first, directConversions: direct, conversions: credits.mapValues(\.0),
                revenue: credits.mapValues { Decimal(string: $0.1)! })
        }
        // Three conversions worth 100.00 + 50.00 + 0.01: linkedin and twitter share them by model.
        let current = AttributionResult(
            credits: AttributionCredits(channels: [
                channel(
                    "(direct)", touches: 0, first: 1, direct: 1,
                    [
                        .firstTouch: (1, "0.01"), .lastTouch: (1, "0.01"), .linear: (1, "0.01"), .timeDecay: (1, "0.01"),
                        .positionBased: (1, "0.01"),
                    ]),
                channel(
                    "linkedin", touches: 3, first: 2,
                    [
                        .firstTouch: (2, "150.00"), .lastTouch: (1, "50.00"), .linear: (1.5, "83.333333333333333333"),
                        .timeDecay: (1.2, "71.428571428571428571"), .positionBased: (1.5, "83.333333333333333333"),
                    ]),
                channel(
                    nastyName, touches: 2, first: 0,
                    [
                        .firstTouch: (0, "0"), .lastTouch: (1, "100.00"), .linear: (0.5, "66.666666666666666667"),
                        .timeDecay: (0.8, "78.571428571428571429"), .positionBased: (0.5, "66.666666666666666667"),
                    ]),
            ]))
        let previous = AttributionResult(
            credits: AttributionCredits(channels: [
                channel(
                    "linkedin", touches: 1, first: 1,
                    [
                        .firstTouch: (1, "80.00"), .lastTouch: (1, "80.00"), .linear: (1, "80.00"), .timeDecay: (1, "80.00"),
                        .positionBased: (1, "80.00"),
                    ])
            ]))
        return AttributionReport.Readout(
            current: current, previous: previous,
            counts: AttributionConversionCounts(inPeriod: 5, otherEventType: 1, negativeRevenue: 1, zeroRevenue: 0),
            options: AttributionOptions())
    }

    // MARK: ab-test

    static let abTestSettings = ABTestSettings()

    static var abTestReport: ABTestReport {
        ABTestReport(period: period, counting: ABTestCountingOptions(), settings: abTestSettings, isLive: false, asOf: asOf)
    }

    static var abTest: ABTestReadout {
        let counts = ABTestCounts(
            tests: [
                ABTestCounts.Test(
                    name: "checkout_button",
                    variants: [
                        .init(name: "control", users: 8_000, conversions: 1_000), .init(name: "B", users: 8_050, conversions: 1_130),
                        .init(name: nastyName, users: 7_990, conversions: 0),
                    ], multipleExposures: 12, excludedRows: 3, lateConversions: 5, rowsRead: 24_060, firstAssignment: day(-14),
                    lastAssignment: day(6, hours: 23)),
                ABTestCounts.Test(
                    name: "pricing_page",
                    variants: [.init(name: "control", users: 5_000, conversions: 0), .init(name: "annual", users: 4_200, conversions: 0)],
                    rowsRead: 9_200, firstAssignment: day(0), lastAssignment: day(6)),
            ], rowsWithoutTest: 2)
        // Revenue with a pre-period covariate (CUPED on) in the first test; none at all in the second.
        let revenue = ABTestRevenueCounts(tests: [
            ABTestRevenueCounts.Test(
                name: "checkout_button",
                variants: [
                    .init(
                        name: "control", users: 8_000, revenue: 96_000, meanY: 12, varianceY: 2_500, meanX: 10, varianceX: 2_000,
                        covariance: 1_200, usersWithPrePeriodRevenue: 900),
                    .init(
                        name: "B", users: 8_050, revenue: 104_650, meanY: 13, varianceY: 2_600, meanX: 10.1, varianceX: 2_050,
                        covariance: 1_250, usersWithPrePeriodRevenue: 910),
                    .init(
                        name: nastyName, users: 7_990, revenue: 0, meanY: 0, varianceY: 0, meanX: 9.9, varianceX: 1_980, covariance: 0,
                        usersWithPrePeriodRevenue: 880),
                ]),
            ABTestRevenueCounts.Test(
                name: "pricing_page",
                variants: [
                    .init(name: "annual", users: 4_200, revenue: 0, meanY: 0, varianceY: 0),
                    .init(name: "control", users: 5_000, revenue: 0, meanY: 0, varianceY: 0),
                ]),
        ])
        // A refund guardrail that the annual plan breaks.
        let guardrails = ABTestGuardrailCounts(rows: [
            .init(test: "checkout_button", variant: "control", event: "refund", users: 8_000, converted: 80),
            .init(test: "checkout_button", variant: "B", event: "refund", users: 8_050, converted: 79),
            .init(test: "checkout_button", variant: nastyName, event: "refund", users: 7_990, converted: 85),
            .init(test: "pricing_page", variant: "control", event: "refund", users: 5_000, converted: 20),
            .init(test: "pricing_page", variant: "annual", event: "refund", users: 4_200, converted: 60),
        ])
        return try! ABTestReadout(
            counts: counts, settings: abTestSettings, revenue: revenue, revenueOptions: ABTestRevenueOptions(cuped: true),
            guardrails: guardrails, guardrailEvents: ["refund"],
            daily: abTestDaily)
    }

    /// Three weeks of checkout_button by day (the users arrive evenly; B's lead is largest in its
    /// first week, a novelty that fades) and pricing_page's last week, each ending at the readout's counts.
    static var abTestDaily: ABTestDailyCounts {
        let days = (0..<21).map { period.first.adding(days: $0 - 14) }
        var users: [ABTestDailyCounts.Increment] = []
        var conversions: [ABTestDailyCounts.Increment] = []
        // Cumulative counts at the end of day k (1-based) of n days, reaching `total`.
        func spread(_ test: String, _ variant: String, total: Int, from first: Int, shape: (Int) -> Double, into list: inout [ABTestDailyCounts.Increment]) {
            var previous = 0
            for index in first...21 {
                let cumulative = Int((Double(total) * shape(index - first + 1)).rounded())
                list.append(.init(test: test, variant: variant, dayIndex: index, count: cumulative - previous))
                previous = cumulative
            }
        }
        let even = { (k: Int) in Double(k) / 21 }
        let early = { (k: Int) in min(1, Double(k) / 21 + 0.25 * sin(Double(k) / 21 * .pi)) }
        for (variant, total, converted, shape) in [
            ("control", 8_000, 1_000, even), ("B", 8_050, 1_130, early), (nastyName, 7_990, 0, even),
        ] {
            spread("checkout_button", variant, total: total, from: 1, shape: even, into: &users)
            spread("checkout_button", variant, total: converted, from: 1, shape: shape, into: &conversions)
        }
        let lastWeek = { (k: Int) in Double(k) / 7 }
        for (variant, total) in [("control", 5_000), ("annual", 4_200)] {
            spread("pricing_page", variant, total: total, from: 15, shape: lastWeek, into: &users)
        }
        let cohorts: [ABTestDailyCounts.Cohort] = [
            .init(test: "checkout_button", variant: "control", isFirstWeek: true, users: 2_667, conversions: 333),
            .init(test: "checkout_button", variant: "control", isFirstWeek: false, users: 5_333, conversions: 667),
            .init(test: "checkout_button", variant: "B", isFirstWeek: true, users: 2_683, conversions: 520),
            .init(test: "checkout_button", variant: "B", isFirstWeek: false, users: 5_367, conversions: 610),
            .init(test: "checkout_button", variant: nastyName, isFirstWeek: true, users: 2_663, conversions: 0),
            .init(test: "checkout_button", variant: nastyName, isFirstWeek: false, users: 5_327, conversions: 0),
            .init(test: "pricing_page", variant: "control", isFirstWeek: true, users: 5_000, conversions: 0),
            .init(test: "pricing_page", variant: "annual", isFirstWeek: true, users: 4_200, conversions: 0),
        ]
        return ABTestDailyCounts(days: days, users: users, conversions: conversions, cohorts: cohorts)
    }

    // MARK: exec-summary

    static var execSummaryReport: ExecSummaryReport { ExecSummaryReport(period: period, asOf: asOf, topPartnerCount: 2) }

    static var execSummary: ExecSummaryReadout {
        ExecSummaryReadout(
            period: period, asOf: asOf, partners: partnerROI, viral: viral, experiments: abTest,
            realTimeMetrics: [
                RealTimeMetric(name: "daily_signups", value: 412, lastUpdated: asOf.addingTimeInterval(-300)),
                RealTimeMetric(name: "linkedin_shares", value: nil, lastUpdated: nil),
                RealTimeMetric(name: "partner_conversions", value: Decimal(string: "37.5")!, lastUpdated: day(-30)),
            ],
            topPartnerCount: 2)
    }

    // MARK: check

    static let checkRules = """
        [defaults]
        min_base = 100

        [rules.blended_roi]
        when = "partner-roi.total.roi < 5"

        [rules.partner_revenue]
        when = "partner-roi.any.revenue changes 10 %"

        [rules.srm]
        when = "ab-test.any.srm_flag"

        [rules.stale]
        when = "exec-summary.real_time.stale"

        [rules.k_factor]
        when = "viral.total.k_factor rises 1 %"
        """

    static var checkReport: CheckReport {
        CheckReport(
            period: period, asOf: asOf, rules: try! CheckRulesFile(text: checkRules).rules, rulesFile: "alerts.toml",
            rulesDigest: String(repeating: "0", count: 64))
    }

    static var check: CheckOutcome {
        let inputs = CheckInputs(
            period: period, asOf: asOf, partners: partnerROI, viral: viral, experiments: abTest,
            realTimeMetrics: execSummary.realTimeMetrics)
        let first = CheckEvaluation.evaluate(checkReport.rules, on: inputs)
        // One alert was sent before with the same value: it is listed, not new.
        let sent = first.alerts.first.map { CheckSentAlerts([CheckSentAlerts.key(rule: $0.rule, subject: $0.subject): $0.fingerprint]) }
        return CheckEvaluation.evaluate(checkReport.rules, on: inputs, sent: sent ?? CheckSentAlerts())
    }

    // MARK: doctor

    static var doctorReport: DoctorReport {
        DoctorReport(period: period, explaining: [partnerROIReport, viralReport, attributionReport, abTestReport, execSummaryReport])
    }

    static let week =
        "((created_at >= '2026-11-16 00:00:00+00'::timestamp with time zone) AND (created_at < '2026-11-23 00:00:00+00'::timestamp with time zone))"

    static var doctor: DoctorReadout {
        let catalog = PlanCatalog(
            relations: [
                "viral_metrics": .init(rows: 104_000), "ab_test_assignments": .init(rows: 40_000),
                "real_time_metrics": .init(rows: 3),
            ],
            leadingColumns: ["viral_metrics_created_at_idx": "created_at", "ab_test_assignments_created_at_idx": "created_at"])
        let seqScan = try! PlanAnalysis(
            json: """
                [{"Plan": {"Node Type": "Aggregate", "Strategy": "Plain", "Startup Cost": 2041.00, "Total Cost": 2041.01,
                  "Plan Rows": 1, "Plan Width": 16, "Plans": [
                  {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "viral_metrics", "Alias": "viral_metrics",
                   "Startup Cost": 0.00, "Total Cost": 2036.00, "Plan Rows": 1900, "Plan Width": 8, "Filter": "\(week)"}]}}]
                """, catalog: catalog)
        let indexRead = try! PlanAnalysis(
            json: """
                [{"Plan": {"Node Type": "Aggregate", "Strategy": "Sorted", "Startup Cost": 0.29, "Total Cost": 310.55,
                  "Plan Rows": 4, "Plan Width": 40, "Plans": [
                  {"Node Type": "Index Scan", "Parent Relationship": "Outer", "Scan Direction": "Forward",
                   "Index Name": "ab_test_assignments_created_at_idx", "Relation Name": "ab_test_assignments",
                   "Alias": "ab_test_assignments", "Startup Cost": 0.29, "Total Cost": 290.10, "Plan Rows": 1500, "Plan Width": 32,
                   "Index Cond": "\(week)"}]}}]
                """, catalog: catalog)
        let small = try! PlanAnalysis(
            json: """
                [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "real_time_metrics", "Alias": "real_time_metrics",
                  "Startup Cost": 0.00, "Total Cost": 1.03, "Plan Rows": 3, "Plan Width": 64}}]
                """, catalog: catalog)
        let expected = Schema.indexes.enumerated().map { offset, index in
            ExpectedIndex(
                name: index.name, table: index.table, columns: index.columns, reason: index.reason,
                state: index.name == "viral_metrics_created_at_idx" ? .missing : .present,
                scans: index.name == "viral_metrics_created_at_idx" ? nil : 10 * offset,
                bytes: index.name == "viral_metrics_created_at_idx" ? nil : 16_384 * (offset + 1),
                createStatement: index.createStatement(concurrently: true))
        }
        return DoctorReadout(
            period: period, analyzes: false, serverVersion: 150_010,
            statements: [
                StatementPlan(report: "viral", name: "viral_tallies", outcome: .explained(seqScan)),
                StatementPlan(report: "ab-test", name: "ab_test_counts", outcome: .explained(indexRead)),
                StatementPlan(report: "exec-summary", name: "begin", outcome: .skipped("not a SELECT")),
                StatementPlan(report: "exec-summary", name: "real_time_metrics", outcome: .explained(small)),
                StatementPlan(
                    report: "attribution", name: "attribution_credits",
                    outcome: .failed(message: "permission denied for table conversion_events", sqlState: "42501")),
            ],
            expectedIndexes: expected,
            unusedIndexes: [UnusedIndex(name: "viral_metrics_action_idx", table: "viral_metrics", bytes: 2_359_296, isExpected: false)],
            duplicateIndexes: [
                DuplicateIndexes(
                    table: "ab_test_assignments", indexes: ["ab_a", "ab_b"],
                    definition: "btree (test_name, created_at)", droppable: ["ab_b"])
            ],
            statisticsResetAt: day(-60),
            slowStatements: .available([
                SlowStatement(
                    query: "SELECT count(*) FROM viral_metrics WHERE created_at >= $1", calls: 42, meanMilliseconds: 180.5,
                    totalMilliseconds: 7_581, rows: 42, isSlow: true, isTopByTotal: true),
                SlowStatement(
                    query: "SELECT 1", calls: 9_000, meanMilliseconds: 0.01, totalMilliseconds: 90, rows: 9_000,
                    isSlow: false, isTopByTotal: true),
            ]),
            scanRatio: IndexScanRatio(indexScans: 900, sequentialScans: 100),
            tables: Schema.tables.enumerated().map { offset, name in
                TableHealth(
                    name: name, exists: true, estimatedRows: Double(1_000 * (offset + 1)), totalBytes: 1_048_576 * (offset + 1),
                    indexBytes: 262_144 * (offset + 1), liveRows: 1_000 * (offset + 1), deadRows: 10 * offset,
                    modifiedSinceAnalyze: name == "viral_metrics" ? 50_000 : 0, lastAnalyze: day(-2),
                    lastAutoanalyze: offset == 0 ? day(-1) : nil, sequentialScans: 10, indexScans: 90)
            },
            hypotheticalIndexes: .checked([
                HypotheticalIndex(
                    index: "viral_metrics_created_at_idx", report: "viral", statement: "viral_tallies",
                    costBefore: 2041.01, costAfter: 210.4, usesIndex: true)
            ]))
    }
}
