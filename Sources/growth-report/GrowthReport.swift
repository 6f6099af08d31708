import ArgumentParser

@main
struct GrowthReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "growth-report",
        abstract: "Partner ROI, viral growth, attribution and A/B test reports from PostgreSQL.")
}
