import Foundation
import Statistics

/// The statistics of every test in a readout, computed from counts (SPEC §4.3).
public struct ABTestReadout: Sendable {
    public struct VariantResult: Sendable, Equatable {
        public var name: String
        public var isControl: Bool
        public var users: Int
        public var conversions: Int
        public var rate: Double?
        public var rateInterval: ConfidenceInterval?
        public var upliftAbsolute: Double?
        public var upliftAbsoluteInterval: ConfidenceInterval?
        public var upliftRelative: Double?
        public var upliftRelativeInterval: ConfidenceInterval?
        public var pValue: Double?
        public var testUsed: String?
        public var pValueSequential: Double?
        /// The τ the sequential p-value mixed over (`--sequential`).
        public var sequentialTau: Double?
        public var pValueAdjusted: Double?
        public var isSignificant: Bool?
        public var chanceToBeatControl: Double?
        public var expectedLoss: Double?
        public var usersNeeded: Int?
        /// Why a statistic is empty, by its column (`uplift_rel`, `users_needed`, …), where the
        /// statistics said so.
        public var undefinedReasons: [String: UndefinedReason] = [:]
    }

    public enum Verdict: Sendable, Equatable {
        case sampleRatioMismatch
        case ship(variant: String)
        case doNotShip(worse: String)
        case keepRunning(moreUsersPerVariant: Int)
        case noEffect
        /// A treatment makes a guardrail event (`--guardrail`) significantly more frequent.
        case guardrailWorse(event: String)

        /// The one-line verdict of SPEC §4.3, as written in CSV and XLSX.
        public var text: String {
            switch self {
            case .sampleRatioMismatch: "SRM — results untrustworthy"
            case .ship(let variant): "ship \(variant)"
            case .doNotShip(let variant): "do not ship: \(variant) is worse"
            case .keepRunning(let users): "keep running: about \(users) more users per variant"
            case .noEffect: "no effect detected"
            case .guardrailWorse(let event): "do not ship: guardrail \(event) is worse"
            }
        }
    }

    public struct TestResult: Sendable {
        public var name: String
        /// Control first, then the treatments in alphabetical order.
        public var variants: [VariantResult]
        public var users: Int
        public var multipleExposures: Int
        public var excludedRows: Int
        public var lateConversions: Int
        public var undatedRows: Int
        public var rowsRead: Int
        public var firstAssignment: Date
        public var lastAssignment: Date
        public var plannedShares: [Double]
        public var srmPValue: Double?
        /// The always-valid SRM p-value (Lindon and Malek), with `--sequential`.
        public var srmPValueSequential: Double?
        /// The chi-square check of SPEC §4.3 flags it, or (with `--sequential`) the always-valid
        /// one: a mismatch either finds is never hidden.
        public var isSRMFlagged: Bool
        public var omnibusPValue: Double?
        /// Revenue per user; nil when the readout has no revenue (see `revenueOmission`).
        public var revenue: ABTestRevenueResult?
        /// Per guardrail event, control first then the treatments.
        public var guardrails: [ABTestGuardrailResult] = []
        /// The effect over time; nil when it was not read.
        public var daily: ABTestDailyResult?
        public var verdict: Verdict

        /// The SRM p-value a reader is shown: the chi-square one, or the always-valid one when
        /// only that check flags the split.
        public var srmDecisionPValue: Double? {
            if let sequential = srmPValueSequential, sequential < 0.001, (srmPValue ?? 1) >= 0.001 { return sequential }
            return srmPValue
        }

        /// multiple_exposures / (users + multiple_exposures) > 1 %.
        public var hasExposureWarning: Bool {
            let total = users + multipleExposures
            return total > 0 && Double(multipleExposures) / Double(total) > 0.01
        }

        public var control: VariantResult { variants[0] }
        public var treatments: ArraySlice<VariantResult> { variants.dropFirst() }
    }

    public var tests: [TestResult]
    public var settings: ABTestSettings
    public var rowsWithoutTest: Int
    /// Tests in the period with fewer than two variants to compare, left out of the readout.
    public var testsWithoutComparison: [String]
    /// Why no test has revenue per user (the role cannot read `conversion_events`); nil when read.
    public var revenueOmission: String?
    /// The guardrail events asked for, in order.
    public var guardrailEvents: [String]

    /// - Parameter namedTest: the readout is of one test the user named, so a test that cannot
    ///   be compared is an error rather than left out.
    /// - Throws: `ABTestError` for a test with no control or weights that do not fit; for a
    ///   test with one variant when it was named, or when no test is left.
    ///   - revenue: revenue per user of the same tests, when read; `revenueOmission` says why not.
    ///   - guardrails: the counts of the `guardrailEvents`.
    public init(
        counts: ABTestCounts, settings: ABTestSettings, namedTest: Bool = false, revenue: ABTestRevenueCounts? = nil,
        revenueOptions: ABTestRevenueOptions = ABTestRevenueOptions(), revenueOmission: String? = nil,
        guardrails: ABTestGuardrailCounts? = nil, guardrailEvents: [String] = [], daily: ABTestDailyCounts? = nil
    ) throws {
        self.settings = settings
        self.revenueOmission = revenue == nil ? revenueOmission : nil
        self.guardrailEvents = guardrails == nil ? [] : guardrailEvents
        self.rowsWithoutTest = counts.rowsWithoutTest
        let comparable = counts.tests.filter { $0.variants.count >= 2 }
        if namedTest || comparable.isEmpty, let single = counts.tests.first(where: { $0.variants.count < 2 }) {
            throw ABTestError.oneVariant(test: single.name, variant: single.variants.first?.name)
        }
        self.testsWithoutComparison = counts.tests.filter { $0.variants.count < 2 }.map(\.name)
        self.tests = try comparable.map { test in
            var result = try Self.analyse(test, settings: settings) { order in
                (
                    revenue?.test(test.name).map {
                        ABTestRevenueResult.analyse($0, order: order, settings: settings, options: revenueOptions)
                    },
                    guardrails.map {
                        ABTestGuardrailResult.analyse($0, test: test.name, events: guardrailEvents, order: order, alpha: settings.alpha)
                    } ?? []
                )
            }
            result.daily = daily.map {
                ABTestDailyResult.analyse($0, test: test.name, order: result.variants.map(\.name), alpha: settings.alpha)
            }
            return result
        }
    }

    /// - Parameter secondary: revenue and guardrails of the test, given its variants in order.
    static func analyse(
        _ test: ABTestCounts.Test, settings: ABTestSettings,
        secondary: ([String]) -> (ABTestRevenueResult?, [ABTestGuardrailResult]) = { _ in (nil, []) }
    ) throws -> TestResult {
        let names = test.variants.map(\.name)
        guard names.count >= 2 else { throw ABTestError.oneVariant(test: test.name, variant: names.first) }
        let controlName = settings.control ?? "control"
        guard let control = test.variants.first(where: { $0.name == controlName }) else {
            throw ABTestError.noControl(test: test.name, control: controlName, variants: names, wasGiven: settings.control != nil)
        }
        let ordered = [control] + test.variants.filter { $0.name != controlName }.sorted { $0.name < $1.name }
        let shares: [Double]
        if let weights = settings.weights {
            switch weights.weights(for: ordered.map(\.name)) {
            case .success(let values): shares = values
            case .failure(let error): throw error
            }
        } else {
            shares = Array(repeating: 1, count: ordered.count)
        }
        let total = shares.reduce(0, +)
        let plannedShares = shares.map { $0 / total }

        let controlProportion = Proportion(successes: control.conversions, trials: control.users)
        var results = ordered.map { variant -> VariantResult in
            let proportion = Proportion(successes: variant.conversions, trials: variant.users)
            return VariantResult(
                name: variant.name, isControl: variant.name == controlName, users: variant.users,
                conversions: variant.conversions,
                rate: variant.users > 0 ? proportion.rate : nil,
                rateInterval: wilsonInterval(proportion, alpha: settings.alpha).definedValue)
        }
        for index in results.indices.dropFirst() {
            compare(&results[index], control: controlProportion, settings: settings)
        }
        adjust(&results, settings: settings)

        let users = results.reduce(0) { $0 + $1.users }
        let srm = sampleRatioMismatch(users: results.map(\.users), weights: plannedShares).definedValue
        let sequentialSRM =
            settings.isSequential ? sequentialSampleRatioMismatch(users: results.map(\.users), weights: plannedShares).definedValue : nil
        let omnibus =
            results.count > 2
            ? chiSquareIndependence(results.map { Proportion(successes: $0.conversions, trials: $0.users) }).definedValue?.pValue
            : nil
        var result = TestResult(
            name: test.name, variants: results, users: users, multipleExposures: test.multipleExposures,
            excludedRows: test.excludedRows, lateConversions: test.lateConversions,
            undatedRows: test.undatedRows, rowsRead: test.rowsRead,
            firstAssignment: test.firstAssignment, lastAssignment: test.lastAssignment, plannedShares: plannedShares,
            srmPValue: srm?.pValue, srmPValueSequential: sequentialSRM?.pValue,
            isSRMFlagged: (srm?.isFlagged ?? false) || (sequentialSRM?.isFlagged ?? false), omnibusPValue: omnibus,
            verdict: .noEffect)
        (result.revenue, result.guardrails) = secondary(ordered.map(\.name))
        result.verdict = verdict(for: result, metric: settings.metric)
        return result
    }

    /// Holm or BH over the treatments' decision p-values (the sequential ones when asked).
    ///
    /// The family is every treatment compared with the control, i.e. with users in both arms
    /// (degenerate data included: both arms at 0 % is Fisher's p = 1, not a missing comparison),
    /// so one variant's data never change the size of the family the others are adjusted in.
    /// A member whose p-value is still undefined (only a τ too large to square) counts as
    /// p = 1, which leaves every other adjusted value as a full family gives it, and shows no
    /// adjusted value of its own. A treatment with no users, or a control with none, is no
    /// comparison and stays empty.
    static func adjust(_ results: inout [VariantResult], settings: ABTestSettings) {
        adjust(
            &results, users: \.users, pValue: { $0.decisionPValue(settings) }, adjusted: \.pValueAdjusted,
            significant: \.isSignificant, settings: settings)
    }

    /// The same family rule for any metric's rows (control first): conversion, revenue.
    static func adjust<Row>(
        _ rows: inout [Row], users: KeyPath<Row, Int>, pValue: (Row) -> Double?, adjusted: WritableKeyPath<Row, Double?>,
        significant: WritableKeyPath<Row, Bool?>, settings: ABTestSettings
    ) {
        guard let control = rows.first, control[keyPath: users] > 0 else { return }
        let family = rows.indices.dropFirst().filter { rows[$0][keyPath: users] > 0 }
        let pValues = family.map { pValue(rows[$0]) ?? 1 }
        guard let values = adjustedPValues(pValues, correction: settings.correction).definedValue else { return }
        for (index, value) in zip(family, values) where pValue(rows[index]) != nil {
            rows[index][keyPath: adjusted] = value
            rows[index][keyPath: significant] = value < settings.alpha
        }
    }

    static func compare(_ result: inout VariantResult, control: Proportion, settings: ABTestSettings) {
        let treatment = Proportion(successes: result.conversions, trials: result.users)
        let absolute = absoluteUplift(control: control, treatment: treatment, alpha: settings.alpha)
        if let absolute = absolute.definedValue {
            result.upliftAbsolute = absolute.estimate
            result.upliftAbsoluteInterval = absolute.interval
        }
        let relative = relativeUplift(control: control, treatment: treatment, alpha: settings.alpha)
        if let relative = relative.definedValue {
            result.upliftRelative = relative.estimate
            result.upliftRelativeInterval = relative.interval
        }
        for (column, reason) in [("uplift_abs", absolute.undefinedReason), ("uplift_rel", relative.undefinedReason)] {
            if let reason { result.undefinedReasons[column] = reason }
        }
        if let comparison = compareConversionRates(control: control, treatment: treatment).definedValue {
            result.pValue = comparison.pValue
            result.testUsed = comparison.method.rawValue
        }
        if settings.isSequential, control.trials > 0, treatment.trials > 0 {
            let pooled = Proportion(successes: control.successes + treatment.successes, trials: control.trials + treatment.trials)
            let tau = settings.mixing.tau(
                controlVariance: control.rate * (1 - control.rate), pooledVariance: pooled.rate * (1 - pooled.rate),
                alpha: settings.alpha, constant: .zeroVariance)
            result.sequentialTau = tau.definedValue
            // Both arms at 0 % (or 100 %): V = 0 and the p-value is the limit, whatever τ.
            result.pValueSequential = sequentialPValue(control: control, treatment: treatment, tau: tau.definedValue ?? 1).definedValue
        }
        if let bayes = bayesianComparison(control: control, treatment: treatment).definedValue {
            result.chanceToBeatControl = bayes.chanceToBeatControl
            result.expectedLoss = bayes.expectedLoss
        }
        if control.trials > 0, treatment.trials > 0 {
            let needed =
                settings.minimumDetectableEffect.map {
                    sampleSizePerVariant(baseline: control.rate, minimumDetectableEffect: $0, alpha: settings.alpha)
                } ?? sampleSizePerVariant(baseline: control.rate, treatment: treatment.rate, alpha: settings.alpha)
            result.usersNeeded = needed.definedValue
            if let reason = needed.undefinedReason { result.undefinedReasons["users_needed"] = reason }
        }
    }

    /// The first verdict of SPEC §4.3 that applies, on the decision metric (`--metric`): SRM,
    /// then a harmful guardrail of any treatment (never a win, SPEC §4.3.1), then ship, do not
    /// ship, keep running, no effect.
    static func verdict(for test: TestResult, metric: ABTestSettings.Metric) -> Verdict {
        if test.isSRMFlagged { return .sampleRatioMismatch }
        if let harmful = test.guardrails.first(where: { $0.isHarmful == true }) { return .guardrailWorse(event: harmful.event) }
        let treatments: [any ABTestComparison] =
            if metric == .revenue, let revenue = test.revenue { Array(revenue.treatments) } else { Array(test.treatments) }
        let significant = treatments.filter { $0.isSignificant == true }
        if let best = significant.filter({ ($0.upliftAbsolute ?? 0) > 0 }).max(by: { $0.upliftAbsolute! < $1.upliftAbsolute! }) {
            return .ship(variant: best.name)
        }
        if let worst = significant.filter({ ($0.upliftAbsolute ?? 0) < 0 }).min(by: { $0.upliftAbsolute! < $1.upliftAbsolute! }) {
            return .doNotShip(worse: worst.name)
        }
        let shortfalls = treatments.compactMap { treatment -> Int? in
            guard let needed = treatment.usersNeeded else { return nil }
            return needed - treatment.users
        }
        if let largest = shortfalls.max(), largest > 0 { return .keepRunning(moreUsersPerVariant: largest) }
        return .noEffect
    }
}

/// A treatment compared with the control on one metric, as the verdict reads it.
protocol ABTestComparison {
    var name: String { get }
    var users: Int { get }
    var isSignificant: Bool? { get }
    var upliftAbsolute: Double? { get }
    var usersNeeded: Int? { get }
}

extension ABTestReadout.VariantResult: ABTestComparison {}
extension ABTestRevenueResult.Variant: ABTestComparison {}

extension ABTestReadout.VariantResult {
    /// The p-value that decides significance: the sequential one with `--sequential`.
    func decisionPValue(_ settings: ABTestSettings) -> Double? {
        settings.isSequential ? pValueSequential : pValue
    }
}

/// A readout that cannot be computed from these data or options.
public enum ABTestError: Error, Sendable, Equatable, CustomStringConvertible {
    case oneVariant(test: String, variant: String?)
    case noControl(test: String, control: String, variants: [String], wasGiven: Bool)
    case weightsDoNotFit(String)
    case unknownTest(String, existing: [String])
    case noAssignments(period: String)
    case noAssignmentsBefore(test: String, end: String)

    public var description: String {
        switch self {
        case .oneVariant(let test, let variant):
            variant.map { "Test '\(test)' has only one variant ('\($0)') with users: there is nothing to compare." }
                ?? "Test '\(test)' has no variant with users (every row lacks an e-mail or a variant)."
        case .noControl(let test, let control, let variants, let wasGiven):
            wasGiven
                ? "Test '\(test)' has no variant named '\(control)'; its variants are \(variants.joined(separator: ", "))."
                : "Test '\(test)' has no variant named 'control'; name one with --control (its variants are \(variants.joined(separator: ", ")))."
        case .weightsDoNotFit(let reason):
            "\(reason)."
        case .unknownTest(let test, let existing):
            existing.isEmpty
                ? "There is no test named '\(test)': the table holds no tests."
                : "There is no test named '\(test)'; the tests are: \(existing.joined(separator: ", "))."
        case .noAssignmentsBefore(let test, let end):
            "Test '\(test)' has no assignments before \(end)."
        case .noAssignments(let period):
            "No test has assignments in \(period); choose another period, or name a test with --test."
        }
    }
}

extension ABTestError: EmptyPeriodError {
    /// No test ran in the period: a pack leaves the readout out, the summary lists no experiment.
    public var isNothingInPeriod: Bool {
        if case .noAssignments = self { true } else { false }
    }

    public var nothingInPeriodReason: String {
        if case .noAssignments(let period) = self { "no test ran in \(period)" } else { description }
    }
}
