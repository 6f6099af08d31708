/// A statistic that is either a number or explicitly undefined, with the reason why.
///
/// Degenerate data (an empty arm, nobody converting, identical rates, …) never produces NaN,
/// infinity or a crash. Where the formula still gives a number it is that number (Fisher's
/// p = 1 when nobody converted in either arm, a zero-width interval for a zero variance);
/// where it gives none the result is `.undefined(reason)`, which renderers show as an empty
/// cell or "n/a" and which reads as "undefined, because …" in notes and logs (SPEC §4).
/// Modelled on the "undefined, because" results of GrowthBook's gbstats.
public enum Estimate<Value: Sendable>: Sendable {
    /// A defined result.
    case value(Value)
    /// No meaningful result exists for these data.
    case undefined(UndefinedReason)

    /// The result, or `nil` when undefined.
    public var definedValue: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// Why the result is undefined, or `nil` when it is defined.
    public var undefinedReason: UndefinedReason? {
        if case .undefined(let reason) = self { return reason }
        return nil
    }

    /// Whether a result exists.
    public var isDefined: Bool { definedValue != nil }

    /// Transforms a defined result; an undefined one keeps its reason.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Estimate<T> {
        switch self {
        case .value(let value): .value(try transform(value))
        case .undefined(let reason): .undefined(reason)
        }
    }

    /// Chains a computation that may itself be undefined.
    public func flatMap<T>(_ transform: (Value) throws -> Estimate<T>) rethrows -> Estimate<T> {
        switch self {
        case .value(let value): try transform(value)
        case .undefined(let reason): .undefined(reason)
        }
    }
}

extension Estimate: Equatable where Value: Equatable {}
extension Estimate: Hashable where Value: Hashable {}

extension Estimate: CustomStringConvertible {
    public var description: String {
        switch self {
        case .value(let value): "\(value)"
        case .undefined(let reason): reason.description
        }
    }
}

/// Why a statistic has no value.
public enum UndefinedReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// An arm (or the whole test) has no users.
    case emptyArm
    /// Nobody or everybody converted, so the standard error is zero.
    case zeroVariance
    /// The control's rate is zero, so a relative change has no denominator.
    case zeroBaseline
    /// The two rates are equal, so no sample size detects a difference.
    case identicalRates
    /// The detectable difference is so small that the sample size exceeds any count.
    case effectTooSmall
    /// Alpha (or the power) is not strictly between 0 and 1.
    case invalidAlpha
    /// A p-value or rate is not a probability in [0, 1].
    case invalidProbability
    /// Weights are missing, not positive, not finite, or not one per group.
    case invalidWeights
    /// A tuning parameter (such as the mixing standard deviation τ) is not positive and finite.
    case invalidParameter
    /// A test over groups needs at least two of them.
    case tooFewGroups
    /// An arm has fewer than two users, so its variance is unknown.
    case tooFewUsers
    /// Every user in both arms has the same value: there is no spread to test a difference against.
    case constantValues
    /// The control's mean is zero, so a relative change has no baseline.
    case zeroBaselineMean
    /// The two means are equal, so no sample size detects a difference.
    case identicalMeans
    /// Every user has the same pre-period value, so the covariate cannot adjust anything (CUPED).
    case constantCovariate
    /// A count is negative, or a mean, variance or covariance is not finite, or a variance is negative.
    case invalidMoments

    /// The clause after "undefined, because".
    public var explanation: String {
        switch self {
        case .emptyArm: "an arm has no users"
        case .zeroVariance: "nobody or everybody converted, so the variance is zero"
        case .zeroBaseline: "the control converted nobody, so a relative change has no baseline"
        case .identicalRates: "the rates are equal, so no sample size detects a difference"
        case .effectTooSmall: "the difference is too small for any realistic sample size"
        case .invalidAlpha: "alpha and power must lie strictly between 0 and 1"
        case .invalidProbability: "a probability outside [0, 1] was given"
        case .invalidWeights: "the weights must be positive and finite, one per variant"
        case .invalidParameter: "a parameter is not positive and finite"
        case .tooFewGroups: "at least two variants are needed"
        case .tooFewUsers: "an arm has fewer than two users, so its variance is unknown"
        case .constantValues: "every user in both arms has the same value, so there is no spread to test against"
        case .zeroBaselineMean: "the control's mean is zero, so a relative change has no baseline"
        case .identicalMeans: "the means are equal, so no sample size detects a difference"
        case .constantCovariate: "nobody's pre-period value varies, so it explains nothing"
        case .invalidMoments: "a variant's count, mean, variance or covariance is negative where it cannot be, or not finite"
        }
    }

    public var description: String { "undefined, because \(explanation)" }
}
