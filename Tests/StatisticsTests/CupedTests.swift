import Foundation
import Statistics
import Testing

/// CUPED against `Fixtures/cuped.json` (numpy on the per-user values), and its degenerate cases.
@Suite struct CupedTests {
    struct File: Decodable {
        struct Variant: Decodable {
            var count: Int
            var meanY: Double
            var varianceY: Double
            var meanX: Double
            var varianceX: Double
            var covariance: Double
        }
        struct Case: Decodable {
            var label: String
            var variants: [Variant]
            var theta: Double
            var varianceReduction: Double
            var adjusted: [[Double]]
        }
        var cases: [Case]
    }

    static func samples(_ variants: [File.Variant]) -> [CovariateSample] {
        variants.map {
            CovariateSample(
                count: $0.count, meanY: $0.meanY, varianceY: $0.varianceY, meanX: $0.meanX, varianceX: $0.varianceX, covariance: $0.covariance)
        }
    }

    @Test("θ, the adjusted means and variances and the variance reduction match numpy on the per-user values")
    func matchesNumpy() throws {
        let file = try Fixtures.load("cuped", as: File.self)
        let tolerance = try Fixtures.tolerance("cuped")
        #expect(file.cases.count >= 8)
        for fixture in file.cases {
            let label = fixture.label
            let result = try #require(cupedAdjustment(Self.samples(fixture.variants)).definedValue, "\(label)")
            #expect(isClose(result.theta, fixture.theta, tolerance), "\(label): θ \(result.theta) vs \(fixture.theta)")
            #expect(
                isClose(result.varianceReduction, fixture.varianceReduction, tolerance),
                "\(label): reduction \(result.varianceReduction) vs \(fixture.varianceReduction)")
            #expect(result.variants.count == fixture.adjusted.count)
            for (sample, expected) in zip(result.variants, fixture.adjusted) {
                #expect(sample.count == Int(expected[0]), "\(label): count")
                #expect(isClose(sample.mean, expected[1], tolerance), "\(label): mean \(sample.mean) vs \(expected[1])")
                #expect(isClose(sample.variance, expected[2], tolerance), "\(label): variance \(sample.variance) vs \(expected[2])")
            }
        }
    }

    @Test("the adjustment does not depend on the order of the variants, and keeps the difference's sign when X is balanced")
    func properties() throws {
        let file = try Fixtures.load("cuped", as: File.self)
        for fixture in file.cases {
            let samples = Self.samples(fixture.variants)
            let forward = try #require(cupedAdjustment(samples).definedValue)
            let backward = try #require(cupedAdjustment(samples.reversed()).definedValue)
            #expect(isClose(backward.theta, forward.theta, relative: 1e-12, absolute: 1e-15), "\(fixture.label)")
            #expect(zip(backward.variants.reversed(), forward.variants).allSatisfy { isClose($0.mean, $1.mean, relative: 1e-12) })
            // The reduction is ρ², so the adjusted pooled variance is below the original one.
            #expect(forward.varianceReduction >= 0 && forward.varianceReduction <= 1)
        }
    }

    @Test("degenerate moments give a reason or the formula's value, never NaN")
    func degenerate() throws {
        let a = CovariateSample(count: 100, meanY: 5, varianceY: 4, meanX: 3, varianceX: 2, covariance: 1.5)
        let b = CovariateSample(count: 120, meanY: 5.5, varianceY: 5, meanX: 3.1, varianceX: 2.2, covariance: 1.9)
        // Nobody's pre-period value varies: within each variant and between them.
        let flat = CovariateSample(count: 50, meanY: 5, varianceY: 4, meanX: 7, varianceX: 0, covariance: 0)
        #expect(cupedAdjustment([flat, flat]).undefinedReason == .constantCovariate)
        #expect(UndefinedReason.constantCovariate.description == "undefined, because nobody's pre-period value varies, so it explains nothing")
        // Constant within each variant but different between them: X still varies.
        let other = CovariateSample(count: 50, meanY: 6, varianceY: 4, meanX: 8, varianceX: 0, covariance: 0)
        let between = try #require(cupedAdjustment([flat, other]).definedValue)
        #expect(isClose(between.theta, 1, relative: 1e-12))
        #expect(between.variants.allSatisfy { $0.mean.isFinite && $0.variance >= 0 })
        // Fewer than two users in all.
        let empty = CovariateSample(count: 0, meanY: .nan, varianceY: .nan, meanX: .nan, varianceX: .nan, covariance: .nan)
        let single = CovariateSample(count: 1, meanY: 3, varianceY: 0, meanX: 1, varianceX: 0, covariance: 0)
        #expect(cupedAdjustment([]).undefinedReason == .tooFewUsers)
        #expect(cupedAdjustment([empty, empty]).undefinedReason == .tooFewUsers)
        #expect(cupedAdjustment([empty, single]).undefinedReason == .tooFewUsers)
        // An empty variant keeps a count of 0 and does not disturb the others.
        let withEmpty = try #require(cupedAdjustment([a, empty, b]).definedValue)
        let without = try #require(cupedAdjustment([a, b]).definedValue)
        #expect(withEmpty.variants[1] == MeanSample(count: 0, mean: 0, variance: 0))
        #expect(withEmpty.theta == without.theta && withEmpty.variants[0] == without.variants[0])
        // A variant of one user: its variance fields (NULL in SQL) are not read.
        let lone = CovariateSample(count: 1, meanY: 9, varianceY: .nan, meanX: 4, varianceX: .nan, covariance: .nan)
        let withLone = try #require(cupedAdjustment([a, lone]).definedValue)
        #expect(withLone.variants[1].count == 1 && withLone.variants[1].variance == 0 && withLone.variants[1].mean.isFinite)
        // Y constant: nothing to reduce, θ = 0.
        let constantY = CovariateSample(count: 30, meanY: 2, varianceY: 0, meanX: 3, varianceX: 1, covariance: 0)
        let unchanged = try #require(cupedAdjustment([constantY, constantY]).definedValue)
        #expect(unchanged.theta == 0 && unchanged.varianceReduction == 0 && unchanged.variants[0].variance == 0)
        // Perfectly correlated: the adjusted variance is 0 (held there against rounding), the reduction 1.
        let line = CovariateSample(count: 40, meanY: 2 * 3.3 + 1, varianceY: 4 * 1.7, meanX: 3.3, varianceX: 1.7, covariance: 2 * 1.7)
        let exact = try #require(cupedAdjustment([line, line]).definedValue)
        #expect(isClose(exact.theta, 2, relative: 1e-12) && isClose(exact.varianceReduction, 1, relative: 1e-12))
        #expect(exact.variants.allSatisfy { $0.variance >= 0 && $0.variance < 1e-12 })
        // Invalid moments.
        var negative = a
        negative.varianceX = -1
        #expect(cupedAdjustment([negative, b]).undefinedReason == .invalidMoments)
        var infinite = a
        infinite.meanY = .infinity
        #expect(cupedAdjustment([infinite, b]).undefinedReason == .invalidMoments)
        var negativeCount = a
        negativeCount.count = -3
        #expect(cupedAdjustment([negativeCount, b]).undefinedReason == .invalidMoments)
        var huge = a
        huge.varianceX = 1e308
        huge.count = 1_000_000
        #expect(cupedAdjustment([huge, b]).undefinedReason == .invalidMoments)
    }

    @Test("the adjusted samples feed Welch's test, with a smaller standard error than the raw metric")
    func feedsWelch() throws {
        let control = CovariateSample(count: 5000, meanY: 10, varianceY: 25, meanX: 9.8, varianceX: 24, covariance: 20)
        let treatment = CovariateSample(count: 5000, meanY: 10.3, varianceY: 26, meanX: 9.9, varianceX: 25, covariance: 21)
        let adjusted = try #require(cupedAdjustment([control, treatment]).definedValue)
        let raw = try #require(
            welchTTest(
                control: MeanSample(count: 5000, mean: 10, variance: 25), treatment: MeanSample(count: 5000, mean: 10.3, variance: 26)
            ).definedValue)
        let better = try #require(welchTTest(control: adjusted.variants[0], treatment: adjusted.variants[1]).definedValue)
        #expect(better.pValue.isFinite && raw.pValue.isFinite)
        #expect(adjusted.variants[0].variance < 25 && adjusted.variants[1].variance < 26)
        #expect(adjusted.varianceReduction > 0.6)
    }
}
