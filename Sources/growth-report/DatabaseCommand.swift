import ArgumentParser

/// `growth-report db …`: the schema, demo data and the private cluster.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create the schema, load demo data, and manage the private PostgreSQL cluster.",
        subcommands: [MigrateCommand.self, SeedCommand.self, StartCommand.self, StopCommand.self, StatusCommand.self])
}
