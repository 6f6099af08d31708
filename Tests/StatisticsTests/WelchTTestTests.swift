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

/// The CUPED relative difference is the delta method of (a − b)/c with correlated b and c.
@Suite struct AdjustedRelativeDifferenceTests {
    @Test("without adjustment it is the ratio of means' delta-method interval")
    func unadjustedIsTheRatioInterval() throws {
        for (control, treatment) in [
            (MeanSample(count: 2000, mean: 2.1, variance: 180), MeanSample(count: 2000, mean: 2.6, variance: 240)),
            (MeanSample(count: 30, mean: 10, variance: 4), MeanSample(count: 45, mean: 7.5, variance: 9)),
        ] {
            let plain = try #require(relativeMeanDifference(control: control, treatment: treatment, alpha: 0.05).definedValue)
            let adjusted = try #require(
                relativeMeanDifference(
                    adjustedControl: control, adjustedTreatment: treatment, control: control, covariance: control.variance,
                    alpha: 0.05
                ).definedValue)
            #expect(isClose(adjusted.estimate, plain.estimate, relative: 1e-12, absolute: 1e-15))
            #expect(isClose(adjusted.interval.lower, plain.interval.lower, relative: 1e-12, absolute: 1e-15))
            #expect(isClose(adjusted.interval.upper, plain.interval.upper, relative: 1e-12, absolute: 1e-15))
        }
    }

    @Test("a smaller adjusted variance narrows the interval; a zero control mean has no baseline")
    func adjustmentNarrows() throws {
        let control = MeanSample(count: 1000, mean: 5, variance: 100)
        let treatment = MeanSample(count: 1000, mean: 5.5, variance: 110)
        let plain = try #require(relativeMeanDifference(control: control, treatment: treatment).definedValue)
        // ρ² = 0.6: Y' keeps 40 % of the variance, and cov(Y', Y) = var(Y) − θ·cov(X, Y) = 40 % of var(Y).
        let narrowed = try #require(
            relativeMeanDifference(
                adjustedControl: MeanSample(count: 1000, mean: 5, variance: 40),
                adjustedTreatment: MeanSample(count: 1000, mean: 5.5, variance: 44), control: control, covariance: 40
            ).definedValue)
        #expect(narrowed.interval.width < plain.interval.width * 0.7)
        #expect(isClose(narrowed.estimate, 0.1, relative: 1e-12, absolute: 0))
        let zero = MeanSample(count: 10, mean: 0, variance: 0)
        #expect(
            relativeMeanDifference(adjustedControl: zero, adjustedTreatment: treatment, control: zero, covariance: 0).undefinedReason
                == .zeroBaselineMean)
    }
}
