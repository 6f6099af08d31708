import Foundation
import Statistics
import Testing

/// Every A/B function meets 0 users, 0 conversions, everybody converting, identical arms and
/// p_c = 0 with a number or an explicit "undefined, because …", never NaN, infinity or a trap.
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
        #expect(finite(compareConversionRates(control: control, treatment: treatment).map(\.pValue)))
        #expect(finite(wilsonInterval(treatment)))
        let absolute = absoluteUplift(control: control, treatment: treatment)
        #expect(finite(absolute.map(\.estimate)) && finite(absolute.flatMap(\.interval)))
        let relative = relativeUplift(control: control, treatment: treatment)
        #expect(finite(relative.map(\.estimate)) && finite(relative.flatMap(\.interval)))
        #expect(finite(chanceToBeatControl(control: control, treatment: treatment)))
        #expect(finite(expectedLoss(control: control, treatment: treatment)))
        #expect(finite(sequentialPValue(control: control, treatment: treatment)))
        #expect(finite(chiSquareIndependence([control, treatment]).map(\.pValue)))
        #expect(finite(sampleRatioMismatch(users: [control.trials, treatment.trials]).map(\.pValue)))
        #expect(finite(sampleSizePerVariant(baseline: control.rate, treatment: treatment.rate).map(Double.init)))
    }

    @Test("the reasons read as sentences")
    func reasons() {
        let empty = Proportion(successes: 0, trials: 0), none = Proportion(successes: 0, trials: 50)
        let all = Proportion(successes: 50, trials: 50)
        #expect(twoProportionZTest(control: empty, treatment: none).undefinedReason == .emptyArm)
        #expect(twoProportionZTest(control: none, treatment: none).undefinedReason == .zeroVariance)
        #expect(twoProportionZTest(control: all, treatment: all).undefinedReason == .zeroVariance)
        #expect(compareConversionRates(control: none, treatment: none).undefinedReason == .zeroVariance)
        #expect(relativeUplift(control: none, treatment: all).undefinedReason == .zeroBaseline)
        #expect(sampleSizePerVariant(baseline: 0.1, treatment: 0.1).undefinedReason == .identicalRates)
        #expect(sequentialPValue(control: none, treatment: none).undefinedReason == .zeroVariance)
        for reason in UndefinedReason.allCases {
            #expect(reason.description.hasPrefix("undefined, because "))
        }
        #expect(Estimate<Double>.undefined(.zeroBaseline).description
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

    @Test("the comparison picks Fisher's test when an expected count is below 5")
    func testChoice() throws {
        let small = try #require(compareConversionRates(control: Proportion(successes: 0, trials: 18),
                                                        treatment: Proportion(successes: 5, trials: 20)).definedValue)
        #expect(small.method == .fisher)
        #expect(isClose(small.pValue, 0.047957732168258486, relative: 1e-9))
        let large = try #require(compareConversionRates(control: Proportion(successes: 100, trials: 1000),
                                                        treatment: Proportion(successes: 120, trials: 1000)).definedValue)
        #expect(large.method == .zTest)
        #expect(large.method.rawValue == "z-test" && ConversionComparison.Method.fisher.rawValue == "fisher")
        #expect(smallestExpectedCount(control: Proportion(successes: 0, trials: 18),
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
