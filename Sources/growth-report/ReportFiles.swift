import Database
import Foundation
import Rendering
import Reports

/// Writes documents in the chosen formats into `OUTPUT/PERIOD/` through one output run: every
/// file staged, then renamed into place with `manifest.json` last; paths on stdout.
struct ReportFiles {
    let configuration: RunConfiguration

    init(_ configuration: RunConfiguration) {
        self.configuration = configuration
    }

    /// - Throws: `CommandFailure` for a template problem (64) or an output that cannot be written (73).
    @discardableResult
    func write(_ documents: [ReportDocument], runOptions: [Reproducibility.Setting] = [], mail: MailSettings? = nil) throws -> [URL] {
        let timeZone = configuration.timeZone
        let formats = configuration.formats
        let templates = configuration.templates?.path
        // The templates first: a --templates folder that is not there must leave no output folder behind.
        let html: HTMLRenderer?
        do {
            html = formats.contains(.html) ? try HTMLRenderer(templatesDirectory: templates) : nil
        } catch let error as HTMLRenderingError {
            throw CommandFailure(exitCode: error.code == .invalidDocument ? ExitStatus.internalError : ExitStatus.usage,
                                 message: error.localizedDescription)
        }
        let run: OutputRun
        do {
            let folder = configuration.outputFolder
            run = try OutputRun(outputDirectory: folder.deletingLastPathComponent(), period: configuration.period.label,
                                folderName: folder.lastPathComponent)
        } catch let error as OutputError {
            throw CommandFailure.cannotWrite(error.localizedDescription)
        }
        do {
            for document in documents {
                if let html {
                    let page = try html.render(document)
                    try run.add(fileNamed: "\(document.report).html", report: document.report, bytes: Data(page.utf8))
                }
                if formats.contains(.csv) {
                    try run.addCSV(for: document, options: CSVOptions(includesByteOrderMark: configuration.csvByteOrderMark, timeZone: timeZone))
                }
                if formats.contains(.xlsx) {
                    try run.addXLSX(for: document, options: XLSXOptions(timeZone: timeZone))
                }
                // Only the executive summary is made for e-mail.
                if formats.contains(.eml), let mail, document.report == ReportKind.execSummary.name {
                    // The workbook attached is the one in the pack when the pack has one.
                    let workbook = try run.stagedData(fileNamed: XLSXWriter.fileName(for: document))
                    let message = try mail.message(for: document, timeZone: timeZone, date: configuration.generatedAt, templates: templates,
                                                   workbook: workbook)
                    try run.add(fileNamed: "\(document.report).eml", report: document.report, bytes: message.data())
                }
                run.record(document)
            }
            let paths = try run.commit(toolVersion: GrowthReport.version, generatedAt: configuration.generatedAt, options: runOptions,
                                       lockTimeout: configuration.lockTimeout)
            for path in paths { Console.outputPath(Self.displayPath(path)) }
            return paths
        } catch let error as HTMLRenderingError {
            run.discard()
            throw CommandFailure(exitCode: error.code == .invalidDocument ? ExitStatus.internalError : ExitStatus.usage,
                                 message: error.localizedDescription)
        } catch let error as MailHeaderError {
            run.discard()
            throw CommandFailure.usage(error.description)
        } catch let error as XLSXError where error.code == .tooLarge {
            run.discard()
            throw CommandFailure.data(error.localizedDescription)
        } catch let error as OutputError where error.code == .locked || error.code == .interrupted {
            run.discard()
            throw CommandFailure(exitCode: ExitStatus.temporaryFailure, message: error.localizedDescription)
        } catch let error as OutputError where !error.isOutputUnwritable {
            run.discard()
            throw CommandFailure(exitCode: ExitStatus.internalError, message: error.localizedDescription)
        } catch {
            // Anything else that failed while files were written (a full disk, a write error in
            // libxlsxwriter, a folder that vanished) means the output could not be written.
            run.discard()
            throw CommandFailure.cannotWrite("Could not write the report files: \(error.localizedDescription)")
        }
    }

    /// Paths as the user would type them: relative to the current folder when inside it.
    static func displayPath(_ url: URL) -> String {
        let current = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(current) ? String(url.path.dropFirst(current.count)) : url.path
    }
}
