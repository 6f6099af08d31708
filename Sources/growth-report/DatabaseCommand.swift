import ArgumentParser

/// `growth-report db …`: the schema, demo data, the doctor and the private cluster.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create the schema, load demo data, check the database, and manage the private PostgreSQL cluster.",
        subcommands: [
            MigrateCommand.self, PartitionCommand.self, SeedCommand.self, DoctorCommand.self, StartCommand.self, StopCommand.self, StatusCommand.self,
        ])
}
