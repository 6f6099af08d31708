import Foundation

/// What the executive summary shows, from the other reports' models.
public struct ExecSummaryReadout: Sendable {
    public var period: ReportPeriod
    public var asOf: Date
    public var partners: PartnerROIResults
    public var viral: ViralReadout
    /// Nil when no A/B test ran in the period.
    public var experiments: ABTestReadout?
    public var realTimeMetrics: [RealTimeMetric]
    public var topPartnerCount: Int

    public init(
        period: ReportPeriod, asOf: Date, partners: PartnerROIResults, viral: ViralReadout,
        experiments: ABTestReadout?, realTimeMetrics: [RealTimeMetric], topPartnerCount: Int
    ) {
        self.period = period
        self.asOf = asOf
        self.partners = partners
        self.viral = viral
        self.experiments = experiments
        self.realTimeMetrics = realTimeMetrics
        self.topPartnerCount = topPartnerCount
    }

    /// The partners with the most revenue in the period.
    public var topPartners: [PartnerROILine] {
        Array(partners.partners.filter { $0.current.revenue > 0 || $0.current.customers > 0 }.prefix(topPartnerCount))
    }

    /// An experiment worth an executive's attention: significant, or with a health problem.
    public struct Experiment: Sendable, Equatable {
        public var test: String
        public var verdict: String
        /// The best treatment's relative uplift against control (nil under SRM: not shown as a result).
        public var upliftRelative: Double?
        public var pValue: Double?
        /// The same treatment's relative difference in revenue per user, when revenue was read.
        public var revenuePerUserRelative: Double?
        public var users: Int
        public var isSignificant: Bool
        public var isSRMFlagged: Bool
        public var hasExposureWarning: Bool
        /// Guardrail events a treatment makes significantly worse.
        public var worseGuardrails: [String]
        /// What is wrong with it, in words; empty when healthy.
        public var health: String
    }

    /// Tests that reached significance, and tests with health problems (SRM, users in several
    /// variants). A test flagged for SRM is never called a winner: its verdict is the SRM one
    /// and no uplift is shown.
    ///
    /// The uplift and p-value shown are those of the treatment the verdict names (`ship X`,
    /// `do not ship: X is worse`), so the row never pairs one variant's verdict with another's
    /// numbers; the uplift is empty when the control converted nobody (no relative baseline).
    public var notableExperiments: [Experiment] {
        guard let experiments else { return [] }
        return experiments.tests.compactMap { test in
            let significant = test.treatments.filter { $0.isSignificant == true }
            let worseGuardrails = Array(Set(test.guardrails.filter { $0.isHarmful == true }.map(\.event))).sorted()
            let isBlocked = test.isSRMFlagged || !worseGuardrails.isEmpty
            guard !significant.isEmpty || isBlocked || test.hasExposureWarning || test.revenue?.treatments.contains(where: { $0.isSignificant == true }) == true
            else { return nil }
            var problems: [String] = []
            if test.isSRMFlagged { problems.append("sample-ratio mismatch") }
            if !worseGuardrails.isEmpty { problems.append("guardrail worse: \(worseGuardrails.joined(separator: ", "))") }
            if test.hasExposureWarning { problems.append("users in several variants") }
            let named: String? =
                switch test.verdict {
                case .ship(let variant), .doNotShip(let variant): variant
                case .sampleRatioMismatch, .keepRunning, .noEffect, .guardrailWorse: nil
                }
            let best = named.flatMap { name in test.treatments.first { $0.name == name } }
            // The named variant's revenue, or (no verdict names one) the significant revenue change
            // that makes the test worth listing.
            let revenue =
                named.flatMap { name in test.revenue?.treatments.first { $0.name == name } }
                ?? test.revenue?.treatments.filter { $0.isSignificant == true }.max { abs($0.upliftAbsolute ?? 0) < abs($1.upliftAbsolute ?? 0) }
            return Experiment(
                test: test.name,
                verdict: test.isSRMFlagged ? ABTestReadout.Verdict.sampleRatioMismatch.text : test.verdict.text,
                upliftRelative: isBlocked ? nil : best?.upliftRelative,
                pValue: isBlocked ? nil : best?.pValueAdjusted,
                revenuePerUserRelative: isBlocked ? nil : revenue?.upliftRelative,
                users: test.users,
                isSignificant: !isBlocked && named != nil,
                isSRMFlagged: test.isSRMFlagged, hasExposureWarning: test.hasExposureWarning, worseGuardrails: worseGuardrails,
                health: problems.isEmpty ? "ok" : problems.joined(separator: "; "))
        }
    }
}
