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
    /// The mixing standard deviation τ of the sequential test.
    public var tau: Double
    /// The metric the verdict decides on (`--metric`); the other is shown beside it.
    public var metric: Metric

    public enum Metric: String, Sendable, CaseIterable {
        case conversion
        case revenue
    }

    public init(
        alpha: Double = 0.05, correction: MultipleTestingCorrection = .holm, control: String? = nil,
        weights: VariantWeights? = nil, minimumDetectableEffect: Double? = nil,
        isSequential: Bool = false, tau: Double = 0.01, metric: Metric = .conversion
    ) {
        self.metric = metric
        self.alpha = alpha
        self.correction = correction
        self.control = control
        self.weights = weights
        self.minimumDetectableEffect = minimumDetectableEffect
        self.isSequential = isSequential
        self.tau = tau
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
