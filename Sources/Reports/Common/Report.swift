import Database
import Foundation
import Rendering

/// One report: what it reads, and the document it makes of what it read.
///
/// A report is a value made from the run's configuration and its own options. The pipeline
/// (`ReportReading.read`) runs `read(using:)` inside one statement scope, so the report's record
/// holds exactly the statements it ran (and those of the models it reused), then hands the
/// model to `document(_:context:)`. Adding a report means a type that conforms, its statements,
/// its document builder and a `ReportKind` case — see docs/architecture.md.
public protocol Report {
    associatedtype Model

    static var kind: ReportKind { get }

    /// The period it reports on.
    var period: ReportPeriod { get }

    /// When its readout ends: the period's end unless the report says otherwise (a live A/B readout).
    var readoutEnd: Date { get }

    /// Every statement `read(using:)` may run for this configuration, in the order it runs
    /// them, without running any: what `db doctor` explains. Statements of the models it reads
    /// through other reports are theirs.
    var statements: [Statement] { get }

    /// The options that shaped the numbers, for the reproducibility record.
    var recordedOptions: [Reproducibility.Setting] { get }

    /// Whether the run's currency belongs in its record (not for a report without amounts).
    static var recordsCurrency: Bool { get }

    /// Reads the model, in read-only snapshots on `reading.connection`; the models of other
    /// reports come from `reading.model(of:)`, so a run never reads one twice.
    func read(using reading: ReportReading) throws -> Model

    /// The document the renderers write.
    func document(_ model: Model, context: ReportContext) -> ReportDocument

    /// The rows of the partitioned event tables the model's numbers depend on, so that the
    /// run can say which archived months they reach (none for a report that reads none).
    func archiveReach(_ model: Model) -> [ArchiveReach]
}

extension Report {
    public var readoutEnd: Date { period.end }
    public func archiveReach(_ model: Model) -> [ArchiveReach] { [] }
    public static var recordsCurrency: Bool { true }
}

/// An error that may mean the period holds nothing for the report (no A/B test ran in it): a
/// pack then leaves the report out and says why.
public protocol EmptyPeriodError: Error {
    var isNothingInPeriod: Bool { get }
    /// Why the report is left out, e.g. "no test ran in 2026-W47 · 16–22 Nov 2026".
    var nothingInPeriodReason: String { get }
}
