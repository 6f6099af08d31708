import ArgumentParser
import Database
import Foundation
import Reports

/// `growth-report attribution`: five attribution models side by side (SPEC §4.4).
struct AttributionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribution",
        abstract: "Credit the period's conversions to channels under five attribution models.",
        discussion: """
            Each conversion in the period is credited to the same user's growth actions (viral_metrics) in the \
            lookback window before it, under first touch, last touch, linear, time decay and position-based; \
            a conversion with no touch counts as (direct). Every model's credits add up to the number of \
            conversions and to the total revenue, to the cent. The previous period is shown beside the current \
            one. Writes HTML, CSV and XLSX to OUTPUT/PERIOD/ and prints the paths.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Count only conversions of this event type (default: every type).")
    var event: String?

    @Option(help: ArgumentHelp("How far before a conversion its touches count, e.g. 30d or 12h.", valueName: "duration"))
    var lookback = DurationOption("30d")!

    @Option(
        name: .customLong("half-life"),
        help: ArgumentHelp("The time-decay model halves a touch's weight every this long, e.g. 7d.", valueName: "duration"))
    var halfLife = DurationOption("7d")!

    func validate() throws {
        guard lookback.milliseconds >= 1000 else { throw ValidationError("--lookback must be positive (at least 1s), e.g. 30d.") }
        guard lookback.milliseconds <= 3660 * 86_400_000 else { throw ValidationError("--lookback must be at most 3660d.") }
        guard halfLife.milliseconds >= 1000 else { throw ValidationError("--half-life must be positive (at least 1s), e.g. 7d.") }
    }

    func run() throws {
        let configuration = try RunConfiguration(connection: connection, period: period, output: output)
        let report = AttributionReport(
            period: configuration.period,
            options: AttributionOptions(
                event: event, lookbackSeconds: Double(lookback.milliseconds) / 1000,
                halfLifeSeconds: Double(halfLife.milliseconds) / 1000))
        try ReportPipeline(configuration).run([report])
    }
}
