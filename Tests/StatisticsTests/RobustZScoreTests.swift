import Foundation
import Statistics
import Testing

/// The robust z-score of `check`'s anomaly rules against `Fixtures/robust_z.json` (numpy and
/// scipy's `median_abs_deviation`), and its constant-baseline case.
@Suite struct RobustZScoreTests {
    struct File: Decodable {
        struct Case: Decodable {
            var baseline: [Double]
            var value: Double
            var median: Double
            var mad: Double
            var scaledMad: Double
            var z: Double?
        }
        var cases: [Case]
    }

    @Test func matchesScipy() throws {
        let file = try Fixtures.load("robust_z", as: File.self)
        #expect(file.cases.count >= 7)
        for item in file.cases {
            let score = RobustZScore(value: item.value, baseline: item.baseline)
            #expect(abs(score.median - item.median) <= 1e-12 * max(1, abs(item.median)))
            #expect(abs(score.medianAbsoluteDeviation - item.mad) <= 1e-12 * max(1, item.mad))
            #expect(abs(score.scale - item.scaledMad) <= 1e-12 * max(1, item.scaledMad))
            if let z = item.z {
                let ours = try #require(score.score)
                #expect(abs(ours - z) <= 1e-10 * max(1, abs(z)), "z for \(item.baseline)")
            } else {
                #expect(score.score == nil)
            }
        }
    }

    /// A baseline that never varies has MAD 0: no z-score, and any departure counts as beyond
    /// every threshold while the median itself does not.
    @Test func constantBaselineFlagsAnyDeparture() {
        let same = RobustZScore(value: 40, baseline: Array(repeating: 40, count: 8))
        #expect(same.score == nil)
        #expect(!same.exceeds(3.5))
        let other = RobustZScore(value: 41, baseline: Array(repeating: 40, count: 8))
        #expect(other.exceeds(1_000))
    }

    /// One wild week in the baseline barely moves the median and the MAD.
    @Test func anOutlierInTheBaselineDoesNotHideTheNextOne() {
        let score = RobustZScore(value: 300, baseline: [100, 104, 98, 97, 3_000, 101, 99, 102])
        #expect((score.score ?? 0) > 50)
    }
}
