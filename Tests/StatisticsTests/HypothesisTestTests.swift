import Foundation
import Statistics
import Testing

@Suite("Hypothesis tests against scipy and statsmodels")
struct HypothesisTestTests {
    struct FisherFixture: Decodable {
        struct Case: Decodable, Sendable {
            var table: [Int]
            var pValue: Double
            var scipyPValue: Double
        }
        var cases: [Case]
    }

    struct ZTestFixture: Decodable {
        struct Case: Decodable, Sendable {
            var control, treatment: [Int]
            var z, pValue, pValueLarger: Double?
            var undefined: String?
        }
        var cases: [Case]
    }

    struct ChiSquareFixture: Decodable {
        struct GoodnessCase: Decodable, Sendable {
            var observed: [Int]
            var weights: [Double]?
            var statistic, pValue: Double?
            var df: Int?
            var undefined: String?
        }
        struct IndependenceCase: Decodable, Sendable {
            var arms: [[Int]]
            var statistic, scipyStatistic, pValue: Double?
            var df: Int?
            var undefined: String?
        }
        var goodnessOfFit: [GoodnessCase]
        var independence: [IndependenceCase]
    }

    struct SequentialFixture: Decodable {
        struct Case: Decodable, Sendable {
            var control, treatment: [Int]
            var tau: Double
            var pValue: Double?
            var undefined: String?
        }
        var cases: [Case]
    }

    @Test(
        "Fisher's exact test, small and 10-million-user tables, p down to 1e-296",
        arguments: try Fixtures.load("fisher_exact", as: FisherFixture.self).cases)
    func fisher(c: FisherFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("fisher_exact")
        let t = c.table
        let p = try #require(fisherExactTest(t[0], t[1], t[2], t[3]))
        #expect(isClose(p, c.pValue, tolerance), "exact reference for \(t)")
        #expect(isClose(p, c.scipyPValue, tolerance), "scipy fisher_exact for \(t)")
        // Transposing the table or swapping its rows does not change a two-sided p-value.
        #expect(isClose(fisherExactTest(t[0], t[2], t[1], t[3]) ?? -1, p, relative: 1e-12, absolute: 1e-300))
        #expect(isClose(fisherExactTest(t[2], t[3], t[0], t[1]) ?? -1, p, relative: 1e-12, absolute: 1e-300))
    }

    @Test("pooled two-proportion z-test", arguments: try Fixtures.load("two_proportion_ztest", as: ZTestFixture.self).cases)
    func zTest(c: ZTestFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("two_proportion_ztest")
        let result = twoProportionZTest(control: arm(c.control), treatment: arm(c.treatment))
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            return
        }
        let value = try #require(result.definedValue)
        #expect(isClose(value.z, try #require(c.z), relative: 1e-9, absolute: 1e-15))
        #expect(isClose(value.pValue, try #require(c.pValue), tolerance))
        #expect(isClose(value.pValueHigher, try #require(c.pValueLarger), tolerance))
    }

    @Test(
        "chi-square goodness of fit (SRM) with weights",
        arguments: try Fixtures.load("chi_square_tests", as: ChiSquareFixture.self).goodnessOfFit)
    func goodnessOfFit(c: ChiSquareFixture.GoodnessCase) throws {
        let tolerance = try Fixtures.tolerance("chi_square_tests")
        let result = chiSquareGoodnessOfFit(observed: c.observed, weights: c.weights)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            return
        }
        let value = try #require(result.definedValue)
        #expect(isClose(value.statistic, try #require(c.statistic), relative: 1e-9, absolute: 1e-12))
        #expect(value.degreesOfFreedom == c.df)
        #expect(isClose(value.pValue, try #require(c.pValue), tolerance))
    }

    @Test(
        "chi-square test of independence, r×2, no continuity correction",
        arguments: try Fixtures.load("chi_square_tests", as: ChiSquareFixture.self).independence)
    func independence(c: ChiSquareFixture.IndependenceCase) throws {
        let tolerance = try Fixtures.tolerance("chi_square_tests")
        let result = chiSquareIndependence(c.arms.map(arm))
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            return
        }
        let value = try #require(result.definedValue)
        #expect(isClose(value.statistic, try #require(c.statistic), relative: 1e-12, absolute: 1e-12))
        #expect(isClose(value.statistic, try #require(c.scipyStatistic), relative: 1e-9, absolute: 1e-9))
        #expect(value.degreesOfFreedom == c.df)
        #expect(isClose(value.pValue, try #require(c.pValue), tolerance))
    }

    @Test("mixture-SPRT always-valid p-value", arguments: try Fixtures.load("sequential", as: SequentialFixture.self).cases)
    func sequential(c: SequentialFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("sequential")
        let result = sequentialPValue(control: arm(c.control), treatment: arm(c.treatment), tau: c.tau)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            return
        }
        #expect(isClose(try #require(result.definedValue), try #require(c.pValue), tolerance))
    }

    @Test("sample-ratio mismatch flags only with p < 0.001 and at least 8 users per variant")
    func sampleRatioMismatchRule() throws {
        let skewed = try #require(sampleRatioMismatch(users: [100000, 117000]).definedValue)
        #expect(skewed.isFlagged)
        #expect(skewed.pValue < 1e-280)
        let tiny = try #require(sampleRatioMismatch(users: [0, 100]).definedValue)
        #expect(tiny.pValue < 0.001)
        #expect(!tiny.isFlagged)
        let weighted = try #require(sampleRatioMismatch(users: [2000, 1000], weights: [2, 1]).definedValue)
        #expect(weighted.pValue == 1)
        #expect(!weighted.isFlagged)
        #expect(sampleRatioMismatch(users: [5]).undefinedReason == .tooFewGroups)
    }

    @Test("Fisher's exact test on ten million users per arm is fast")
    func fisherIsFast() throws {
        let clock = ContinuousClock()
        var p = 0.0
        let elapsed = clock.measure {
            p = fisherExactTest(100_000, 9_900_000, 101_000, 9_899_000) ?? -1
        }
        #expect(p > 0 && p < 0.05)
        #expect(elapsed < .milliseconds(100), "took \(elapsed)")
    }
}
