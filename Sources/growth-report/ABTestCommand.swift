import ArgumentParser
import Database
import Foundation
import Rendering
import Reports
import Statistics

extension MultipleTestingCorrection: ExpressibleByArgument {}
extension ABTestSettings.Metric: ExpressibleByArgument {}

/// `growth-report ab-test`: the A/B test readout (SPEC §4.3).
struct ABTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab-test",
        abstract: "Read out the A/B tests running in the period: rates, uplifts, p-values, verdicts.",
        discussion: """
            Each test with an assignment in the period (or the one --test names) is read cumulatively from \
            its first assignment to the period's end (--live: to --as-of). Users seen in several variants and \
            rows with no e-mail or variant are left out and counted. Writes HTML, CSV and XLSX to \
            OUTPUT/PERIOD/ and prints the paths.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only this test, whether or not it ran in the period.")
    var test: String?

    @Option(help: "Count only conversions of this event (default: any).")
    var event: String?

    @Option(help: "The control variant's name (default: the variant named control).")
    var control: String?

    @Option(help: "Significance level for p-values, intervals and users needed, in (0, 1).")
    var alpha = 0.05

    @Option(help: "Multiple-comparison correction: holm, bh or none.")
    var correction: MultipleTestingCorrection = .holm

    @Option(help: ArgumentHelp("Planned shares, e.g. control=50,B=50 or 50,50 (control first).", valueName: "shares"))
    var weights: String?

    @Option(help: "Relative minimum detectable effect for users needed, e.g. 0.05 for 5 %.")
    var mde: Double?

    @Option(
        name: .customLong("conversion-window"),
        help: ArgumentHelp("Count conversions only this long after a user's first assignment, e.g. 7d.", valueName: "duration"))
    var conversionWindow: DurationOption?

    @Flag(help: "Use always-valid p-values (mixture SPRT), safe to check every day.")
    var sequential = false

    @Option(
        name: .customLong("planned-users"),
        help: ArgumentHelp(
            "With --sequential: tune the mixture to this many users per variant (default 10000).", valueName: "users"))
    var plannedUsers: Int?

    @Option(help: "With --sequential: the mixing standard deviation τ, relative to the control's standard deviation (e.g. 0.05).")
    var tau: Double?

    @Flag(
        name: .customLong("tau-absolute"),
        help: "Read --tau in the metric's own units (a difference in rates, or in revenue per user), as before.")
    var tauIsAbsolute = false

    @Flag(help: "End the readout at --as-of (now) instead of the period's end, for running tests.")
    var live = false

    @Option(help: "The metric the verdict decides on: conversion or revenue (revenue per user is shown beside conversion either way).")
    var metric: ABTestSettings.Metric = .conversion

    @Option(name: .customLong("revenue-event"), help: "Count only revenue of this conversion_events event type (default: any).")
    var revenueEvent: String?

    @Option(help: ArgumentHelp("Cap each user's revenue at this quantile of the non-zero values, e.g. 0.99.", valueName: "quantile"))
    var cap: Double?

    @Flag(
        inversion: .prefixedNo,
        help: "Adjust revenue with each user's revenue before the test (CUPED; default: on with --metric revenue when some user has pre-period revenue).")
    var cuped: Bool?

    @Option(
        name: .customLong("cuped-window"),
        help: ArgumentHelp("The pre-period before each user's first assignment that CUPED reads, e.g. 14d.", valueName: "duration"))
    var cupedWindow: DurationOption?

    @OptionGroup var guardrails: GuardrailOptions

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1 (exclusive), e.g. 0.05.") }
        if let weights, VariantWeights(parsing: weights) == nil {
            throw ValidationError("--weights '\(weights)' is not a list of positive shares such as control=50,B=50 or 50,50.")
        }
        if let mde, !(mde > 0 && mde.isFinite) { throw ValidationError("--mde must be a positive fraction, e.g. 0.05.") }
        try validateSequentialSettings()
        if let conversionWindow, conversionWindow.milliseconds < 1000 {
            throw ValidationError("--conversion-window must be positive (at least 1s), e.g. 7d.")
        }
        if let cap, !(cap > 0 && cap < 1) { throw ValidationError("--cap must be a quantile between 0 and 1 (exclusive), e.g. 0.99.") }
        if let cupedWindow, cupedWindow.milliseconds < 1000 {
            throw ValidationError("--cuped-window must be positive (at least 1s), e.g. 14d.")
        }
        if cuped == false, cupedWindow != nil { throw ValidationError("--cuped-window has no effect with --no-cuped; give one or the other.") }

    }

    func validateSequentialSettings() throws {
        if let tau {
            // τ² enters the sequential p-value, so it must be finite too (τ below about 1e154).
            guard tau > 0 else { throw ValidationError("--tau must be positive, e.g. 0.05.") }
            guard (tau * tau).isFinite else { throw ValidationError("--tau must be below 1e154 (τ² must be finite), e.g. 0.05.") }
        }
        if let plannedUsers, plannedUsers < 1 { throw ValidationError("--planned-users must be a positive number of users, e.g. 10000.") }
        let given = [("--tau", tau != nil), ("--planned-users", plannedUsers != nil), ("--tau-absolute", tauIsAbsolute)]
        if !sequential, let (name, _) = given.first(where: { $0.1 }) {
            throw ValidationError("\(name) only tunes --sequential; add --sequential or leave it out.")
        }
        if tau != nil, plannedUsers != nil { throw ValidationError("--tau and --planned-users both choose τ; give one of them.") }
        if tau == nil, tauIsAbsolute { throw ValidationError("--tau-absolute needs --tau, e.g. --tau 0.01 --tau-absolute.") }
    }

    /// How --sequential chooses τ.
    var mixing: SequentialMixing {
        if let tau { return tauIsAbsolute ? .absolute(tau) : .relative(tau) }
        return .planned(usersPerVariant: plannedUsers ?? SequentialMixing.defaultPlannedUsers)
    }

    func run() throws {
        let configuration = try RunConfiguration(connection: connection, period: period, output: output)
        let report = ABTestReport(
            period: configuration.period,
            counting: ABTestCountingOptions(
                test: test, event: event,
                conversionWindowSeconds: conversionWindow.map { $0.milliseconds / 1000 },
                revenue: ABTestRevenueOptions(
                    event: revenueEvent, cap: cap, cuped: cuped,
                    cupedWindowSeconds: cupedWindow.map { $0.milliseconds / 1000 } ?? ABTestRevenueOptions.defaultCupedWindowSeconds),
                guardrails: guardrails.events),
            settings: ABTestSettings(
                alpha: alpha, correction: correction, control: control,
                weights: weights.flatMap(VariantWeights.init(parsing:)), minimumDetectableEffect: mde,
                isSequential: sequential, mixing: mixing, metric: metric),
            isLive: live, asOf: configuration.asOf)
        try ReportPipeline(configuration).run([report])
    }
}
