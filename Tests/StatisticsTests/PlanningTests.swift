import Foundation
import Statistics
import Testing

@Suite("Multiple testing and sample size against statsmodels and scipy")
struct PlanningTests {
    struct MultipleTestingFixture: Decodable {
        struct Case: Decodable, Sendable { var pValues, holm, bh: [Double] }
        var cases: [Case]
    }

    struct SampleSizeFixture: Decodable {
        struct Case: Decodable, Sendable {
            var baseline, treatment, alpha, power: Double
            var users: Int?
            var undefined: String?
        }
        struct MeansCase: Decodable, Sendable {
            var varianceControl, varianceTreatment, difference, alpha, power: Double
            var users: Int?
            var undefined: String?
        }
        var cases: [Case]
        var means: [MeansCase]
    }

    @Test(
        "Holm and Benjamini–Hochberg as statsmodels multipletests",
        arguments: try Fixtures.load("multiple_testing", as: MultipleTestingFixture.self).cases)
    func multipleTesting(c: MultipleTestingFixture.Case) throws {
        let tolerance = try Fixtures.tolerance("multiple_testing")
        let holm = try #require(adjustedPValues(c.pValues, correction: .holm).definedValue)
        let bh = try #require(adjustedPValues(c.pValues, correction: .benjaminiHochberg).definedValue)
        #expect(holm.count == c.holm.count && bh.count == c.bh.count)
        for (actual, expected) in zip(holm, c.holm) { #expect(isClose(actual, expected, tolerance), "Holm \(c.pValues)") }
        for (actual, expected) in zip(bh, c.bh) { #expect(isClose(actual, expected, tolerance), "BH \(c.pValues)") }
        #expect(adjustedPValues(c.pValues, correction: .none).definedValue == c.pValues)
    }

    @Test("multiple-testing edges")
    func multipleTestingEdges() {
        #expect(adjustedPValues([], correction: .holm).definedValue == [])
        #expect(adjustedPValues([0.2, 1.5], correction: .holm).undefinedReason == .invalidProbability)
        #expect(adjustedPValues([.nan], correction: .benjaminiHochberg).undefinedReason == .invalidProbability)
        #expect(adjustedPValues([0.03], correction: .holm).definedValue == [0.03])
        #expect(adjustedPValues([0.03], correction: .benjaminiHochberg).definedValue == [0.03])
    }

    @Test(
        "users needed per variant for 80 % power",
        arguments: try Fixtures.load("sample_size", as: SampleSizeFixture.self).cases)
    func sampleSize(c: SampleSizeFixture.Case) {
        let result = sampleSizePerVariant(baseline: c.baseline, treatment: c.treatment, alpha: c.alpha, power: c.power)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
        } else {
            #expect(result.definedValue == c.users)
        }
    }

    @Test(
        "users needed per variant to detect a difference in means",
        arguments: try Fixtures.load("sample_size", as: SampleSizeFixture.self).means)
    func sampleSizeOfMeans(c: SampleSizeFixture.MeansCase) {
        let result = sampleSizePerVariant(
            varianceControl: c.varianceControl, varianceTreatment: c.varianceTreatment, difference: c.difference,
            alpha: c.alpha, power: c.power)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
        } else {
            #expect(result.definedValue == c.users)
        }
    }

    @Test("a minimum detectable effect sets the treatment rate to p_c·(1 + mde)")
    func minimumDetectableEffect() {
        #expect(
            sampleSizePerVariant(baseline: 0.1, minimumDetectableEffect: 0.05)
                == sampleSizePerVariant(baseline: 0.1, treatment: 0.1 * 1.05))
        #expect(sampleSizePerVariant(baseline: 0.1, minimumDetectableEffect: 0).undefinedReason == .identicalRates)
        #expect(sampleSizePerVariant(baseline: 0, minimumDetectableEffect: 0.1).undefinedReason == .identicalRates)
        #expect(sampleSizePerVariant(baseline: 0.1, treatment: 0.1 + 1e-12).undefinedReason == .effectTooSmall)
        #expect(sampleSizePerVariant(baseline: 0.1, treatment: 0.2, alpha: 0).undefinedReason == .invalidAlpha)
        #expect(sampleSizePerVariant(baseline: 0.1, treatment: 0.2, power: 1).undefinedReason == .invalidAlpha)
    }
}
