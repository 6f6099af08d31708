import Foundation
import Statistics

/// Revenue per user of one test: per variant the mean and its interval, per treatment Welch's
/// test and the differences, adjusted over the treatments as the conversion readout is
/// (SPEC §4.3.1).
public struct ABTestRevenueResult: Sendable {
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var isControl: Bool
        public var users: Int
        /// ΣY, exact (capped with `--cap`).
        public var revenue: Decimal
        /// Revenue per user, ΣY / users (capped, never CUPED-adjusted).
        public var mean: Double?
        public var standardDeviation: Double?
        public var meanInterval: ConfidenceInterval?
        public var upliftAbsolute: Double?
        public var upliftAbsoluteInterval: ConfidenceInterval?
        public var upliftRelative: Double?
        public var upliftRelativeInterval: ConfidenceInterval?
        public var pValue: Double?
        public var pValueAdjusted: Double?
        public var isSignificant: Bool?
        /// The always-valid p-value of the difference in means (`--sequential`), and its τ.
        public var pValueSequential: Double?
        public var sequentialTau: Double?
        /// Users per variant to detect this difference (or `--mde`) with 80 % power.
        public var usersNeeded: Int?
        /// Mean pre-period revenue X, and Welch's p of its difference from the control's: a
        /// small p means the variants differed before the test (CUPED's imbalance check).
        public var prePeriodMean: Double?
        public var prePeriodPValue: Double?
        public var usersWithPrePeriodRevenue = 0
        /// With CUPED: the difference and Welch's p on the unadjusted revenue, for comparison.
        public var unadjustedUpliftAbsolute: Double?
        public var unadjustedPValue: Double?
        /// Why a statistic is empty, by its column.
        public var undefinedReasons: [String: UndefinedReason] = [:]
    }

    /// Whether the estimates are CUPED-adjusted, and by how much.
    public enum Adjustment: Sendable, Equatable {
        /// `--no-cuped`, or revenue is not the metric and nobody had pre-period revenue.
        case off
        /// CUPED was asked for (or is the default) but cannot apply: the reason.
        case unavailable(UndefinedReason)
        /// θ and 1 − var(Y')/var(Y), pooled.
        case cuped(theta: Double, varianceReduction: Double)
    }

    public var variants: [Variant]
    /// `--cap`: the value every user's revenue was capped at, and the pre-period's own cap.
    public var cap: Decimal?
    public var covariateCap: Decimal?
    /// The `--cap` quantile.
    public var capLevel: Double?
    public var adjustment: Adjustment

    public var control: Variant { variants[0] }
    public var treatments: ArraySlice<Variant> { variants.dropFirst() }

    public var theta: Double? {
        if case .cuped(let theta, _) = adjustment { theta } else { nil }
    }
    public var varianceReduction: Double? {
        if case .cuped(_, let reduction) = adjustment { reduction } else { nil }
    }

    /// The statistics of one test's revenue, its variants in `order` (control first); a variant
    /// with no user of one variant only (every user exposed twice) has no row and counts 0.
    static func analyse(
        _ test: ABTestRevenueCounts.Test, order: [String], settings: ABTestSettings, options: ABTestRevenueOptions
    ) -> ABTestRevenueResult {
        let cuped = options.cuped
        let counts = order.map { name in
            test.variants.first { $0.name == name }
                ?? ABTestRevenueCounts.Variant(name: name, users: 0, revenue: 0, meanY: 0, varianceY: 0)
        }
        let raw = counts.map { MeanSample(count: $0.users, mean: $0.meanY, variance: $0.varianceY) }
        let prePeriod = counts.map { MeanSample(count: $0.users, mean: $0.meanX, variance: $0.varianceX) }
        let (adjustment, adjusted) = Self.adjustment(counts, cuped: cuped, metric: settings.metric)
        var variants = zip(counts, raw).enumerated().map { index, pair -> Variant in
            let (count, sample) = pair
            var variant = Variant(
                name: count.name, isControl: index == 0, users: count.users, revenue: count.revenue,
                mean: count.users > 0 ? sample.mean : nil,
                standardDeviation: count.users > 1 ? sample.variance.squareRoot() : nil,
                meanInterval: meanInterval(sample, alpha: settings.alpha).definedValue?.interval)
            if count.users > 0, adjusted != nil || cuped == true { variant.prePeriodMean = count.meanX }
            variant.usersWithPrePeriodRevenue = count.usersWithPrePeriodRevenue
            return variant
        }
        let analysed = adjusted ?? raw
        for index in variants.indices.dropFirst() {
            compare(
                &variants[index], control: analysed[0], treatment: analysed[index], rawControl: raw[0],
                controlCovariance: adjusted == nil ? raw[0].variance : Self.covarianceOfAdjusted(counts[0], adjustment: adjustment),
                settings: settings)
            if adjusted != nil {
                variants[index].unadjustedUpliftAbsolute =
                    absoluteMeanDifference(control: raw[0], treatment: raw[index], alpha: settings.alpha).definedValue?.estimate
                variants[index].unadjustedPValue = welchTTest(control: raw[0], treatment: raw[index]).definedValue?.pValue
            }
            if variants[index].prePeriodMean != nil {
                variants[index].prePeriodPValue = welchTTest(control: prePeriod[0], treatment: prePeriod[index]).definedValue?.pValue
            }
        }
        ABTestReadout.adjust(
            &variants, users: \Variant.users, pValue: { settings.isSequential ? $0.pValueSequential : $0.pValue }, adjusted: \Variant.pValueAdjusted,
            significant: \Variant.isSignificant,
            settings: settings)
        return ABTestRevenueResult(
            variants: variants, cap: test.cap, covariateCap: test.covariateCap, capLevel: options.cap, adjustment: adjustment)
    }

    /// CUPED's θ and the adjusted samples, when it applies.
    /// By default (neither `--cuped` nor `--no-cuped`) on for `--metric revenue` when some user
    /// has pre-period revenue (SPEC §4.3.1).
    static func adjustment(_ counts: [ABTestRevenueCounts.Variant], cuped: Bool?, metric: ABTestSettings.Metric) -> (Adjustment, [MeanSample]?) {
        guard cuped != false, cuped == true || metric == .revenue else { return (.off, nil) }
        let hasPrePeriod = counts.contains { $0.usersWithPrePeriodRevenue > 0 }
        guard hasPrePeriod || cuped == true else { return (.off, nil) }
        let samples = counts.map {
            CovariateSample(
                count: $0.users, meanY: $0.meanY, varianceY: $0.varianceY, meanX: $0.meanX, varianceX: $0.varianceX,
                covariance: $0.covariance)
        }
        switch cupedAdjustment(samples) {
        case .value(let result):
            return (.cuped(theta: result.theta, varianceReduction: result.varianceReduction), result.variants)
        case .undefined(let reason):
            return (.unavailable(reason), nil)
        }
    }

    /// cov(Y', Y) over the control's users: var(Y) − θ·cov(X, Y).
    static func covarianceOfAdjusted(_ control: ABTestRevenueCounts.Variant, adjustment: Adjustment) -> Double {
        guard case .cuped(let theta, _) = adjustment else { return control.varianceY }
        return control.varianceY - theta * control.covariance
    }

    static func compare(
        _ variant: inout Variant, control: MeanSample, treatment: MeanSample, rawControl: MeanSample, controlCovariance: Double,
        settings: ABTestSettings
    ) {
        let absolute = absoluteMeanDifference(control: control, treatment: treatment, alpha: settings.alpha)
        if let value = absolute.definedValue {
            variant.upliftAbsolute = value.estimate
            variant.upliftAbsoluteInterval = value.interval
        }
        let relative = relativeMeanDifference(
            adjustedControl: control, adjustedTreatment: treatment, control: rawControl, covariance: controlCovariance,
            alpha: settings.alpha)
        if let value = relative.definedValue {
            variant.upliftRelative = value.estimate
            variant.upliftRelativeInterval = value.interval
        }
        let test = welchTTest(control: control, treatment: treatment)
        variant.pValue = test.definedValue?.pValue
        if settings.isSequential, control.count >= 2, treatment.count >= 2 {
            let pooled =
                (Double(control.count - 1) * control.variance + Double(treatment.count - 1) * treatment.variance)
                / Double(control.count + treatment.count - 2)
            let tau = settings.mixing.tau(
                controlVariance: control.variance, pooledVariance: pooled, alpha: settings.alpha, constant: .constantValues)
            variant.sequentialTau = tau.definedValue
            variant.pValueSequential =
                sequentialPValue(
                    estimate: treatment.mean - control.mean,
                    variance: control.variance / Double(control.count) + treatment.variance / Double(treatment.count),
                    tau: tau.definedValue ?? 1
                ).definedValue
        }
        for (column, reason) in [
            ("uplift_abs", absolute.undefinedReason), ("uplift_rel", relative.undefinedReason), ("p_value", test.undefinedReason),
        ] {
            if let reason { variant.undefinedReasons[column] = reason }
        }
        if control.count >= 2, treatment.count >= 2 {
            let difference = settings.minimumDetectableEffect.map { $0 * rawControl.mean } ?? (treatment.mean - control.mean)
            let needed = sampleSizePerVariant(
                varianceControl: control.variance, varianceTreatment: treatment.variance, difference: difference, alpha: settings.alpha)
            variant.usersNeeded = needed.definedValue
            if let reason = needed.undefinedReason { variant.undefinedReasons["users_needed"] = reason }
        }
    }
}
