/// One variant's per-user metric Y with its pre-period covariate X (the same metric in the weeks
/// before the test, say), as PostgreSQL's `count`, `avg`, `var_samp` and `covar_samp` give them:
/// sample variances and covariance with n − 1 in the denominator.
///
/// A variant with one user has no sample variance (SQL gives NULL); its variances and
/// covariance are not read, so any finite value (0) will do. A variant with no users is not read at all.
public struct CovariateSample: Sendable, Hashable {
    public var count: Int
    public var meanY: Double
    public var varianceY: Double
    public var meanX: Double
    public var varianceX: Double
    /// Σ (xᵢ − x̄)(yᵢ − ȳ) / (n − 1).
    public var covariance: Double

    public init(count: Int, meanY: Double, varianceY: Double, meanX: Double, varianceX: Double, covariance: Double) {
        self.count = count
        self.meanY = meanY
        self.varianceY = varianceY
        self.meanX = meanX
        self.varianceX = varianceX
        self.covariance = covariance
    }
}
