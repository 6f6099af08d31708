import Database
import Foundation
import Rendering
import Reports

extension RunConfiguration {
    /// The run a report command was asked for: --quiet/--verbose applied, the period and clock
    /// resolved, the formats (`formats`, else `--format`), the output and the connection
    /// settings checked — all before anything is read.
    /// - Throws: `CommandFailure.usage` for a bad period or format; `DatabaseError` for a bad URL.
    init(
        connection: ConnectionOptions, period: PeriodOptions, output: OutputOptions,
        formats: [OutputFormat]? = nil
    ) throws {
        connection.bootstrap()
        let (reportPeriod, clock) = try period.resolve()
        try self.init(
            period: reportPeriod, asOf: clock, formats: formats ?? output.formats(), output: output,
            connection: connection.settings(timeZone: reportPeriod.timeZone.identifier, readsReplica: true),
            measuresServerTime: connection.measureServerTime)
        readsReplica = connection.replica() != nil
        maxReplicaLag = .milliseconds(connection.maxReplicaLag.milliseconds)
        failsOnReplicaLag = connection.strict
        if readsReplica && connection.replicaFallback {
            fallbackConnection = try connection.settings(timeZone: reportPeriod.timeZone.identifier, readsReplica: false)
        }
        if period.includeArchive { includeArchive() }
    }

    /// A run for a period resolved elsewhere (`demo`) with these settings.
    init(
        period: ReportPeriod, asOf: Date, formats: [OutputFormat], output: OutputOptions,
        connection settings: ConnectionSettings, measuresServerTime: Bool = false
    ) throws {
        self.init(
            period: period, asOf: asOf, currency: Currency(output.currency) ?? .usDollar, formats: formats,
            output: URL(fileURLWithPath: output.output), templates: output.templates.map { URL(fileURLWithPath: $0) },
            csvByteOrderMark: output.csvBOM, lockTimeout: .milliseconds(output.lockTimeout.milliseconds),
            connection: settings, measuresServerTime: measuresServerTime)
    }
}
