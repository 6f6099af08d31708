import Database
import Digest
import Foundation
import Rendering

/// What every report builder receives besides its data: the period, the clock and the record
/// of how the numbers were made.
public struct ReportContext: Sendable {
    public var period: ReportPeriod
    public var asOf: Date
    /// When the readout ends: the period's end, or the as-of time for a live A/B readout.
    public var readoutEnd: Date
    public var reproducibility: Reproducibility
    /// The currency of money columns.
    public var currency: Currency

    public init(
        period: ReportPeriod, asOf: Date, readoutEnd: Date, reproducibility: Reproducibility,
        currency: Currency = .usDollar
    ) {
        self.period = period
        self.asOf = asOf
        self.readoutEnd = readoutEnd
        self.reproducibility = reproducibility
        self.currency = currency
    }

    var readoutEndLabel: String {
        guard readoutEnd != period.end else { return "the end of \(period.humanLabel)" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = period.timeZone
        formatter.dateFormat = "d MMM yyyy HH:mm"
        return "\(formatter.string(from: readoutEnd)) \(period.timeZoneName) (live)"
    }

    /// The record of SPEC §6 for a run on `connection`: options as given (already masked),
    /// each statement's name with the SHA-256 of its SQL.
    public static func reproducibility(
        period: ReportPeriod, asOf: Date, generatedAt: Date, toolVersion: String,
        options: [Reproducibility.Setting], statements: [RanStatement]
    ) -> Reproducibility {
        return Reproducibility(
            toolVersion: toolVersion, generatedAt: generatedAt, dataAsOf: asOf, timeZone: period.timeZoneName,
            period: period.label, periodStart: ReportDate(period.first), periodEnd: ReportDate(period.last),
            options: options,
            statements: statements.map { Reproducibility.Setting($0.name, SHA256.hex(of: Array($0.sql.utf8))) })
    }
}
