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
    }

    @Test(arguments: [
        ("http://mail.example.com", "must start with smtp:// or smtps://"),
        ("mail.example.com:25", "must start with smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.com:0", "port 0"),
        ("smtp://mail.example.com:70000", "port"),
        ("smtp://mail.example.com/relay?x=1", "without a path or query"),
        ("not a url at all", "not a URL"),
    ])
    func refusesWhatIsNotAPlainSMTPURL(url: String, complaint: String) {
        #expect { try SMTPServer(url: url) } throws: { error in
            let error = error as! SMTPError
            return error.kind == .invalidSettings && error.message.contains(complaint)
        }
    }

    @Test func refusesAPasswordInTheURLWithoutRepeatingIt() {
        #expect { try SMTPServer(url: "smtp://reports:hunter2-secret@mail.example.com:587") } throws: { error in
            let message = (error as! SMTPError).message
            return message.contains("SMTP_PASSWORD") && !message.contains("hunter2")
        }
    }

    @Test func refusesPlaintextOnSMTPS() {
        #expect(throws: SMTPError.self) { try SMTPServer(url: "smtps://mail.example.com", allowsPlaintext: true) }
    }

    @Test func aPasswordNeedsAUserAndAUserNeedsAPassword() throws {
        let anonymous = try SMTPServer(url: "smtp://mail.example.com")
        #expect { try SMTPMailer(server: anonymous, password: "hunter2-secret") } throws: { error in
            let message = (error as! SMTPError).message
            return message.contains("names no user") && !message.contains("hunter2")
        }
        let named = try SMTPServer(url: "smtp://reports@mail.example.com")
        #expect { try SMTPMailer(server: named, password: nil) } throws: { error in
            (error as! SMTPError).message.contains("SMTP_PASSWORD is not set")
        }
        #expect(throws: SMTPError.self) { try SMTPMailer(server: named, password: "") }
        _ = try SMTPMailer(server: named, password: "hunter2-secret")
        _ = try SMTPMailer(server: anonymous, password: "")
    }

    @Test func neverSendsAPasswordUnencrypted() throws {
        let relay = try SMTPServer(url: "smtp://reports@127.0.0.1:25", allowsPlaintext: true)
        #expect { try SMTPMailer(server: relay, password: "hunter2-secret") } throws: { error in
            (error as! SMTPError).message.contains("unencrypted")
        }
    }

    @Test func theCertificateAuthorityFileMustBeReadable() throws {
        let server = try SMTPServer(url: "smtps://mail.example.com")
        #expect { try SMTPMailer(server: server, password: nil, certificateAuthorityFile: "/nonexistent/ca.pem") } throws: { error in
            (error as! SMTPError).message.contains("/nonexistent/ca.pem")
        }
    }
}
