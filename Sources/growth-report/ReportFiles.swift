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

    /// - Throws: the renderers' and the output run's errors (mapped in `ExitStatus`), `WriteFailure` for any other.
    @discardableResult
    /// `pathsOnStandardError`: the paths go to stderr (`check`, whose stdout is its alerts).
    func write(
        _ documents: [ReportDocument], runOptions: [Reproducibility.Setting] = [], mail: MailSettings? = nil,
        pathsOnStandardError: Bool = false
    ) throws -> [URL] {
        let timeZone = configuration.timeZone
        let formats = configuration.formats
        let templates = configuration.templates?.path
        // The templates first: a --templates folder that is not there must leave no output folder behind.
        let html = formats.contains(.html) ? try HTMLRenderer(templatesDirectory: templates) : nil
        let folder = configuration.outputFolder
        let run = try OutputRun(
            outputDirectory: folder.deletingLastPathComponent(), period: configuration.period.label,
            folderName: folder.lastPathComponent)
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
                // The report the mail options are for (the executive summary, the check digest).
                if formats.contains(.eml), let mail, document.report == mail.report.name {
                    // The workbook attached is the one in the pack when the pack has one.
                    let workbook = try run.stagedData(fileNamed: XLSXWriter.fileName(for: document))
                    let message = try mail.message(
                        for: document, timeZone: timeZone, date: configuration.generatedAt, templates: templates,
                        workbook: workbook)
                    try run.add(fileNamed: "\(document.report).eml", report: document.report, bytes: message.data())
                }
                run.record(document)
            }
            let paths = try run.commit(
                toolVersion: GrowthReport.version, generatedAt: configuration.generatedAt, options: runOptions,
                lockTimeout: configuration.lockTimeout)
            for path in paths {
                if pathsOnStandardError { Console.progress(Self.displayPath(path)) } else { Console.outputPath(Self.displayPath(path)) }
            }
            return paths
        } catch {
            run.discard()
            throw Self.isKnown(error) ? error : WriteFailure(reason: error.localizedDescription)
        }
    }

    /// Anything else that failed while files were written (a full disk, a write error in
    /// libxlsxwriter, a folder that vanished): the output could not be written (73).
    struct WriteFailure: Error {
        var reason: String
        var message: String { "Could not write the report files: \(reason)" }
    }

    /// The errors `ExitStatus` maps by their own meaning: a template, a mail header, a document,
    /// a workbook over Excel's limits, the output run's own.
    static func isKnown(_ error: Error) -> Bool {
        error is HTMLRenderingError || error is MailHeaderError || error is DocumentError || error is OutputError
            || (error as? XLSXError)?.code == .tooLarge
    }

    /// Paths as the user would type them: relative to the current folder when inside it.
    static func displayPath(_ url: URL) -> String {
        let current = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(current) ? String(url.path.dropFirst(current.count)) : url.path
    }
}
