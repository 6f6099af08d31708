import ArgumentParser
import Foundation
import MailDelivery
import Rendering
import Reports

/// Who a report's e-mail is for, and how it is sent: shared by `exec-summary`, `weekly` and `check`.
struct MailOptions: ParsableArguments {
    @Option(name: .customLong("mail-from"), help: ArgumentHelp("The sender of the .eml, e.g. 'Reports <reports@example.com>'.", valueName: "address"))
    var mailFrom: String?

    @Option(name: .customLong("mail-to"), help: ArgumentHelp("A recipient of the .eml (repeatable, or comma-separated).", valueName: "address"))
    var mailTo: [String] = []

    @Option(help: ArgumentHelp("The .eml's subject (default: 'Executive summary — PERIOD'; for check 'Alerts — PERIOD').", valueName: "text"))
    var subject: String?

    @Flag(help: "Also deliver the .eml over SMTP to every --mail-to (needs --smtp-url).")
    var send = false

    @Option(
        name: .customLong("smtp-url"),
        help: ArgumentHelp(
            "smtp://[user@]host[:port] (STARTTLS, default port 587) or smtps://… (TLS, 465); the password comes from SMTP_PASSWORD.",
            valueName: "url"))
    var smtpURL: String?

    @Option(
        name: .customLong("smtp-ca-file"),
        help: ArgumentHelp("PEM file of the certificate authorities to trust for the SMTP server instead of the system's.", valueName: "path"))
    var smtpCAFile: String?

    @Flag(
        name: .customLong("no-starttls"),
        help: "Send over smtp:// unencrypted, e.g. to a relay on this host; the message crosses the network in clear text (refused with SMTP_PASSWORD).")
    var noSTARTTLS = false

    /// Whether any mail option was given: the .eml is then written by default.
    var wantsMail: Bool { mailFrom != nil || !mailTo.isEmpty || send }

    /// What a run writes and sends, settled before any data is read.
    struct Plan {
        /// The formats to write: `eml` by default when mail options are given, always with `--send`.
        var formats: [OutputFormat]
        /// Sender, recipients and subject, checked; nil when no .eml is written.
        var settings: MailSettings?
        /// The SMTP connection of `--send`, checked; nil without it.
        var mailer: SMTPMailer?

        /// Sends the written `.eml` among `paths`, when `--send` asked for it.
        func deliver(_ paths: [URL]) throws {
            guard let mailer, let settings, let message = paths.first(where: { $0.lastPathComponent == "\(settings.report.name).eml" })
            else { return }
            try MailOptions.deliver(message, settings: settings, with: mailer)
        }
    }

    /// - Throws: `CommandFailure.usage` naming the bad option.
    /// `report` names the document the e-mail carries; `defaultSubject` is used without `--subject`.
    func plan(
        output: OutputOptions, period: ReportPeriod, report: ReportKind = .execSummary, defaultSubject: String? = nil
    ) throws -> Plan {
        var formats = try output.formats(supported: OutputFormat.allCases)
        if output.format == nil && !wantsMail { formats.removeAll { $0 == .eml } }
        if output.format != nil && wantsMail && !formats.contains(.eml) {
            throw CommandFailure.usage("--mail-from, --mail-to and --send make \(report.name).eml, which --format leaves out; add eml to it.")
        }
        var settings: MailSettings?
        if formats.contains(.eml) {
            do {
                settings = try MailSettings(
                    from: mailFrom, to: mailTo, subject: subject,
                    defaultSubject: defaultSubject ?? "Executive summary — \(period.label)", report: report)
            } catch let error as MailHeaderError {
                throw CommandFailure.usage(error.description)
            }
        }
        return Plan(formats: formats, settings: settings, mailer: try mailer())
    }

    /// The SMTP connection `--send` uses, checked before any data is read; nil without `--send`.
    /// - Throws: `CommandFailure.usage` for SMTP options that cannot work.
    func mailer(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SMTPMailer? {
        guard send else {
            if smtpURL != nil || smtpCAFile != nil || noSTARTTLS {
                throw CommandFailure.usage("--smtp-url, --smtp-ca-file and --no-starttls take effect only with --send.")
            }
            return nil
        }
        guard let smtpURL else { throw CommandFailure.usage("--send needs --smtp-url, e.g. smtp://reports@mail.example.com:587.") }
        do {
            let server = try SMTPServer(url: smtpURL, allowsPlaintext: noSTARTTLS)
            return try SMTPMailer(server: server, password: environment["SMTP_PASSWORD"], certificateAuthorityFile: smtpCAFile)
        } catch let error as SMTPError {
            throw CommandFailure.usage(error.message + ".")
        }
    }

    /// Sends the written `.eml` exactly as it is on disk, and says so on stderr.
    /// - Throws: `CommandFailure` (69) when the server is unreachable or refuses it.
    private static func deliver(_ file: URL, settings: MailSettings, with mailer: SMTPMailer) throws {
        let recipients = settings.to.map(\.address)
        do {
            try mailer.send(try Data(contentsOf: file), from: settings.from.address, to: recipients)
        } catch let error as SMTPError {
            let code = error.kind == .invalidSettings ? ExitStatus.usage : ExitStatus.unavailable
            throw CommandFailure(exitCode: code, message: "\(error.message); the report files are written, \(file.lastPathComponent) among them.")
        }
        Console.progress("\(file.lastPathComponent): sent to \(recipients.joined(separator: ", ")) via \(mailer.server)")
    }
}
