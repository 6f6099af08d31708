import ArgumentParser
import Database
import Foundation
import Logging
import Rendering
import Reports
import Seeding

/// `growth-report demo`: a private PostgreSQL cluster with demo data, ready for the reports.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a private PostgreSQL cluster under .growth-report/, seed it with demo data, and write the reports of its last week to Output/.",
        discussion:
            "Needs no database: it runs the installed PostgreSQL (initdb + pg_ctl) with a Unix socket in .growth-report/, as the unprivileged postgres user when run as root. A second run reuses the cluster and its data."
    )

    @Option(name: .customLong("as-of"), help: "The clock: demo data ends with the last complete ISO week before it.")
    var asOf: AsOfOption?

    @OptionGroup var verbosity: VerbosityOptions

    func run() throws {
        verbosity.apply()
        let endpoint = try DemoDatabase.start()
        Console.progress("The private PostgreSQL cluster runs in \(ProjectPaths.clusterDirectory.path).")
        let url = endpoint.url(database: PrivateClusterDatabase.name)
        let settings = ConnectionSettings(connectionString: endpoint.conninfo(database: PrivateClusterDatabase.name))
        let database = try PostgresConnection(settings: settings, logger: Logger(label: "growth-report.database"))
        let outcome = try Migrator(logger: Logger(label: "growth-report.migrate")).migrate(on: database)
        try SchemaCheck.verify(on: database)
        if !outcome.applied.isEmpty { Console.progress("Created the schema (migrations \(outcome.applied.map(String.init).joined(separator: ", "))).") }

        let plan = SeedPlan(scale: .small, seed: 1, lastDay: (asOf ?? .now).lastCompleteWeekSunday.daysSinceEpoch)
        if try DemoDatabase.holdsData(database) {
            let last = try DemoDatabase.lastSeededDay(database).map(\.description) ?? "?"
            Console.progress("The demo database already holds data up to \(last); keeping it (`growth-report db seed --replace` reseeds).")
        } else {
            try SeedCommand.seed(plan, mode: .emptyOnly, into: database)
        }
        try writeReports(
            database: database, settings: settings, lastDay: try DemoDatabase.lastSeededDay(database) ?? CalendarDate(daysSinceEpoch: plan.lastDay))
        Console.progress(
            """

            The demo database is ready. Connect with:
              psql '\(url)'
            or point the reports at it:
              export DATABASE_URL='\(url)'
            Check how the reports read it (plans, indexes, table health): `growth-report db doctor`.
            Stop it with `growth-report db stop`; `growth-report db start` brings it back.
            (growth-report is at \(ProjectPaths.executable).)
            """)
        Console.output(url)
    }
}

extension DemoCommand {
    /// The reports for the last seeded week, into `Output/<week>/`.
    func writeReports(database: PostgresConnection, settings: ConnectionSettings, lastDay: CalendarDate) throws {
        let (year, week) = ReportPeriod.isoWeek(of: lastDay)
        let period = ReportPeriod.week(year: year, week: week, timeZone: TimeZone(identifier: "UTC")!)!
        // As if run a day after the week: the seeded real-time metrics were updated late on
        // that day, one of them two days before, so the summary shows both fresh and stale ones.
        let asOf = period.end.addingTimeInterval(24 * 3600)
        Console.progress("Writing the reports for \(period.humanLabel) to Output/\(period.label)/…")
        let output = try OutputOptions.parse([])
        let configuration = try RunConfiguration(
            period: period, asOf: asOf, formats: OutputFormat.allCases, output: output,
            connection: settings)
        // The summary's e-mail too, addressed to example.com, to open in a mail client.
        let mail = try MailSettings(
            from: "growth-report demo <reports@example.com>", to: ["Executive team <exec-team@example.com>"],
            subject: nil, defaultSubject: "Executive summary — \(period.label)")
        let paths = try WeeklyCommand.pipeline(configuration, mail: mail)
            .run(WeeklyCommand.reports(configuration), on: database).paths
        if let summary = paths.first(where: { $0.lastPathComponent == "\(ReportKind.execSummary.name).html" }) {
            Console.progress(
                """

                Open the reports in a browser, starting with the executive summary:
                  \(summary.absoluteString)
                \(summary.deletingLastPathComponent().path)/ also holds each report's CSV and XLSX files and \
                exec-summary.eml, the summary as executives get it by e-mail (open it in a mail client).
                """)
        }
    }
}

extension DemoDatabase {
    /// The last day of the seeded data, or nil when the database holds none.
    static func lastSeededDay(_ database: PostgresConnection) throws -> CalendarDate? {
        try database.query(named: "demo_last_day", "SELECT max(analytics_period) AS day FROM partnership_analytics")
            .first?.decodeIfPresent("day", as: CalendarDate.self)
    }

    static func holdsData(_ database: PostgresConnection) throws -> Bool {
        let rows = try database.query(
            named: "demo_has_data",
            "SELECT EXISTS (SELECT 1 FROM viral_metrics) OR EXISTS (SELECT 1 FROM partnership_analytics) AS present")
        return try rows.first?.decode("present", as: Bool.self) ?? false
    }
}
