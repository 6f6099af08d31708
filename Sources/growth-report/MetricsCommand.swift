import ArgumentParser
import Foundation
import Rendering
import Reports

/// `growth-report metrics …`: the `real_time_metrics` table.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Keep real_time_metrics current.",
        subcommands: [MetricsRefreshCommand.self])
}

/// `growth-report metrics refresh`: the three counters of `real_time_metrics` from the tables.
struct MetricsRefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Compute daily_signups, linkedin_shares and partner_conversions from the tables and upsert them.",
        discussion: """
            daily_signups: conversion_events of type signup in the 24 hours before --as-of; linkedin_shares: \
            viral_metrics actions linkedin_share in the same 24 hours; partner_conversions: customers_acquired \
            of the partnership_analytics rows of --as-of's day in --timezone. One statement on the primary \
            (never the replica), index ranges only: safe from cron every minute, and concurrently (a row is only \
            replaced by a refresh with a later --as-of). Prints each metric and its value.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The day of partner_conversions is --as-of's day in this IANA zone.", valueName: "Area/City"))
    var timezone = "UTC"

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("The clock (default now): the window ends here and last_updated is set to it.", valueName: "timestamp"))
    var asOf: AsOfOption?

    func run() throws {
        connection.bootstrap()
        guard let zone = TimeZone(identifier: timezone) else {
            throw CommandFailure.usage("Unknown --timezone '\(timezone)'; use an IANA name such as Europe/Berlin or UTC.")
        }
        let refresh = RealTimeMetricsRefresh(asOf: asOf?.instant(in: zone) ?? Date(), timeZone: zone)
        let database = try connection.connect()
        let outcome = try refresh.run(on: database)
        for metric in outcome.written {
            Console.output("\(metric.name)\t\(metric.value)")
        }
        let clock = "\(DisplayFormatter(timeZone: zone).timestamp(refresh.asOf)) \(timezone)"
        if !outcome.keptNewer.isEmpty {
            Console.progress(
                "Kept \(outcome.keptNewer.joined(separator: ", ")): a refresh with a later clock than \(clock) had written \(outcome.keptNewer.count == 1 ? "it" : "them")."
            )
        }
        Console.progress("Refreshed \(outcome.written.count) of 3 metrics as of \(clock) (the 24 hours before it; partner_conversions for \(refresh.day)).")
    }
}
