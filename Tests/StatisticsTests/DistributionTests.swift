import Foundation
import Statistics
import Testing

@Suite("Distributions against mpmath and scipy")
struct DistributionTests {
    struct NormalFixture: Decodable {
        struct CDFCase: Decodable, Sendable { var x, cdf, survival: Double }
        struct QuantileCase: Decodable, Sendable { var p, quantile, upperQuantile: Double }
        var cdfCases: [CDFCase]
        var quantileCases: [QuantileCase]
    }

    struct ChiSquareFixture: Decodable {
        struct Case: Decodable, Sendable {
            var df: Int
            var x, cdf, survival: Double
        }
        var cases: [Case]
    }

    @Test(
        "standard normal cdf and survival (far tails via erfc)",
        arguments: try Fixtures.load("normal", as: NormalFixture.self).cdfCases)
    func normalCDF(c: NormalFixture.CDFCase) throws {
        let tolerance = try Fixtures.tolerance("normal")
        #expect(isClose(StandardNormal.cdf(c.x), c.cdf, relative: 1e-9, absolute: 1e-300), "Φ(\(c.x))")
        #expect(isClose(StandardNormal.survival(c.x), c.survival, relative: 1e-9, absolute: 1e-300), "1 − Φ(\(c.x))")
        // Within the reach of erfc's argument rounding the agreement is much tighter.
        if abs(c.x) <= 5 {
            #expect(isClose(StandardNormal.cdf(c.x), c.cdf, tolerance))
        }
    }

    @Test(
        "standard normal quantile (AS 241) to ~1e-15",
        arguments: try Fixtures.load("normal", as: NormalFixture.self).quantileCases)
    func normalQuantile(c: NormalFixture.QuantileCase) throws {
        let tolerance = try Fixtures.tolerance("normal")
        #expect(isClose(StandardNormal.quantile(c.p), c.quantile, tolerance), "Φ⁻¹(\(c.p))")
        #expect(isClose(StandardNormal.upperQuantile(c.p), c.upperQuantile, tolerance), "isf(\(c.p))")
    }

    @Test("normal quantile edges")
    func normalQuantileEdges() {
        #expect(StandardNormal.quantile(0) == -.infinity)
        #expect(StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(1.5).isNaN)
        #expect(StandardNormal.quantile(0.5) == 0)
        #expect(isClose(StandardNormal.density(0), 1 / (2 * Double.pi).squareRoot(), relative: 1e-15))
    }

    @Test(
        "chi-square cdf and survival, p-values down to 1e-307",
        arguments: try Fixtures.load("chi_square_distribution", as: ChiSquareFixture.self).cases)
    func chiSquare(c: ChiSquareFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("chi_square_distribution")
        let distribution = ChiSquareDistribution(degreesOfFreedom: c.df)
        #expect(isClose(distribution.cdf(c.x), c.cdf, tolerance), "cdf(\(c.x); \(c.df))")
        #expect(isClose(distribution.survival(c.x), c.survival, tolerance), "sf(\(c.x); \(c.df))")
    }
}

@Suite("Special functions against mpmath")
struct SpecialFunctionTests {
    struct SpecialFixture: Decodable {
        struct LogGammaCase: Decodable, Sendable { var x, expected: Double }
        struct LogBetaCase: Decodable, Sendable { var a, b, expected: Double }
        struct GammaCase: Decodable, Sendable { var a, x, lower, upper: Double }
        struct BetaCase: Decodable, Sendable {
            var x, a, b, lower, upper: Double
            var source: String
        }
        var logGamma: [LogGammaCase]
        var logBeta: [LogBetaCase]
        var incompleteGamma: [GammaCase]
        var incompleteBeta: [BetaCase]
    }

    static func fixture() throws -> SpecialFixture { try Fixtures.load("special_functions") }

    @Test("log-gamma", arguments: try fixture().logGamma)
    func logGammaMatches(c: SpecialFixture.LogGammaCase) {
        #expect(isClose(logGamma(c.x), c.expected, relative: 1e-14, absolute: 1e-15), "lgamma(\(c.x))")
    }

    @Test("log-beta keeps absolute accuracy for huge arguments", arguments: try fixture().logBeta)
    func logBetaMatches(c: SpecialFixture.LogBetaCase) {
        #expect(isClose(logBeta(c.a, c.b), c.expected, relative: 1e-13, absolute: 1e-13), "lbeta(\(c.a), \(c.b))")
    }

    @Test("regularised incomplete gamma P and Q", arguments: try fixture().incompleteGamma)
    func incompleteGamma(c: SpecialFixture.GammaCase) throws {
        let tolerance = try Fixtures.tolerance("special_functions")
        #expect(isClose(regularizedGammaP(c.a, c.x), c.lower, tolerance), "P(\(c.a), \(c.x))")
        #expect(isClose(regularizedGammaQ(c.a, c.x), c.upper, tolerance), "Q(\(c.a), \(c.x))")
    }

    @Test("regularised incomplete beta and its complement", arguments: try fixture().incompleteBeta)
    func incompleteBeta(c: SpecialFixture.BetaCase) throws {
        let tolerance = try Fixtures.tolerance("special_functions")
        #expect(
            isClose(regularizedIncompleteBeta(c.x, a: c.a, b: c.b), c.lower, tolerance),
            "I_\(c.x)(\(c.a), \(c.b)) [\(c.source)]")
        #expect(
            isClose(regularizedIncompleteBetaComplement(c.x, a: c.a, b: c.b), c.upper, tolerance),
            "1 − I_\(c.x)(\(c.a), \(c.b)) [\(c.source)]")
        let distribution = BetaDistribution(alpha: c.a, beta: c.b)
        #expect(isClose(distribution.cdf(c.x) + distribution.survival(c.x), 1, relative: 1e-14))
    }

    @Test("invalid arguments give NaN, not a trap")
    func invalidArguments() {
        #expect(regularizedGammaP(-1, 2).isNaN)
        #expect(regularizedGammaQ(1, -2).isNaN)
        #expect(regularizedIncompleteBeta(2, a: 1, b: 1).isNaN)
        #expect(logBeta(-1, 2).isNaN)
        #expect(regularizedGammaQ(3, 0) == 1)
        #expect(regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
    }
}
