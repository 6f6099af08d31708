import ArgumentParser
import Database
import Foundation
import Logging

/// Where the database is, and how chatty to be: shared by every command that connects.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL URL or conninfo string (default: DATABASE_URL, then libpq's PG* variables).",
                               valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("statement-timeout"),
            help: ArgumentHelp("Cancel any statement running longer than this, e.g. 60s or 5m.", valueName: "duration"))
    var statementTimeout: DurationOption?

    @Flag(name: .long, help: "Print nothing but errors and the paths written.")
    var quiet = false

    @Flag(name: .long, help: "Log each statement and connection detail to stderr (passwords masked).")
    var verbose = false

    /// The configured connection: the option, else DATABASE_URL, else libpq's environment, else
    /// the private cluster of `growth-report demo` when it is running.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment,
                  timeZone: String = "UTC") throws -> ConnectionSettings {
        var connectionString = databaseURL ?? environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if connectionString == nil, !Self.libpqEnvironmentConfigured(environment),
           case .running(let endpoint)? = try? PrivateCluster(directory: ProjectPaths.clusterDirectory).status() {
            connectionString = endpoint.conninfo(database: PrivateClusterDatabase.name)
        }
        let settings = ConnectionSettings(connectionString: connectionString,
                                          statementTimeoutMilliseconds: statementTimeout?.milliseconds,
                                          timeZone: timeZone)
        Console.masker = settings.masker()
        try settings.validate()
        return settings
    }

    /// Applies --quiet and --verbose to output and logging.
    func bootstrap() {
        Console.isQuiet = quiet
        Console.logLevel = verbose ? .debug : (quiet ? .error : .warning)
    }

    /// Connects with these settings.
    func connect(timeZone: String = "UTC") throws -> PostgresConnection {
        let settings = try settings(timeZone: timeZone)
        let connection = try PostgresConnection(settings: settings, logger: Logger(label: "growth-report.database"))
        if verbose { Console.progress("connected to \(connection.target)") }
        return connection
    }

    static func libpqEnvironmentConfigured(_ environment: [String: String]) -> Bool {
        ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"].contains { environment[$0] != nil }
    }
}
