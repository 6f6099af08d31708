import Database
import Foundation
import Rendering
import Reports

/// Builds each report's document from a connection: shared by the report commands and `demo`.
enum DocumentFactory {
    /// The A/B readout. Throws `ABTestError` for data that stops it.
    static func abTest(_ report: ABTestReport, asOf: Date, database: PostgresConnection) throws -> (document: ReportDocument, model: ABTestReadout) {
        let firstStatement = database.statementsRun.count
        let readout = try report.readout(on: database)
        let context = self.context(period: report.period, asOf: asOf, readoutEnd: report.readoutEnd,
                                   options: report.recordedOptions, database: database, since: firstStatement)
        return (ABTestDocument.make(readout, context: context), readout)
    }

    /// Partner ROI with its previous period.
    static func partnerROI(period: ReportPeriod, asOf: Date, currency: String,
                           database: PostgresConnection) throws -> (document: ReportDocument, model: PartnerROIResults) {
        let firstStatement = database.statementsRun.count
        let report = PartnerROIReport(period: period)
        let results = try report.results(on: database)
        let context = self.context(period: period, asOf: asOf, readoutEnd: period.end,
                                   options: report.recordedOptions + [.init("currency", currency)],
                                   database: database, since: firstStatement)
        return (PartnerROIDocument.make(results, context: context, currency: currency), results)
    }

    /// Attribution under the five models, with the previous period.
    static func attribution(_ report: AttributionReport, asOf: Date, currency: String,
                            database: PostgresConnection) throws -> ReportDocument {
        let firstStatement = database.statementsRun.count
        let readout = try report.readout(on: database)
        let context = self.context(period: report.period, asOf: asOf, readoutEnd: report.period.end,
                                   options: report.recordedOptions, database: database, since: firstStatement)
        return AttributionDocument.make(readout, context: context, currency: currency)
    }

    /// Viral growth with the previous period and the 8-week trend.
    static func viral(_ report: ViralReport, asOf: Date, database: PostgresConnection) throws -> (document: ReportDocument, model: ViralReadout) {
        let firstStatement = database.statementsRun.count
        let readout = try report.readout(on: database)
        let context = self.context(period: report.period, asOf: asOf, readoutEnd: report.period.end,
                                   options: report.recordedOptions, database: database, since: firstStatement)
        return (ViralDocument.make(readout, context: context), readout)
    }

    /// The executive summary: the partner, viral and A/B models plus `real_time_metrics`.
    static func execSummary(_ report: ExecSummaryReport, currency: String, database: PostgresConnection) throws -> ReportDocument {
        let firstStatement = database.statementsRun.count
        let readout = try report.readout(on: database)
        let context = self.context(period: report.period, asOf: report.asOf, readoutEnd: report.period.end,
                                   options: report.recordedOptions + [.init("currency", currency)],
                                   database: database, since: firstStatement)
        return ExecSummaryDocument.make(readout, context: context, currency: currency)
    }

    /// The executive summary from models this run has read already; `statementsSince` is where
    /// the statements of those models began, so the record lists them.
    static func execSummary(_ report: ExecSummaryReport, partners: PartnerROIResults, viral: ViralReadout,
                            experiments: ABTestReadout?, currency: String, database: PostgresConnection,
                            statementsSince: Int) throws -> ReportDocument {
        let readout = try report.readout(partners: partners, viral: viral, experiments: experiments, on: database)
        let context = self.context(period: report.period, asOf: report.asOf, readoutEnd: report.period.end,
                                   options: report.recordedOptions + [.init("currency", currency)],
                                   database: database, since: statementsSince)
        return ExecSummaryDocument.make(readout, context: context, currency: currency)
    }

    /// The context of one report: the statements it ran on `database` since `since`.
    static func context(period: ReportPeriod, asOf: Date, readoutEnd: Date, options: [Reproducibility.Setting],
                        database: PostgresConnection, since: Int) -> ReportContext {
        ReportContext(
            period: period, asOf: asOf, readoutEnd: readoutEnd,
            reproducibility: ReportContext.reproducibility(
                period: period, asOf: asOf, generatedAt: Date(), toolVersion: GrowthReport.version, options: options,
                statements: Array(database.statementsRun[since...])))
    }
}
