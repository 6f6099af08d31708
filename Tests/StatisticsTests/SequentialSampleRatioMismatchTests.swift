import Foundation
import Statistics
import Testing

/// The always-valid sample-ratio-mismatch check against `Fixtures/sequential_srm.json` (mpmath
/// log-gamma at 50 digits), and its degenerate cases.
@Suite struct SequentialSampleRatioMismatchTests {
    struct File: Decodable {
        struct Case: Decodable, Sendable, CustomTestStringConvertible {
            var users: [Int]
            var weights: [Double]?
            var concentration: Double?
            var logBayesFactor: Double?
            var pValue: Double?
            var flagged: Bool?
            var undefined: String?

            var testDescription: String { "\(users) weights \(weights.map { "\($0)" } ?? "equal") k \(concentration ?? 100)" }
        }
        var cases: [Case]
    }

    @Test("Bayes factor, p-value and flag match mpmath", arguments: try Fixtures.load("sequential_srm", as: File.self).cases)
    func matchesMpmath(c: File.Case) throws {
        let tolerance = try Fixtures.tolerance("sequential_srm")
        let result = sequentialSampleRatioMismatch(users: c.users, weights: c.weights, priorConcentration: c.concentration ?? 100)
        if let reason = c.undefined {
            #expect(result.undefinedReason?.rawValue == reason)
            return
        }
        let value = try #require(result.definedValue)
        let logBayesFactor = try #require(c.logBayesFactor)
        // log BF to 1e-9 absolute is p to 1e-9 relative.
        #expect(isClose(value.logBayesFactor, logBayesFactor, relative: 1e-12, absolute: 1e-9), "log BF \(value.logBayesFactor) vs \(logBayesFactor)")
        #expect(isClose(value.pValue, try #require(c.pValue), tolerance), "p \(value.pValue) vs \(c.pValue ?? .nan)")
        #expect(value.isFlagged == c.flagged)
    }

    @Test("the fixture covers balance, slight and gross imbalance, three and five variants, weights and ten million users")
    func coverage() throws {
        let cases = try Fixtures.load("sequential_srm", as: File.self).cases
        #expect(cases.count >= 30)
        #expect(cases.contains { $0.users.count >= 3 } && cases.contains { $0.weights != nil })
        #expect(cases.contains { $0.users.contains(10_000_000) && ($0.pValue ?? 1) < 1 && ($0.pValue ?? 0) > 1e-3 })
        #expect(cases.contains { $0.flagged == true } && cases.contains { $0.users.allSatisfy { $0 == 0 } })
    }

    @Test("degenerate inputs give a reason or the formula's value, never NaN")
    func degenerate() throws {
        // No users: BF = 1, nothing against the split.
        let nobody = try #require(sequentialSampleRatioMismatch(users: [0, 0]).definedValue)
        #expect(nobody.pValue == 1 && nobody.logBayesFactor == 0 && !nobody.isFlagged)
        // One variant empty: strong evidence with enough users, but too few to flag.
        let oneSided = try #require(sequentialSampleRatioMismatch(users: [0, 100]).definedValue)
        #expect(oneSided.pValue < 1e-10 && !oneSided.isFlagged)
        #expect(sequentialSampleRatioMismatch(users: [5]).undefinedReason == .tooFewGroups)
        #expect(sequentialSampleRatioMismatch(users: []).undefinedReason == .tooFewGroups)
        #expect(sequentialSampleRatioMismatch(users: [5, 6], weights: [1]).undefinedReason == .invalidWeights)
        #expect(sequentialSampleRatioMismatch(users: [5, 6], weights: [1, .nan]).undefinedReason == .invalidWeights)
        #expect(sequentialSampleRatioMismatch(users: [5, 6], weights: [1e308, 1e308]).undefinedReason == .invalidWeights)
        #expect(sequentialSampleRatioMismatch(users: [5, 6], weights: [5e-324, 1e300]).undefinedReason == .invalidWeights)
        #expect(sequentialSampleRatioMismatch(users: [5, -6]).undefinedReason == .invalidWeights)
        #expect(sequentialSampleRatioMismatch(users: [5, 6], priorConcentration: 0).undefinedReason == .invalidParameter)
        #expect(sequentialSampleRatioMismatch(users: [5, 6], priorConcentration: .infinity).undefinedReason == .invalidParameter)
        // Huge and lopsided counts: p underflows to 0, never NaN.
        for users in [[Int.max / 4, 0], [1 << 40, 1 << 41], [1_000_000_000, 1_000_000_001], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]] {
            let value = try #require(sequentialSampleRatioMismatch(users: users).definedValue, "\(users)")
            #expect(value.pValue >= 0 && value.pValue <= 1 && !value.logBayesFactor.isNaN, "\(users)")
        }
        // Tiny intended shares.
        let rare = try #require(sequentialSampleRatioMismatch(users: [1000, 0], weights: [1, 1e-200]).definedValue)
        #expect(rare.pValue.isFinite && rare.pValue <= 1)
    }

    @Test("agrees with the fixed-horizon check about gross mismatches and balanced splits")
    func agreesWithChiSquare() throws {
        for users in [[100_000, 117_000], [5000, 6000]] {
            let fixed = try #require(sampleRatioMismatch(users: users).definedValue)
            let sequential = try #require(sequentialSampleRatioMismatch(users: users).definedValue)
            #expect(fixed.isFlagged && sequential.isFlagged)
            // Always-valid costs evidence: the sequential p-value is the larger.
            #expect(sequential.pValue >= fixed.pValue)
        }
        let balanced = try #require(sequentialSampleRatioMismatch(users: [50_000, 50_100]).definedValue)
        #expect(balanced.pValue == 1 && !balanced.isFlagged)
    }
}
