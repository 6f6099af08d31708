import Foundation
import Rendering
import Reports

/// Who an `.eml` is from and to, and its subject; every value checked before any data is read.
struct MailSettings {
    var from: MailAddress
    var to: [MailAddress]
    var subject: String
    /// The report whose document the message carries.
    var report: ReportKind

    /// - Throws: `MailHeaderError` for a missing, malformed or line-breaking value.
    init(from: String?, to: [String], subject: String?, defaultSubject: String, report: ReportKind = .execSummary) throws {
        self.report = report
        guard let from else { throw MailHeaderError(field: "--mail-from", value: "", reason: "an .eml needs a sender") }
        self.from = try MailAddress(parsing: from, field: "--mail-from")
        self.to = try MailAddress.list(to, field: "--mail-to")
        guard !self.to.isEmpty else { throw MailHeaderError(field: "--mail-to", value: "", reason: "an .eml needs at least one recipient") }
        let subject = subject ?? defaultSubject
        try MailHeaders.checkNoControl(subject, field: subject == defaultSubject ? "subject" : "--subject")
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MailHeaderError(field: "--subject", value: subject, reason: "it is empty")
        }
        self.subject = subject
    }

    /// The message for `document`: plain text, the e-mail HTML and the workbook attached
    /// (`workbook`, else written here).
    func message(
        for document: ReportDocument, timeZone: TimeZone, date: Date, templates: String?,
        workbook: Data? = nil
    ) throws -> MailMessage {
        let html = try EmailRenderer(templatesDirectory: templates).render(document, timeZone: timeZone)
        let text = PlainTextRenderer(timeZone: timeZone).render(document)
        let workbook = try workbook ?? Self.workbook(document, timeZone: timeZone)
        return try MailMessage(
            from: from, to: to, subject: subject, date: date, text: text, html: html,
            attachments: [
                MailMessage.Attachment(
                    fileName: XLSXWriter.fileName(for: document),
                    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    data: workbook)
            ])
    }

    /// The report's workbook as bytes (libxlsxwriter writes to a path).
    static func workbook(_ document: ReportDocument, timeZone: TimeZone) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("growth-report-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(XLSXWriter.fileName(for: document))
        _ = try XLSXWriter(options: XLSXOptions(timeZone: timeZone)).write(document, to: url)
        return try Data(contentsOf: url)
    }
}
