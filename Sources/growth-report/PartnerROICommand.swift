import ArgumentParser
import Foundation
import Reports

/// `growth-report partner-roi`: the weekly partner ROI report (SPEC §4.1).
struct PartnerROICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner-roi",
        abstract: "Customers, revenue, cost and ROI per partner and partner type, beside the previous period.",
        discussion: """
            Sums partnership_analytics and partner_costs for the period and the previous one of the same \
            length in PostgreSQL, in one read-only snapshot. Partners are ranked by revenue; conversion rates \
            are re-derived from implied visitors; ROI and CAC are empty where the cost is unknown or zero. \
            Writes HTML, CSV and XLSX to OUTPUT/PERIOD/ and prints the paths.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let configuration = try RunConfiguration(connection: connection, period: period, output: output)
        try ReportPipeline(configuration).run([PartnerROIReport(period: configuration.period)])
    }
}
