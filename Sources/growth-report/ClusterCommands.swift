import ArgumentParser
import Database
import Foundation
import Logging
import PrivateCluster

/// `growth-report db start`: starts (or reuses) the private cluster under `.growth-report/`.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start (or reuse) the private PostgreSQL cluster under .growth-report/ and print its URL.")

    @Option(help: "The port number of the Unix socket (default: the one used before, else a free one).")
    var port: Int?

    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if let port, !(1024...65535).contains(port) { throw ValidationError("--port must be between 1024 and 65535.") }
    }

    func run() throws {
        verbosity.apply()
        let endpoint = try DemoDatabase.start(port: port)
        Console.progress("The private cluster is running (socket in \(endpoint.socketDirectory), port \(endpoint.port)).")
        Console.output(endpoint.url(database: PrivateClusterDatabase.name))
    }
}

/// `growth-report db stop`.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the private PostgreSQL cluster under .growth-report/.")

    @OptionGroup var verbosity: VerbosityOptions

    func run() throws {
        verbosity.apply()
        let cluster = PrivateCluster(directory: ProjectPaths.clusterDirectory, logger: Logger(label: "growth-report.cluster"))
        guard try cluster.status().isRunning else {
            Console.progress("The private cluster is not running.")
            return
        }
        try cluster.stop()
        Console.progress("The private cluster has stopped.")
    }
}

/// `growth-report db status`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say whether the private cluster runs, and how to connect to it (exit 3 when it does not run).")

    @OptionGroup var verbosity: VerbosityOptions

    func run() throws {
        verbosity.apply()
        switch try PrivateCluster(directory: ProjectPaths.clusterDirectory, logger: Logger(label: "growth-report.cluster")).status() {
        case .notCreated:
            Console.output("not created: `growth-report demo` or `growth-report db start` creates it in \(ProjectPaths.clusterDirectory.path)")
            throw ExitCode(3)
        case .stopped:
            Console.output("stopped: growth-report db start starts it")
            throw ExitCode(3)
        case .running(let endpoint):
            Console.output("running: \(endpoint.url(database: PrivateClusterDatabase.name))")
            Console.output("connect: psql '\(endpoint.url(database: PrivateClusterDatabase.name))'")
        }
    }
}

/// The private cluster and its database, as `demo` and `db start` leave them.
enum DemoDatabase {
    /// Starts the cluster and makes sure its database exists.
    static func start(port: Int? = nil) throws -> ClusterEndpoint {
        let directory = ProjectPaths.clusterDirectory
        let endpoint = try PrivateCluster(directory: directory, logger: Logger(label: "growth-report.cluster"))
            .start(ClusterOptions(port: port))
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
        let exists = try admin.query(
            named: "database_exists", "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS present",
            parameters: [.text(PrivateClusterDatabase.name)])
        if try exists.first?.decode("present", as: Bool.self) != true {
            try admin.executeScript(named: "create_database", "CREATE DATABASE \(try admin.quoteIdentifier(PrivateClusterDatabase.name))")
        }
        return endpoint
    }
}

extension ClusterError {
    /// SPEC §5: a port that cannot be used is a bad option value (64), the folder cannot be
    /// written (73), the server cannot be had (69).
    var exitCode: Int32 {
        switch code {
        case .portInUse, .invalidPort, .runningOnOtherPort: ExitStatus.usage
        case .directoryNotWritable: ExitStatus.cannotWrite
        default: ExitStatus.unavailable
        }
    }
}
