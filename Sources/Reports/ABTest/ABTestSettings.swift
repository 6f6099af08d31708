import Statistics

/// The statistical choices of a readout (SPEC §4.3).
public struct ABTestSettings: Sendable {
    public var alpha: Double
    public var correction: MultipleTestingCorrection
    /// The control's name; nil means the variant named `control`.
    public var control: String?
    /// Each variant's planned share, by name; nil means an equal split.
    public var weights: VariantWeights?
    /// A relative minimum detectable effect for `users_needed`; nil uses the observed rate.
    public var minimumDetectableEffect: Double?
    /// Always-valid p-values (mixture SPRT) drive significance and the verdict.
    public var isSequential: Bool
    /// How the sequential test's mixing standard deviation τ is chosen.
    public var mixing: SequentialMixing
    /// The metric the verdict decides on (`--metric`); the other is shown beside it.
    public var metric: Metric

    public enum Metric: String, Sendable, CaseIterable {
        case conversion
        case revenue
    }

    public init(
        alpha: Double = 0.05, correction: MultipleTestingCorrection = .holm, control: String? = nil,
        weights: VariantWeights? = nil, minimumDetectableEffect: Double? = nil,
        isSequential: Bool = false, mixing: SequentialMixing = .planned(usersPerVariant: SequentialMixing.defaultPlannedUsers),
        metric: Metric = .conversion
    ) {
        self.metric = metric
        self.alpha = alpha
        self.correction = correction
        self.control = control
        self.weights = weights
        self.minimumDetectableEffect = minimumDetectableEffect
        self.isSequential = isSequential
        self.mixing = mixing
    }
}

/// How `--sequential` chooses τ, the standard deviation of the mixture over effects.
public enum SequentialMixing: Sendable, Equatable {
    /// τ² tuned so the test rejects soonest at N users per variant (`--planned-users`, default
    /// 10 000): τ² = r·2σ²/N with r = 2·log(1/α) + log(1 + r) (`plannedMixingVariance`).
    case planned(usersPerVariant: Int)
    /// τ = this factor × the control's standard deviation (`--tau`).
    case relative(Double)
    /// τ in the metric's own units (`--tau` with `--tau-absolute`): a difference in rates for
    /// conversion, in currency per user for revenue.
    case absolute(Double)

    public static let defaultPlannedUsers = 10_000

    /// τ for a comparison whose control has per-user variance σ²_c (the pooled variance of both
    /// arms stands in when the control's is 0). `.undefined(zeroVariance)` when both are 0:
    /// then V = 0 too, and the p-value is the formula's limit, which no τ changes.
    func tau(controlVariance: Double, pooledVariance: Double, alpha: Double, constant: UndefinedReason) -> Estimate<Double> {
        let variance = controlVariance > 0 ? controlVariance : pooledVariance
        switch self {
        case .absolute(let tau):
            return .value(tau)
        case .relative(let factor):
            guard variance > 0, variance.isFinite else { return .undefined(constant) }
            return .value(factor * variance.squareRoot())
        case .planned(let users):
            guard variance > 0, variance.isFinite else { return .undefined(constant) }
            return plannedMixingVariance(plannedUsersPerVariant: users, variance: variance, alpha: alpha).map { $0.squareRoot() }
        }
    }

    /// For the record.
    public var recordText: String {
        switch self {
        case .planned(let users): "tuned to \(users) planned users per variant"
        case .relative(let factor): "\(factor) × the control's standard deviation"
        case .absolute(let tau): "\(tau) (absolute)"
        }
    }
}

/// `--weights control=50,B=50` (by name) or `--weights 50,50` (control first, then the other
/// variants in alphabetical order).
public enum VariantWeights: Sendable, Equatable {
    case named([String: Double])
    case positional([Double])

    /// Parses the option; nil when it is malformed or a weight is not a positive number.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty else { return nil }
        if parts.allSatisfy({ $0.contains("=") }) {
            var weights: [String: Double] = [:]
            for part in parts {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, !pair[0].isEmpty, weights[pair[0]] == nil,
                    let weight = Double(pair[1]), weight.isFinite, weight > 0
                else { return nil }
                weights[pair[0]] = weight
            }
            self = .named(weights)
        } else {
            let weights = parts.compactMap(Double.init)
            guard weights.count == parts.count, weights.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
            self = .positional(weights)
        }
    }

    /// The weights in the order of `variants` (control first), or a reason they do not fit.
    func weights(for variants: [String]) -> Result<[Double], ABTestError> {
        switch self {
        case .positional(let weights):
            guard weights.count == variants.count else {
                return .failure(
                    .weightsDoNotFit(
                        "--weights gives \(weights.count) shares but the test has \(variants.count) variants (\(variants.joined(separator: ", ")))"))
            }
            return .success(weights)
        case .named(let weights):
            let unknown = Set(weights.keys).subtracting(variants)
            let missing = variants.filter { weights[$0] == nil }
            guard unknown.isEmpty, missing.isEmpty else {
                return .failure(
                    .weightsDoNotFit(
                        "--weights names \(weights.keys.sorted().joined(separator: ", ")) but the test's variants are \(variants.joined(separator: ", "))"))
            }
            return .success(variants.map { weights[$0]! })
        }
    }
}
