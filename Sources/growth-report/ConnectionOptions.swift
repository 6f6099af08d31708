import ArgumentParser
import Database
import Foundation
import Logging
import PrivateCluster

/// Where the database is, and how chatty to be: shared by every command that connects.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL URL or conninfo string (default: DATABASE_URL, then libpq's PG* variables).",
            valueName: "url"))
    var databaseURL: String?

    @Option(
        name: .customLong("replica-url"),
        help: ArgumentHelp(
            "A streaming replica that reports read from instead (URL or conninfo; default GROWTH_REPORT_REPLICA_URL). db commands and metrics refresh always use the primary.",
            valueName: "url"))
    var replicaURL: String?

    @Option(
        name: .customLong("max-replica-lag"),
        help: ArgumentHelp(
            "Reading a replica whose last replayed transaction is older than this (and which has not replayed all it received) puts a warning in every report, e.g. 30s or 5m.",
            valueName: "duration"))
    var maxReplicaLag = DurationOption("5m")!

    @Flag(help: "With a replica past --max-replica-lag, write nothing and exit 75 instead of warning.")
    var strict = false

    @Flag(name: .customLong("replica-fallback"), help: "When the replica cannot be reached, read from the primary instead (and say so).")
    var replicaFallback = false

    @Option(
        name: .customLong("statement-timeout"),
        help: ArgumentHelp("Cancel any statement running longer than this, e.g. 60s or 5m.", valueName: "duration"))
    var statementTimeout: DurationOption?

    @OptionGroup var verbosity: VerbosityOptions

    /// For benchmarks: run each query under EXPLAIN ANALYZE first and print PostgreSQL's own time.
    @Flag(name: .customLong("measure-server-time"), help: .hidden)
    var measureServerTime = false

    func validate() throws {
        // An empty value (an unset shell variable) would fall back to libpq's defaults: another database.
        for (name, value) in [("--database-url", databaseURL), ("--replica-url", replicaURL)] where value?.isEmpty == true {
            throw ValidationError("\(name) is empty; give a PostgreSQL URL or conninfo string, or leave the option out.")
        }
        guard maxReplicaLag.milliseconds >= 0 else {
            throw ValidationError("--max-replica-lag must be positive (0 allows none), e.g. 5m.")
        }
        if let statementTimeout, statementTimeout.milliseconds < 0 {
            throw ValidationError("--statement-timeout must be positive (0 leaves the server's own), e.g. 60s.")
        }
        if let statementTimeout, statementTimeout.milliseconds > Int(Int32.max) {
            throw ValidationError("--statement-timeout can be at most 24 days (PostgreSQL's limit).")
        }
    }

    /// The configured connection: the option, else DATABASE_URL, else libpq's environment, else
    /// the private cluster of `growth-report demo` when it is running.
    func settings(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        timeZone: String = "UTC", readsReplica: Bool = false
    ) throws -> ConnectionSettings {
        var connectionString =
            (readsReplica ? replica(environment) : nil) ?? databaseURL
            ?? environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if connectionString == nil, !Self.libpqEnvironmentConfigured(environment),
            case .running(let endpoint)? = try? PrivateCluster(directory: ProjectPaths.clusterDirectory).status()
        {
            connectionString = endpoint.conninfo(database: PrivateClusterDatabase.name)
        }
        let settings = ConnectionSettings(
            connectionString: connectionString,
            statementTimeoutMilliseconds: statementTimeout?.milliseconds,
            timeZone: timeZone)
        // Mask the passwords of every URL given, not only of the one used.
        let others = [databaseURL, replica(environment), environment["DATABASE_URL"]].compactMap { $0 }
            .flatMap { ConnectionSettings(connectionString: $0).secrets() }
        Console.masker = settings.masker().adding(others)
        try settings.validate()
        return settings
    }

    /// The replica reports read: `--replica-url`, else `GROWTH_REPORT_REPLICA_URL` when set.
    func replica(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        replicaURL ?? environment[Self.replicaVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let replicaVariable = "GROWTH_REPORT_REPLICA_URL"

    /// Applies --quiet and --verbose to output and logging.
    func bootstrap() { verbosity.apply() }

    /// Connects to the primary (migrations, seeding); reports connect through `ReportPipeline`.
    func connect() throws -> PostgresConnection {
        try PostgresConnection(settings: settings(), logger: Logger(label: "growth-report.database"))
    }

    static func libpqEnvironmentConfigured(_ environment: [String: String]) -> Bool {
        ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"].contains { environment[$0] != nil }
    }
}

/// `--quiet` and `--verbose`, on every command.
struct VerbosityOptions: ParsableArguments {
    @Flag(name: .long, help: "Print nothing but errors and results (paths written, URLs).")
    var quiet = false

    @Flag(name: .long, help: "Log each statement, connection and server step to stderr (passwords masked).")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
    }

    func apply() {
        Console.isQuiet = quiet
        Console.logLevel = verbose ? .debug : (quiet ? .error : .warning)
    }
}
