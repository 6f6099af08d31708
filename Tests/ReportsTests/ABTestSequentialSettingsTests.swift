import Foundation
import Reports
import Statistics
import Testing

/// `--sequential`'s τ (planned users, relative to the control's standard deviation, or absolute)
/// and the always-valid sample-ratio check, in the readout.
@Suite struct ABTestSequentialSettingsTests {
    static let arms = [("control", 10_000, 1_000), ("B", 10_000, 1_100)]

    @Test func theDefaultTauIsTunedToTenThousandPlannedUsers() throws {
        let b = try abTestResult(Self.arms, settings: ABTestSettings(isSequential: true)).variants[1]
        // σ² = p_c(1 − p_c) = 0.09 for the control's 10 %.
        let tau2 = try #require(plannedMixingVariance(plannedUsersPerVariant: 10_000, variance: 0.09, alpha: 0.05).definedValue)
        #expect(try #require(b.sequentialTau) == tau2.squareRoot())
        let expected = sequentialPValue(
            control: Proportion(successes: 1_000, trials: 10_000), treatment: Proportion(successes: 1_100, trials: 10_000), tau: tau2.squareRoot())
        #expect(b.pValueSequential == expected.definedValue)
        // Planned for more users, the mixture is narrower.
        let later = try abTestResult(Self.arms, settings: ABTestSettings(isSequential: true, mixing: .planned(usersPerVariant: 1_000_000)))
        #expect(later.variants[1].sequentialTau! < b.sequentialTau!)
    }

    @Test func aGivenTauIsRelativeToTheControlsStandardDeviationUnlessAbsolute() throws {
        let relative = try abTestResult(Self.arms, settings: ABTestSettings(isSequential: true, mixing: .relative(0.05))).variants[1]
        #expect(abs(relative.sequentialTau! - 0.05 * 0.09.squareRoot()) < 1e-15)
        let absolute = try abTestResult(Self.arms, settings: ABTestSettings(isSequential: true, mixing: .absolute(0.01))).variants[1]
        #expect(absolute.sequentialTau == 0.01)
        #expect(
            absolute.pValueSequential
                == sequentialPValue(
                    control: Proportion(successes: 1_000, trials: 10_000), treatment: Proportion(successes: 1_100, trials: 10_000), tau: 0.01
                ).definedValue)
    }

    @Test func armsWithoutSpreadGetTheFormulasLimit() throws {
        // Both at 0 %: no τ can be derived, and none is needed (V = 0, θ̂ = 0: p = 1).
        let zero = try abTestResult([("control", 500, 0), ("B", 500, 0)], settings: ABTestSettings(isSequential: true)).variants[1]
        #expect(zero.sequentialTau == nil && zero.pValueSequential == 1 && zero.isSignificant == false)
        // The control at 0 %: the pooled variance stands in for the control's.
        let pooled = try abTestResult([("control", 500, 0), ("B", 500, 10)], settings: ABTestSettings(isSequential: true)).variants[1]
        let p = 10.0 / 1000
        let tau2 = try #require(plannedMixingVariance(plannedUsersPerVariant: 10_000, variance: p * (1 - p), alpha: 0.05).definedValue)
        #expect(pooled.sequentialTau == tau2.squareRoot())
    }

    @Test func theSequentialSRMCheckAddsToTheChiSquareFlagNeverHidesIt() throws {
        // 1 000 against 1 160: the chi-square check flags it (p ≈ 0.0006); the always-valid one
        // asks for more evidence, and the test stays flagged.
        let arms = [("control", 1_000, 100), ("B", 1_160, 116)]
        let fixed = try abTestResult(arms)
        #expect(fixed.isSRMFlagged && fixed.srmPValueSequential == nil)
        let sequential = try abTestResult(arms, settings: ABTestSettings(isSequential: true))
        let p = try #require(sequential.srmPValueSequential)
        #expect(p > sequential.srmPValue! && p >= 0.001)
        #expect(sequential.isSRMFlagged && sequential.verdict == .sampleRatioMismatch)
        #expect(sequential.srmDecisionPValue == sequential.srmPValue)
        // A split as planned: neither flags.
        let even = try abTestResult([("control", 1_000, 100), ("B", 1_010, 101)], settings: ABTestSettings(isSequential: true))
        #expect(!even.isSRMFlagged && even.srmPValueSequential! > 0.001)
        // Gross imbalance: both flag.
        let gross = try abTestResult([("control", 1_000, 100), ("B", 1_600, 160)], settings: ABTestSettings(isSequential: true))
        #expect(gross.isSRMFlagged && gross.srmPValueSequential! < 0.001)
    }
}
