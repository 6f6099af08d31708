import ArgumentParser
import Foundation
import Reports

/// `growth-report db doctor`: the database as the reports see it (SPEC §4.7), written like a
/// report into `OUTPUT/doctor/<date>/`; exit 1 when a check fails, so cron can alert.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database the reports read: their plans, the indexes, slow statements and table health.",
        discussion: """
            Explains every statement every report runs for the period (default: last week) with its own values, \
            checks that the indexes the migrations create are present and valid, and lists unused and duplicate \
            indexes, slow statements (pg_stat_statements, when installed), the index-scan ratio, table sizes, dead \
            rows and stale statistics; with hypopg installed it tries each missing index hypothetically. Everything \
            is read in one read-only snapshot: nothing is written to the database. Writes HTML, CSV and XLSX to \
            OUTPUT/doctor/DATE/ (DATE: the --as-of day) and prints the paths. Exits 0 when no check fails (warnings \
            included), 1 when one does, after writing the report and printing each failing check on stderr.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "EXPLAIN ANALYZE: run each report statement (inside the read-only snapshot) for actual rows and times.")
    var analyze = false

    func run() throws {
        var configuration = try RunConfiguration(connection: connection, period: period, output: output)
        configuration.outputFolder = Self.folder(configuration)
        let doctor = DoctorReport(
            period: configuration.period, analyzes: analyze,
            explaining: WeeklyCommand.reports(configuration))
        let outcome = try ReportPipeline(configuration).run([doctor])
        guard let readout = outcome.reading.storedModel(of: doctor) else { return }
        for check in readout.failures {
            // An index's finding begins with its name; a statement's needs its title.
            let subject = check.area == .indexes ? "" : "\(check.title): "
            let fix = check.fix.map { " Fix: \(DoctorDocument.withoutComments($0))" } ?? ""
            Console.error("doctor: failing: \(subject)\(check.detail)\(fix)")
        }
        if readout.isHealthy {
            let warnings = readout.warnings.count
            let unchecked = readout.notChecked
            let notChecked = unchecked.isEmpty ? "" : "; not checked: \(unchecked.joined(separator: ", ")) (the report says why)"
            Console.progress(
                warnings == 0
                    ? "doctor: every check passed\(notChecked)"
                    : "doctor: no check failed; \(warnings) \(warnings == 1 ? "warning" : "warnings") in the report\(notChecked)")
        } else {
            throw ExitCode(ExitStatus.checkFailed)
        }
    }

    /// `<output>/doctor/<as-of day in the zone>/`.
    static func folder(_ configuration: RunConfiguration) -> URL {
        let day = ReportPeriod.localDate(of: configuration.asOf, in: configuration.timeZone)
        return configuration.output.appendingPathComponent(ReportKind.doctor.name, isDirectory: true)
            .appendingPathComponent(day.description, isDirectory: true)
    }
}
