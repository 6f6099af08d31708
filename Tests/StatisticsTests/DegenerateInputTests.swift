import Foundation
import Statistics
import Testing

/// Every A/B function meets 0 users, 0 conversions, everybody converting, identical arms and
/// p_c = 0 with a number or an explicit "undefined, because …", never NaN, infinity or a trap —
/// and with the number wherever the formula gives one: only an empty arm (and a relative change
/// over p_c = 0) is undefined.
@Suite("Degenerate inputs")
struct DegenerateInputTests {
    static let arms: [Proportion] = [
        Proportion(successes: 0, trials: 0), Proportion(successes: 0, trials: 1), Proportion(successes: 1, trials: 1),
        Proportion(successes: 0, trials: 1000), Proportion(successes: 1000, trials: 1000),
        Proportion(successes: 37, trials: 1000), Proportion(successes: 10_000_000, trials: 10_000_000),
        Proportion(successes: 0, trials: 10_000_000),
    ]

    static var pairs: [(Proportion, Proportion)] {
        arms.flatMap { a in arms.map { b in (a, b) } }
    }

    private func finite(_ estimate: Estimate<Double>) -> Bool {
        estimate.definedValue.map(\.isFinite) ?? true
    }

    private func finite(_ estimate: Estimate<ConfidenceInterval>) -> Bool {
        estimate.definedValue.map { $0.lower.isFinite && $0.upper.isFinite } ?? true
    }

    @Test("no NaN, no infinity, no trap", arguments: 0..<64)
    func allFunctions(index: Int) {
        let (control, treatment) = Self.pairs[index]
        let z = twoProportionZTest(control: control, treatment: treatment)
        #expect(finite(z.map(\.z)) && finite(z.map(\.pValue)))
        #expect(finite(fisherExactTest(control: control, treatment: treatment)))
        let comparison = compareConversionRates(control: control, treatment: treatment)
        #expect(finite(comparison.map(\.pValue)) && comparison.definedValue?.z.map(\.isFinite) ?? true)
        #expect(finite(wilsonInterval(treatment)))
        let absolute = absoluteUplift(control: control, treatment: treatment)
        #expect(finite(absolute.map(\.estimate)) && finite(absolute.map(\.interval)))
        let relative = relativeUplift(control: control, treatment: treatment)
        #expect(finite(relative.map(\.estimate)) && finite(relative.map(\.interval)))
        #expect(finite(chanceToBeatControl(control: control, treatment: treatment)))
        #expect(finite(expectedLoss(control: control, treatment: treatment)))
        #expect(finite(sequentialPValue(control: control, treatment: treatment)))
        #expect(finite(chiSquareIndependence([control, treatment]).map(\.pValue)))
        #expect(finite(sampleRatioMismatch(users: [control.trials, treatment.trials]).map(\.pValue)))
        #expect(finite(sampleSizePerVariant(baseline: control.rate, treatment: treatment.rate).map(Double.init)))

        // With users in both arms every comparison is defined; only the relative uplift over
        // a control that converted nobody is not.
        let hasUsers = control.trials > 0 && treatment.trials > 0
        #expect(comparison.isDefined == hasUsers)
        #expect(comparison.definedValue.map { $0.z == nil ? $0.method == .fisher : true } ?? true)
        #expect(absolute.isDefined == hasUsers)
        #expect(relative.isDefined == (hasUsers && control.successes > 0))
        #expect(sequentialPValue(control: control, treatment: treatment).isDefined == hasUsers)
        #expect(chanceToBeatControl(control: control, treatment: treatment).isDefined == hasUsers)
        if !hasUsers {
            #expect(comparison.undefinedReason == .emptyArm)
            #expect(sequentialPValue(control: control, treatment: treatment).undefinedReason == .emptyArm)
        }
    }

    @Test("the reasons read as sentences")
    func reasons() {
        let empty = Proportion(successes: 0, trials: 0), none = Proportion(successes: 0, trials: 50)
        let all = Proportion(successes: 50, trials: 50)
        #expect(twoProportionZTest(control: empty, treatment: none).undefinedReason == .emptyArm)
        #expect(twoProportionZTest(control: none, treatment: none).undefinedReason == .zeroVariance)
        #expect(twoProportionZTest(control: all, treatment: all).undefinedReason == .zeroVariance)
        #expect(compareConversionRates(control: empty, treatment: none).undefinedReason == .emptyArm)
        #expect(compareConversionRates(control: none, treatment: empty).undefinedReason == .emptyArm)
        #expect(relativeUplift(control: none, treatment: all).undefinedReason == .zeroBaseline)
        #expect(sampleSizePerVariant(baseline: 0.1, treatment: 0.1).undefinedReason == .identicalRates)
        #expect(sequentialPValue(control: empty, treatment: none).undefinedReason == .emptyArm)
        for reason in UndefinedReason.allCases {
            #expect(reason.description.hasPrefix("undefined, because "))
        }
        #expect(
            Estimate<Double>.undefined(.zeroBaseline).description
                == "undefined, because the control converted nobody, so a relative change has no baseline")
    }

    @Test("identical arms: z = 0, p = 1, even chance, no sample size")
    func identicalArms() throws {
        let arm = Proportion(successes: 120, trials: 1000)
        let z = try #require(twoProportionZTest(control: arm, treatment: arm).definedValue)
        #expect(z.z == 0 && z.pValue == 1)
        #expect(fisherExactTest(control: arm, treatment: arm).definedValue == 1)
        #expect(sequentialPValue(control: arm, treatment: arm).definedValue == 1)
        #expect(absoluteUplift(control: arm, treatment: arm).definedValue?.estimate == 0)
        #expect(relativeUplift(control: arm, treatment: arm).definedValue?.estimate == 0)
        #expect(sampleSizePerVariant(baseline: arm.rate, treatment: arm.rate).undefinedReason == .identicalRates)
    }

    @Test(
        "both arms at 0 % or both at 100 %: Fisher p = 1, uplift 0 in [0, 0], even chance, no sample size",
        arguments: [0, 500])
    func bothRatesEqualAndExtreme(conversions: Int) throws {
        let arm = Proportion(successes: conversions, trials: 500)
        #expect(twoProportionZTest(control: arm, treatment: arm).undefinedReason == .zeroVariance)
        let comparison = try #require(compareConversionRates(control: arm, treatment: arm).definedValue)
        #expect(comparison == ConversionComparison(pValue: 1, method: .fisher, z: nil))
        // Fisher is used even where the z-test would be preferred: it is the only test defined here.
        #expect(compareConversionRates(control: arm, treatment: arm, fisherBelow: 0).definedValue == comparison)
        let absolute = try #require(absoluteUplift(control: arm, treatment: arm).definedValue)
        #expect(absolute == Uplift(estimate: 0, interval: ConfidenceInterval(lower: 0, upper: 0)))
        #expect(absoluteUplift(control: arm, treatment: arm, alpha: 0.01).definedValue == absolute)
        if conversions == 0 {
            #expect(relativeUplift(control: arm, treatment: arm).undefinedReason == .zeroBaseline)
        } else {
            #expect(
                relativeUplift(control: arm, treatment: arm).definedValue
                    == Uplift(estimate: 0, interval: ConfidenceInterval(lower: 0, upper: 0)))
        }
        #expect(chanceToBeatControl(control: arm, treatment: arm).definedValue == 0.5)
        #expect(sequentialPValue(control: arm, treatment: arm).definedValue == 1)
        #expect(sampleSizePerVariant(baseline: arm.rate, treatment: arm.rate).undefinedReason == .identicalRates)
        #expect(sampleSizePerVariant(baseline: arm.rate, minimumDetectableEffect: 0.1).definedValue == nil)
    }

    @Test("nobody converted in the treatment: relative uplift −1 in [−1, −1]")
    func treatmentConvertedNobody() throws {
        let control = Proportion(successes: 37, trials: 1000), treatment = Proportion(successes: 0, trials: 1000)
        let relative = try #require(relativeUplift(control: control, treatment: treatment).definedValue)
        #expect(relative == Uplift(estimate: -1, interval: ConfidenceInterval(lower: -1, upper: -1)))
        // The absolute uplift keeps the control's variance, so its interval has a width.
        let absolute = try #require(absoluteUplift(control: control, treatment: treatment).definedValue)
        #expect(absolute.estimate == -0.037 && absolute.interval.width > 0)
        let comparison = try #require(compareConversionRates(control: control, treatment: treatment).definedValue)
        #expect(comparison.method == .zTest && comparison.z! < 0 && comparison.pValue < 1e-8)
        // Everybody converted in the control, nobody in the treatment: both intervals are points.
        let all = Proportion(successes: 10, trials: 10), none = Proportion(successes: 0, trials: 10)
        #expect(
            absoluteUplift(control: all, treatment: none).definedValue
                == Uplift(estimate: -1, interval: ConfidenceInterval(lower: -1, upper: -1)))
        #expect(
            relativeUplift(control: all, treatment: none).definedValue
                == Uplift(estimate: -1, interval: ConfidenceInterval(lower: -1, upper: -1)))
    }

    @Test("a zero variance gives the sequential p-value's limit: 1 for equal rates, 0 for 0 % against 100 %")
    func sequentialLimit() {
        let none = Proportion(successes: 0, trials: 10), all = Proportion(successes: 10, trials: 10)
        #expect(sequentialPValue(control: none, treatment: none).definedValue == 1)
        #expect(sequentialPValue(control: all, treatment: all).definedValue == 1)
        #expect(sequentialPValue(control: none, treatment: all).definedValue == 0)
        #expect(sequentialPValue(control: all, treatment: none, tau: 0.5).definedValue == 0)
        // Approaching the limit: a tiny variance with a unit difference already gives p ≈ 0.
        let nearlyAll = Proportion(successes: 9_999_999, trials: 10_000_000)
        #expect(sequentialPValue(control: none, treatment: nearlyAll).definedValue! < 1e-300)
    }

    @Test("the comparison picks Fisher's test when an expected count is below 5")
    func testChoice() throws {
        let small = try #require(
            compareConversionRates(
                control: Proportion(successes: 0, trials: 18),
                treatment: Proportion(successes: 5, trials: 20)
            ).definedValue)
        #expect(small.method == .fisher)
        #expect(isClose(small.pValue, 0.047957732168258486, relative: 1e-9))
        let large = try #require(
            compareConversionRates(
                control: Proportion(successes: 100, trials: 1000),
                treatment: Proportion(successes: 120, trials: 1000)
            ).definedValue)
        #expect(large.method == .zTest)
        #expect(large.method.rawValue == "z-test" && ConversionComparison.Method.fisher.rawValue == "fisher")
        #expect(
            smallestExpectedCount(
                control: Proportion(successes: 0, trials: 18),
                treatment: Proportion(successes: 5, trials: 20)) < 5)
    }
}

@Suite("Input validation")
struct InputValidationTests {
    @Test("inconsistent counts give nil instead of trapping")
    func validatingInitializer() {
        #expect(Proportion(validatingSuccesses: 3, trials: 2) == nil)
        #expect(Proportion(validatingSuccesses: -1, trials: 2) == nil)
        #expect(Proportion(validatingSuccesses: 2, trials: 2)?.failures == 0)
    }

    @Test("extreme parameters are rejected as undefined")
    func extremeParameters() {
        let a = Proportion(successes: 10, trials: 100), b = Proportion(successes: 12, trials: 100)
        #expect(sequentialPValue(control: a, treatment: b, tau: 1e200).undefinedReason == .invalidParameter)
        #expect(sequentialPValue(control: a, treatment: b, tau: .nan).undefinedReason == .invalidParameter)
        #expect(chiSquareGoodnessOfFit(observed: [5, 6], weights: [1e308, 1e308]).undefinedReason == .invalidWeights)
        #expect(chiSquareGoodnessOfFit(observed: [5, -6]).undefinedReason == .invalidWeights)
        #expect(fisherExactTest(-1, 2, 3, 4) == nil)
    }
}
