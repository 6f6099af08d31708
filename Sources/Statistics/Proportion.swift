/// Successes out of trials: the sufficient statistic of a conversion rate.
public struct Proportion: Sendable, Hashable {
    public var successes: Int
    public var trials: Int

    public init(successes: Int, trials: Int) {
        precondition(
            trials >= 0 && successes >= 0 && successes <= trials,
            "a proportion needs 0 ≤ successes ≤ trials")
        self.successes = successes
        self.trials = trials
    }

    /// A proportion from counts that may be inconsistent (e.g. read from a database), or `nil`
    /// unless 0 ≤ successes ≤ trials; never traps.
    public init?(validatingSuccesses successes: Int, trials: Int) {
        guard trials >= 0, successes >= 0, successes <= trials else { return nil }
        self.successes = successes
        self.trials = trials
    }

    /// successes / trials; NaN never escapes: an empty arm has rate 0 and callers check `trials`.
    public var rate: Double { trials == 0 ? 0 : Double(successes) / Double(trials) }

    /// trials − successes: the users who did not convert.
    public var failures: Int { trials - successes }
}
