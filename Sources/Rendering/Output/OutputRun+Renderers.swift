import Foundation

extension OutputRun {
    /// Adds one CSV file per table of `document` (`<table.name>.csv`; tables not written as CSV
    /// left out) and records the report.
    /// Returns the file names.
    @discardableResult
    public func addCSV(for document: ReportDocument, options: CSVOptions = CSVOptions()) throws -> [String] {
        record(document)
        let writer = CSVWriter(options: options)
        return try document.tables.filter(\.isWrittenAsCSV).map { table in
            let name = CSVWriter.fileName(for: table)
            try write(fileNamed: name, report: document.report) { url in try writer.write(table, to: url) }
            return name
        }
    }

    /// Adds `<report>.xlsx` for `document` and records the report.
    @discardableResult
    public func addXLSX(for document: ReportDocument, options: XLSXOptions = XLSXOptions()) throws -> XLSXSummary {
        record(document)
        var summary: XLSXSummary?
        try write(fileNamed: XLSXWriter.fileName(for: document), report: document.report) { url in
            summary = try XLSXWriter(options: options).write(document, to: url)
        }
        return summary!
    }
}
