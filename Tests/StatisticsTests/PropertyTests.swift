import Foundation
import Statistics
import TestSupport
import Testing

/// Pairs of arms from 1 to 10 million users, rates from 0 to 1.
func samplePairs(count: Int, seed: UInt64) -> [(Proportion, Proportion)] {
    var generator = SplitMix64(seed: seed)
    func sampleArm() -> Proportion {
        let trials = Int(pow(10, Double.random(in: 0...7, using: &generator)))
        let rate = [0.0, 0.001, 0.01, 0.1, 0.5, 0.9, 0.999, 1.0].randomElement(using: &generator)!
        let jitter = Double.random(in: 0.9...1.1, using: &generator)
        let successes = min(trials, max(0, Int((Double(trials) * rate * jitter).rounded())))
        return Proportion(successes: successes, trials: trials)
    }
    return (0..<count).map { _ in (sampleArm(), sampleArm()) }
}

@Suite("Properties")
struct PropertyTests {
    static let pairs = samplePairs(count: 300, seed: 20_261_125)

    @Test("swapping arms flips z, the absolute uplift and its interval; p is unchanged")
    func swappingArms() throws {
        for (a, b) in Self.pairs {
            if let forward = twoProportionZTest(control: a, treatment: b).definedValue,
                let backward = twoProportionZTest(control: b, treatment: a).definedValue
            {
                #expect(forward.z == -backward.z)
                #expect(forward.pValue == backward.pValue)
            }
            let forward = try #require(absoluteUplift(control: a, treatment: b).definedValue)
            let backward = try #require(absoluteUplift(control: b, treatment: a).definedValue)
            #expect(forward.estimate == -backward.estimate)
            #expect(isClose(forward.interval.lower, -backward.interval.upper, relative: 1e-12, absolute: 1e-15))
            if let f = relativeUplift(control: a, treatment: b).definedValue,
                let g = relativeUplift(control: b, treatment: a).definedValue
            {
                // (1 + r)(1 + r') = 1 and the signs agree with the absolute uplift.
                #expect(isClose((1 + f.estimate) * (1 + g.estimate), 1, relative: 1e-12) || f.estimate == -1)
                #expect(f.estimate.sign == forward.estimate.sign || f.estimate == 0)
            }
        }
    }

    @Test("every pair of arms with users is compared; swapping them keeps p and the test, flips z")
    func everyPairIsCompared() throws {
        for (a, b) in Self.pairs {
            let forward = try #require(compareConversionRates(control: a, treatment: b).definedValue, "\(a) vs \(b)")
            let backward = try #require(compareConversionRates(control: b, treatment: a).definedValue)
            #expect((0...1).contains(forward.pValue))
            #expect(forward.method == backward.method)
            #expect(isClose(forward.pValue, backward.pValue, relative: 1e-12, absolute: 1e-300))
            #expect(forward.z == backward.z.map { -$0 })
            // z is missing exactly where the pooled variance is zero, and then Fisher decides.
            let zTest = twoProportionZTest(control: a, treatment: b)
            #expect(forward.z == zTest.definedValue?.z)
            if forward.z == nil {
                #expect(zTest.undefinedReason == .zeroVariance && forward.method == .fisher && forward.pValue == 1)
            }
            #expect(sequentialPValue(control: a, treatment: b).isDefined)
        }
    }

    @Test("chance(a, b) + chance(b, a) = 1")
    func chancesAreComplementary() throws {
        for (a, b) in Self.pairs {
            let forward = try #require(chanceToBeatControl(control: a, treatment: b).definedValue)
            let backward = try #require(chanceToBeatControl(control: b, treatment: a).definedValue)
            #expect(abs(forward + backward - 1) < 1e-12, "\(a) vs \(b)")
            #expect((0...1).contains(forward))
            let loss = try #require(expectedLoss(control: a, treatment: b).definedValue)
            #expect(loss >= 0 && loss <= 1)
        }
    }

    @Test("the expected losses differ by the difference of posterior means")
    func lossIdentity() throws {
        // E[max(c − t, 0)] − E[max(t − c, 0)] = E[c] − E[t].
        for (a, b) in Self.pairs.prefix(100) {
            let l1 = try #require(expectedLoss(control: a, treatment: b).definedValue)
            let l2 = try #require(expectedLoss(control: b, treatment: a).definedValue)
            let difference = BetaDistribution(posteriorOf: a).mean - BetaDistribution(posteriorOf: b).mean
            #expect(abs((l1 - l2) - difference) < 1e-12, "\(a) vs \(b)")
        }
    }

    @Test("for two arms the chi-square statistic is z²")
    func chiSquareIsZSquared() throws {
        for (a, b) in Self.pairs {
            guard let z = twoProportionZTest(control: a, treatment: b).definedValue else { continue }
            let chi = try #require(chiSquareIndependence([a, b]).definedValue)
            #expect(isClose(chi.statistic, z.z * z.z, relative: 1e-9, absolute: 1e-20))
            #expect(isClose(chi.pValue, z.pValue, relative: 1e-8, absolute: 1e-300))
        }
    }

    @Test("BH ≤ Holm, both ≥ raw, monotone in the raw p-values, capped at 1")
    func adjustedPValues() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let count = Int.random(in: 1...8, using: &generator)
            let raw = (0..<count).map { _ in
                [Double.random(in: 0...1, using: &generator), 1e-300, 0.05, 1].randomElement(using: &generator)!
            }
            let holm = try #require(Statistics.adjustedPValues(raw, correction: .holm).definedValue)
            let bh = try #require(Statistics.adjustedPValues(raw, correction: .benjaminiHochberg).definedValue)
            for i in raw.indices {
                #expect(bh[i] <= holm[i])
                #expect(raw[i] <= bh[i] && holm[i] <= 1)
                for j in raw.indices where raw[i] <= raw[j] {
                    #expect(holm[i] <= holm[j] && bh[i] <= bh[j])
                }
            }
        }
    }

    @Test("the sample size shrinks as the effect grows", arguments: [0.01, 0.05, 0.2, 0.5])
    func sampleSizeDecreases(baseline: Double) throws {
        var previous = Int.max
        for effect in stride(from: 0.01, through: 0.6, by: 0.01) {
            let treatment = baseline * (1 + effect)
            guard treatment <= 1 else { break }
            let users = try #require(sampleSizePerVariant(baseline: baseline, treatment: treatment).definedValue)
            #expect(users <= previous)
            previous = users
        }
    }

    @Test("Fisher's p-value agrees with the z-test for large balanced tables")
    func fisherApproachesZTest() throws {
        let control = Proportion(successes: 10_000, trials: 100_000)
        let treatment = Proportion(successes: 10_250, trials: 100_000)
        let fisher = try #require(fisherExactTest(control: control, treatment: treatment).definedValue)
        let z = try #require(twoProportionZTest(control: control, treatment: treatment).definedValue)
        #expect(abs(fisher - z.pValue) / z.pValue < 0.05)
    }
}
