import Foundation
import TestSupport
import Testing

/// `exec-summary --send` and `weekly --send`: the written `.eml` delivered over SMTP to a real
/// server on loopback, byte for byte; SMTP options checked before the database is touched.
@Suite struct MailSendTests {
    static let password = "Sm7p pass:word/@"
    static let period = ["--week", "2026-W47", "--as-of", "2026-11-25"]
    static let mail = [
        "--mail-from", "Growth Reports <reports@example.com>",
        "--mail-to", "ceo@example.com,cfo@example.com", "--mail-to", "Zoë Ops <ops@example.com>",
    ]

    @Test func execSummaryIsDeliveredOverSTARTTLSWithTheLoginFromTheEnvironment() throws {
        let conninfo = try WeeklyCommandTests.seeded("send")
        let certificate = try TestCertificate.shared()
        let sink = try SMTPSink(encryption: .startTLS(certificate), login: ("reports@example.com", Self.password))
        let folder = try CommandRunner.temporaryDirectory("send")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            [
                "exec-summary", "--database-url", conninfo, "--output", folder.path, "--send",
                "--smtp-url", "smtp://reports%40example.com@127.0.0.1:\(sink.port)", "--smtp-ca-file", certificate.certificate.path,
            ]
                + Self.period + Self.mail,
            environment: ["SMTP_PASSWORD": Self.password])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("exec-summary.eml: sent to ceo@example.com, cfo@example.com, ops@example.com via 127.0.0.1:\(sink.port)"))
        let delivery = try #require(try sink.deliveries().first)
        #expect(try sink.deliveries().count == 1)
        #expect(delivery.overTLS && delivery.user == "reports@example.com")
        #expect(delivery.sender == "reports@example.com")
        #expect(delivery.recipients == ["ceo@example.com", "cfo@example.com", "ops@example.com"])
        let file = folder.appendingPathComponent("2026-W47/exec-summary.eml")
        #expect(delivery.data == (try Data(contentsOf: file)))
        // What arrived parses as the same message, workbook attached.
        let received = folder.appendingPathComponent("received.eml")
        try delivery.data.write(to: received)
        let eml = try ExecSummaryCommandTests.read(received)
        #expect((eml["defects"] as! [String]).isEmpty)
        let parts = (eml["tree"] as! [String: Any])["parts"] as! [[String: Any]]
        #expect((parts.last?["sheets"] as? [String])?.contains("KPIs") == true)
        // The password is nowhere: not in the output, not in the manifest.
        let manifest = try String(contentsOf: folder.appendingPathComponent("2026-W47/manifest.json"), encoding: .utf8)
        for text in [result.stdout, result.stderr, manifest] {
            #expect(!text.contains(Self.password) && !text.contains("Sm7p"))
        }
    }

    @Test func weeklySendsTheSummaryOnceThePackIsWritten() throws {
        let conninfo = try WeeklyCommandTests.seeded("weekly_send")
        let sink = try SMTPSink()
        let folder = try CommandRunner.temporaryDirectory("weekly-send")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            [
                "weekly", "--quiet", "--database-url", conninfo, "--output", folder.path, "--send", "--no-starttls",
                "--smtp-url", "smtp://127.0.0.1:\(sink.port)", "--subject", "Monday numbers",
            ] + Self.period + Self.mail)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let pack = folder.appendingPathComponent("2026-W47")
        let emails = try FileManager.default.contentsOfDirectory(atPath: pack.path).filter { $0.hasSuffix(".eml") }
        #expect(emails == ["exec-summary.eml"])
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.data == (try Data(contentsOf: pack.appendingPathComponent("exec-summary.eml"))))
        let received = String(decoding: deliveries.first?.data ?? Data(), as: UTF8.self)
        #expect(received.contains("Subject: Monday numbers"))
    }

    @Test func aRefusedLoginExits69InOneLineAndKeepsTheFiles() throws {
        let conninfo = try WeeklyCommandTests.seeded("send_refused")
        let certificate = try TestCertificate.shared()
        let sink = try SMTPSink(encryption: .startTLS(certificate), login: ("reports", "the-right-one"))
        let folder = try CommandRunner.temporaryDirectory("send-refused")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            [
                "exec-summary", "--database-url", conninfo, "--output", folder.path, "--send",
                "--smtp-url", "smtp://reports@127.0.0.1:\(sink.port)", "--smtp-ca-file", certificate.certificate.path,
            ]
                + Self.period + Self.mail,
            environment: ["SMTP_PASSWORD": Self.password])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.errorLines.filter { $0.hasPrefix("growth-report:") }.count == 1)
        #expect(result.stderr.contains("refused the login of reports"))
        #expect(!result.stderr.contains(Self.password) && !result.stdout.contains(Self.password))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2026-W47/exec-summary.eml").path))
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func anUnverifiableCertificateIsRefused() throws {
        let conninfo = try WeeklyCommandTests.seeded("send_tls")
        let sink = try SMTPSink(encryption: .startTLS(try TestCertificate.shared()))
        let folder = try CommandRunner.temporaryDirectory("send-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(
            [
                "exec-summary", "--quiet", "--database-url", conninfo, "--output", folder.path, "--send",
                "--smtp-url", "smtp://127.0.0.1:\(sink.port)",
            ] + Self.period + Self.mail)
        #expect(result.status == 69)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("certificate does not verify") && result.stderr.contains("--smtp-ca-file"))
        #expect(try sink.deliveries().isEmpty)
    }

    /// Each of these is refused with 64 before a connection: the database URL leads nowhere.
    @Test(
        arguments: [
            (["--send"], [:], "--send needs --smtp-url"),
            (["--smtp-url", "smtp://127.0.0.1:2525"], [:], "only with --send"),
            (["--send", "--smtp-url", "smtp://reports:Sm7p-secret@127.0.0.1:2525"], [:], "holds a password"),
            (["--send", "--smtp-url", "ftp://127.0.0.1"], [:], "must start with smtp:// or smtps://"),
            (["--send", "--smtp-url", "smtp://127.0.0.1:2525"], ["SMTP_PASSWORD": "Sm7p-secret"], "names no user"),
            (["--send", "--smtp-url", "smtp://me@127.0.0.1:2525", "--no-starttls"], ["SMTP_PASSWORD": "Sm7p-secret"], "unencrypted"),
            (["--send", "--smtp-url", "smtp://me@127.0.0.1:2525"], [:], "SMTP_PASSWORD is not set"),
            (["--send", "--smtp-url", "smtps://127.0.0.1", "--smtp-ca-file", "/nonexistent.pem"], [:], "cannot be read"),
            (["--send", "--smtp-url", "smtp://127.0.0.1%2Fevil.example:2525"], [:], "host must be"),
            (["--format", "html,csv"], [:], "add eml to it"),
            (["--format", "xlsx", "--send", "--smtp-url", "smtp://127.0.0.1:2525"], [:], "add eml to it"),
        ] as [([String], [String: String], String)])
    func smtpOptionsThatCannotWorkAreRefusedFirst(extra: [String], environment: [String: String], complaint: String) throws {
        let folder = try CommandRunner.temporaryDirectory("send-usage")
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in ["exec-summary", "weekly"] {
            let result = try CommandRunner.run(
                [command, "--database-url", "postgresql://nobody@127.0.0.1:1/none", "--output", folder.path] + Self.period + Self.mail + extra,
                environment: environment.mapValues { $0 })
            #expect(result.status == 64, "\(command) \(extra): \(result.stderr)")
            #expect(result.errorLines.count == 1)
            #expect(result.stderr.contains(complaint), "\(result.stderr)")
            #expect(!result.stderr.contains("Sm7p-secret"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
