import ArgumentParser

/// `growth-report db …`: the schema, partitions and archive, demo data, the doctor and the private cluster.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create the schema, partition and archive the event tables, load demo data, check the database, and manage the private PostgreSQL cluster.",
        subcommands: [
            MigrateCommand.self, PartitionCommand.self, ArchiveCommand.self, SeedCommand.self, DoctorCommand.self, StartCommand.self, StopCommand.self,
            StatusCommand.self,
        ])
}
