import Foundation
import MailDelivery
import Testing

/// `--smtp-url`, `SMTP_PASSWORD` and `--smtp-ca-file`: checked before anything is built or sent.
@Suite struct SMTPServerTests {
    @Test func readsSchemeHostPortAndUser() throws {
        let submission = try SMTPServer(url: "smtp://mail.example.com")
        #expect(submission.host == "mail.example.com" && submission.port == 587 && submission.security == .startTLS)
        #expect(submission.user == nil)
        let implicit = try SMTPServer(url: "SMTPS://reports%40example.com@mail.example.com:2465")
        #expect(implicit.port == 2465 && implicit.security == .implicitTLS && implicit.user == "reports@example.com")
        #expect(try SMTPServer(url: "smtps://mail.example.com").port == 465)
        let relay = try SMTPServer(url: "smtp://127.0.0.1:25", allowsPlaintext: true)
        #expect(relay.security == .none && relay.description == "127.0.0.1:25")
        #expect(try SMTPServer(url: "smtp://[::1]:2525/").description == "[::1]:2525")
        // The user is decoded once: %25 is a percent sign.
        #expect(try SMTPServer(url: "smtp://a%2541@mail.example.com").user == "a%41")
        #expect(try SMTPServer(url: "smtp://xn--bcher-kva.example").host == "xn--bcher-kva.example")
    }

    @Test(arguments: [
        ("http://mail.example.com", "must start with smtp:// or smtps://"),
        ("mail.example.com:25", "must start with smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.com:0", "port 0"),
        ("smtp://mail.example.com:70000", "port"),
        ("smtp://mail.example.com/relay?x=1", "without a path or query"),
        ("not a url at all", "must start with smtp:// or smtps://"),
        ("smtp://127.0.0.1%2Fevil.example:2601", "host must be"),
        ("smtp://mail.example.com%0D%0AEHLO:25", "host must be"),
        ("smtp://b%C3%BCcher.example", "xn-- form"),
        ("smtp://mail%00.example.com", "host must be"),
    ])
    func refusesWhatIsNotAPlainSMTPURL(url: String, complaint: String) {
        #expect { try SMTPServer(url: url) } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return error.kind == .invalidSettings && error.message.contains(complaint)
        }
    }

    @Test func refusesAPasswordInTheURLWithoutRepeatingIt() {
        #expect { try SMTPServer(url: "smtp://reports:hunter2-secret@mail.example.com:587") } throws: { error in
            let message = (error as? SMTPError)?.message ?? ""
            return message.contains("SMTP_PASSWORD") && !message.contains("hunter2")
        }
    }

    @Test func refusesPlaintextOnSMTPS() {
        #expect(throws: SMTPError.self) { try SMTPServer(url: "smtps://mail.example.com", allowsPlaintext: true) }
    }

    @Test func aPasswordNeedsAUserAndAUserNeedsAPassword() throws {
        let anonymous = try SMTPServer(url: "smtp://mail.example.com")
        #expect { try SMTPMailer(server: anonymous, password: "hunter2-secret") } throws: { error in
            let message = (error as? SMTPError)?.message ?? ""
            return message.contains("names no user") && !message.contains("hunter2")
        }
        let named = try SMTPServer(url: "smtp://reports@mail.example.com")
        #expect { try SMTPMailer(server: named, password: nil) } throws: { error in
            (error as? SMTPError)?.message.contains("SMTP_PASSWORD is not set") == true
        }
        #expect { try SMTPMailer(server: named, password: "") } throws: { error in
            (error as? SMTPError)?.message.contains("SMTP_PASSWORD is empty") == true
        }
        _ = try SMTPMailer(server: named, password: "hunter2-secret")
        _ = try SMTPMailer(server: anonymous, password: "")
    }

    @Test func neverSendsAPasswordUnencrypted() throws {
        let relay = try SMTPServer(url: "smtp://reports@127.0.0.1:25", allowsPlaintext: true)
        #expect { try SMTPMailer(server: relay, password: "hunter2-secret") } throws: { error in
            (error as? SMTPError)?.message.contains("unencrypted") == true
        }
    }

    @Test func theCertificateAuthorityFileMustHoldACertificate() throws {
        let server = try SMTPServer(url: "smtps://mail.example.com")
        let notPEM = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-certificate-\(UUID().uuidString).txt")
        try Data("hello".utf8).write(to: notPEM)
        defer { try? FileManager.default.removeItem(at: notPEM) }
        for (path, complaint) in [("/nonexistent/ca.pem", "cannot be read"), ("/tmp", "cannot be read"), (notPEM.path, "no PEM certificate")] {
            #expect { try SMTPMailer(server: server, password: nil, certificateAuthorityFile: path) } throws: { error in
                (error as? SMTPError)?.message.contains(complaint) == true
            }
        }
    }

    @Test func theMailerNeverShowsThePassword() throws {
        let mailer = try SMTPMailer(server: try SMTPServer(url: "smtp://reports@mail.example.com"), password: "hunter2-secret")
        var dumped = ""
        dump(mailer, to: &dumped)
        for text in [String(describing: mailer), String(reflecting: mailer), dumped, "\(mailer)"] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        #expect(String(describing: mailer).contains("password set"))
    }
}
