import Foundation
import Statistics
import Testing

/// Student's t, Welch's test, the mean and difference intervals and the delta-method ratio
/// interval against `Fixtures/welch_t.json` (scipy and statsmodels), and their degenerate cases.
@Suite struct WelchTTestTests {
    struct File: Decodable {
        struct Point: Decodable {
            var t: Double?
            var q: Double?
            var df: Double
            var sf: Double?
            var cdf: Double?
            var isf: Double?
        }
        struct Case: Decodable {
            var label: String
            var alpha: Double
            var control: [Double]
            var treatment: [Double]
            var statistic: Double
            var pValue: Double
            var df: Double
            var differenceInterval: [Double]
            var controlMeanInterval: [Double]
            var treatmentMeanInterval: [Double]
            var relative: Double
            var relativeInterval: [Double]
        }
        var distribution: [Point]
        var cases: [Case]
    }

    static func sample(_ values: [Double]) -> MeanSample {
        MeanSample(count: Int(values[0]), mean: values[1], variance: values[2])
    }

    @Test func studentTMatchesScipy() throws {
        let file = try Fixtures.load("welch_t", as: File.self)
        let tolerance = try Fixtures.tolerance("welch_t")
        for point in file.distribution {
            if let t = point.t, let sf = point.sf, let cdf = point.cdf {
                #expect(isClose(StudentT.survival(t, degreesOfFreedom: point.df), sf, relative: 1e-9, absolute: 1e-300), "sf(\(t), \(point.df))")
                #expect(isClose(StudentT.cdf(t, degreesOfFreedom: point.df), cdf, relative: 1e-9, absolute: 1e-300), "cdf(\(t), \(point.df))")
            }
            if let q = point.q, let isf = point.isf {
                #expect(isClose(StudentT.upperQuantile(q, degreesOfFreedom: point.df), isf, tolerance), "isf(\(q), \(point.df))")
            }
        }
    }

    @Test func welchAndItsIntervalsMatchScipyAndStatsmodels() throws {
        let file = try Fixtures.load("welch_t", as: File.self)
        let tolerance = try Fixtures.tolerance("welch_t")
        #expect(file.cases.count >= 12)
        for fixture in file.cases {
            let control = Self.sample(fixture.control), treatment = Self.sample(fixture.treatment)
            let label = "\(fixture.label) α=\(fixture.alpha)"
            let test = try #require(welchTTest(control: control, treatment: treatment).definedValue, "\(label)")
            #expect(isClose(test.statistic, fixture.statistic, tolerance), "\(label): t \(test.statistic) vs \(fixture.statistic)")
            #expect(isClose(test.degreesOfFreedom, fixture.df, tolerance), "\(label): df")
            #expect(isClose(test.pValue, fixture.pValue, tolerance), "\(label): p \(test.pValue) vs \(fixture.pValue)")
            let difference = try #require(absoluteMeanDifference(control: control, treatment: treatment, alpha: fixture.alpha).definedValue)
            #expect(isClose(difference.interval.lower, fixture.differenceInterval[0], tolerance), "\(label): difference low")
            #expect(isClose(difference.interval.upper, fixture.differenceInterval[1], tolerance), "\(label): difference high")
            for (sample, expected, name) in [(control, fixture.controlMeanInterval, "control"), (treatment, fixture.treatmentMeanInterval, "treatment")] {
                let interval = try #require(meanInterval(sample, alpha: fixture.alpha).definedValue).interval
                #expect(isClose(interval.lower, expected[0], tolerance) && isClose(interval.upper, expected[1], tolerance), "\(label): \(name) mean")
            }
            let relative = try #require(relativeMeanDifference(control: control, treatment: treatment, alpha: fixture.alpha).definedValue)
            #expect(isClose(relative.estimate, fixture.relative, tolerance), "\(label): relative")
            #expect(isClose(relative.interval.lower, fixture.relativeInterval[0], tolerance), "\(label): relative low")
            #expect(isClose(relative.interval.upper, fixture.relativeInterval[1], tolerance), "\(label): relative high")
        }
    }

    @Test func degenerateSamplesGiveTheFormulasAnswerOrAReason() {
        let one = MeanSample(count: 1, mean: 5, variance: 0), some = MeanSample(count: 10, mean: 5, variance: 4)
        #expect(welchTTest(control: one, treatment: some).undefinedReason == .tooFewUsers)
        #expect(meanInterval(one).undefinedReason == .tooFewUsers)
        // Everybody in both arms spent the same: nothing to test.
        let flat = MeanSample(count: 100, mean: 0, variance: 0)
        #expect(welchTTest(control: flat, treatment: flat).undefinedReason == .constantValues)
        #expect(absoluteMeanDifference(control: flat, treatment: flat).definedValue?.interval == ConfidenceInterval(lower: 0, upper: 0))
        // No spread but different values: the difference is certain.
        let higher = MeanSample(count: 100, mean: 2, variance: 0)
        let certain = welchTTest(control: flat, treatment: higher).definedValue
        #expect(certain?.pValue == 0 && certain?.statistic == .infinity)
        // A control that earned nothing has no baseline for a relative change.
        #expect(relativeMeanDifference(control: MeanSample(count: 50, mean: 0, variance: 0), treatment: some).undefinedReason == .zeroBaselineMean)
        #expect(meanInterval(some, alpha: 1).undefinedReason == .invalidAlpha)
    }
}
