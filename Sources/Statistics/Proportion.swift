/// Successes out of trials: the sufficient statistic of a conversion rate.
public struct Proportion: Sendable, Hashable {
    public var successes: Int
    public var trials: Int

    public init(successes: Int, trials: Int) {
        precondition(trials >= 0 && successes >= 0 && successes <= trials,
                     "a proportion needs 0 ≤ successes ≤ trials")
        self.successes = successes
        self.trials = trials
    }

    /// successes / trials; NaN never escapes: an empty arm has rate 0 and callers check `trials`.
    public var rate: Double { trials == 0 ? 0 : Double(successes) / Double(trials) }
}
