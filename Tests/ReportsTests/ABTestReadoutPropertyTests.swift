import Foundation
import Reports
import Statistics
import TestSupport
import Testing

/// Random multi-variant tests with zero (and full) rates sprinkled in: every treatment with
/// users is compared, and the adjusted p-values are those of the whole family.
@Suite struct ABTestReadoutPropertyTests {
    /// A treatment near, equal to, or at the extremes of the control, or with no users.
    static func treatment(_ index: Int, control: (users: Int, conversions: Int), using random: inout SplitMix64) -> (String, Int, Int) {
        let name = "T\(index)"
        let users = Bool.random(using: &random) ? control.users : Int.random(in: 1...20_000, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return (name, 0, 0)
        case 1, 2: return (name, users, 0)
        case 3: return (name, users, users)
        case 4: return (name, control.users, control.conversions)
        default:
            let rate = Double(control.conversions) / Double(control.users) * Double.random(in: 0.5...1.6, using: &random)
            let conversions = min(users, Int((Double(users) * max(rate, 0.002)).rounded()))
            return (name, users, conversions)
        }
    }

    static func randomTest(using random: inout SplitMix64) -> [(String, Int, Int)] {
        let users = Int.random(in: 1...20_000, using: &random)
        let rate = [0, 0, 1, 0.002, 0.05, 0.3].randomElement(using: &random)!
        let control = (users: users, conversions: Int((Double(users) * rate).rounded()))
        let treatments = (1...Int.random(in: 1...5, using: &random)).map { treatment($0, control: control, using: &random) }
        return [("control", control.users, control.conversions)] + treatments
    }

    static func decision(_ variant: ABTestReadout.VariantResult, _ settings: ABTestSettings) -> Double? {
        settings.isSequential ? variant.pValueSequential : variant.pValue
    }

    @Test(arguments: MultipleTestingCorrection.allCases, [false, true])
    func everyTreatmentWithUsersIsComparedAndAdjustedInTheWholeFamily(
        correction: MultipleTestingCorrection, sequential: Bool
    ) throws {
        let settings = ABTestSettings(correction: correction, isSequential: sequential)
        var random = SplitMix64(seed: 20_261_116)
        for _ in 0..<300 {
            let variants = Self.randomTest(using: &random)
            let test = try abTestResult(variants, settings: settings)
            let control = test.control
            for treatment in test.treatments {
                if treatment.users == 0 {
                    #expect(
                        treatment.pValue == nil && treatment.pValueAdjusted == nil && treatment.isSignificant == nil,
                        "\(variants)")
                    continue
                }
                #expect(treatment.pValue != nil && treatment.testUsed != nil, "\(variants)")
                #expect(Self.decision(treatment, settings) != nil, "\(variants)")
                #expect(treatment.upliftAbsolute != nil && treatment.upliftAbsoluteInterval != nil)
                #expect((treatment.upliftRelative == nil) == (control.conversions == 0))
                #expect((treatment.upliftRelativeInterval == nil) == (control.conversions == 0))
                #expect(treatment.chanceToBeatControl != nil && treatment.expectedLoss != nil)
                let adjusted = try #require(treatment.pValueAdjusted, "\(variants)")
                #expect(treatment.isSignificant == (adjusted < settings.alpha))
            }
            // The family is every treatment with users, whatever its rate.
            let family = test.treatments.filter { $0.users > 0 }
            let expected = try #require(
                adjustedPValues(
                    family.compactMap { Self.decision($0, settings) },
                    correction: correction
                ).definedValue)
            #expect(family.map(\.pValueAdjusted) == expected, "\(variants)")
            // The verdict still follows the significant treatments.
            switch test.verdict {
            case .ship(let name):
                let winner = try #require(test.treatments.first { $0.name == name })
                #expect(winner.isSignificant == true && winner.upliftAbsolute! > 0)
            case .doNotShip(let name):
                let loser = try #require(test.treatments.first { $0.name == name })
                #expect(loser.isSignificant == true && loser.upliftAbsolute! < 0)
                #expect(!family.contains { $0.isSignificant == true && $0.upliftAbsolute! > 0 })
            case .keepRunning, .noEffect:
                #expect(!family.contains { $0.isSignificant == true && $0.upliftAbsolute! != 0 })
            case .sampleRatioMismatch:
                #expect(test.isSRMFlagged)
            case .guardrailWorse:
                Issue.record("no guardrail was asked for, yet the verdict is \(test.verdict.text)")
            }
        }
    }

    /// A treatment at the control's 0 % (or 100 %) rate against one a single conversion away:
    /// both have p = 1, so whether its rate happens to be exactly zero changes nothing else.
    @Test(arguments: MultipleTestingCorrection.allCases, [false, true])
    func aZeroRateChangesNoOtherVariantsAdjustedPValue(correction: MultipleTestingCorrection, sequential: Bool) throws {
        let settings = ABTestSettings(correction: correction, isSequential: sequential)
        var random = SplitMix64(seed: 47)
        for round in 0..<200 {
            let users = Int.random(in: 200...20_000, using: &random)
            let full = round % 2 == 1
            let control = (users: users, conversions: full ? users : 0)
            let others = (1...Int.random(in: 1...4, using: &random)).map { index -> (String, Int, Int) in
                let n = Int.random(in: 1...20_000, using: &random)
                let rate = Double.random(in: 0...0.02, using: &random)
                let k = Int((Double(n) * rate).rounded())
                return ("T\(index)", n, full ? n - k : k)
            }
            let zero = ("X", users, full ? users : 0)
            let nearZero = ("X", users, full ? users - 1 : 1)
            let variants = [("control", control.users, control.conversions)] + others
            let atZero = try abTestResult(variants + [zero], settings: settings)
            let beside = try abTestResult(variants + [nearZero], settings: settings)
            let x = try #require(atZero.variants.last), y = try #require(beside.variants.last)
            #expect(x.name == "X" && y.name == "X")
            // One conversion away from the control's rate, Fisher (and the sequential test) give p = 1;
            // exactly at it, so must they.
            try #require(Self.decision(y, settings) == 1, "\(variants)")
            #expect(Self.decision(x, settings) == 1)
            #expect(x.pValueAdjusted == y.pValueAdjusted)
            #expect(
                atZero.treatments.dropLast().map(\.pValueAdjusted) == beside.treatments.dropLast().map(\.pValueAdjusted),
                "\(variants)")
            #expect(atZero.treatments.dropLast().map(\.isSignificant) == beside.treatments.dropLast().map(\.isSignificant))
        }
    }
}
