import Foundation
import MailDelivery
import TestSupport
import Testing

/// Delivery end to end against a real SMTP server on loopback: what arrives is byte for byte
/// what was sent, TLS is verified, a login goes only over TLS, and a failure sends nothing.
@Suite struct SMTPDeliveryTests {
    static let certificate = Result { try TestCertificate.make() }

    /// A message whose body has lines that SMTP must escape (a lone dot, leading dots) and a long tail.
    static let message: Data = {
        var lines = ["From: Reports <reports@example.com>", "To: ceo@example.com", "Subject: Weekly",
                     "Date: Wed, 25 Nov 2026 10:00:00 +0000", "Message-ID: <test@example.com>", "",
                     "Hello.", ".", "..two dots", ". dot space", "end"]
        lines += (0..<2000).map { "line \($0) " + String(repeating: "x", count: 60) }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }()

    @Test func deliversWithoutTLSToARelayExactlyWhatWasSent() throws {
        let sink = try SMTPSink()
        let server = try SMTPServer(url: "smtp://127.0.0.1:\(sink.port)", allowsPlaintext: true)
        try SMTPMailer(server: server, password: nil).send(Self.message, from: "reports@example.com",
                                                           to: ["ceo@example.com", "cfo@example.com"])
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.data == Self.message)
        #expect(deliveries.first?.sender == "reports@example.com")
        #expect(deliveries.first?.recipients == ["ceo@example.com", "cfo@example.com"])
        #expect(deliveries.first?.overTLS == false)
    }

    @Test func logsInOverSTARTTLSVerifiedAgainstTheGivenAuthority() throws {
        let certificate = try Self.certificate.get()
        let sink = try SMTPSink(encryption: .startTLS(certificate), login: ("reports@example.com", "s3cret pass:word"))
        let server = try SMTPServer(url: "smtp://reports%40example.com@127.0.0.1:\(sink.port)")
        try SMTPMailer(server: server, password: "s3cret pass:word", certificateAuthorityFile: certificate.certificate.path)
            .send(Self.message, from: "reports@example.com", to: ["ceo@example.com"])
        let delivery = try #require(try sink.deliveries().first)
        #expect(delivery.overTLS && delivery.user == "reports@example.com")
        #expect(delivery.data == Self.message)
    }

    @Test func speaksTLSFromTheFirstByteOnSMTPS() throws {
        let certificate = try Self.certificate.get()
        let sink = try SMTPSink(encryption: .implicitTLS(certificate))
        let server = try SMTPServer(url: "smtps://127.0.0.1:\(sink.port)")
        try SMTPMailer(server: server, password: nil, certificateAuthorityFile: certificate.certificate.path)
            .send(Self.message, from: "reports@example.com", to: ["ceo@example.com"])
        #expect(try sink.deliveries().map(\.overTLS) == [true])
    }

    @Test func refusesACertificateItCannotVerify() throws {
        let sink = try SMTPSink(encryption: .startTLS(try Self.certificate.get()))
        let server = try SMTPServer(url: "smtp://127.0.0.1:\(sink.port)")
        #expect { try SMTPMailer(server: server, password: nil).send(Self.message, from: "reports@example.com", to: ["ceo@example.com"]) }
            throws: { error in
                let error = error as! SMTPError
                return error.kind == .tls && error.message.contains("--smtp-ca-file")
            }
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func refusesAServerWithoutSTARTTLSUnlessToldItIsARelay() throws {
        let sink = try SMTPSink()
        let server = try SMTPServer(url: "smtp://127.0.0.1:\(sink.port)")
        #expect { try SMTPMailer(server: server, password: nil).send(Self.message, from: "reports@example.com", to: ["ceo@example.com"]) }
            throws: { error in
                let error = error as! SMTPError
                return error.kind == .tls && error.message.contains("does not offer STARTTLS")
            }
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func aRefusedLoginSaysSoWithoutThePassword() throws {
        let certificate = try Self.certificate.get()
        let sink = try SMTPSink(encryption: .startTLS(certificate), login: ("reports", "right-password"))
        let server = try SMTPServer(url: "smtp://reports@127.0.0.1:\(sink.port)")
        #expect {
            try SMTPMailer(server: server, password: "wrong-password", certificateAuthorityFile: certificate.certificate.path)
                .send(Self.message, from: "reports@example.com", to: ["ceo@example.com"])
        } throws: { error in
            let error = error as! SMTPError
            return error.kind == .authentication && error.message.contains("reports") && !error.message.contains("wrong-password")
        }
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func oneRefusedRecipientSendsToNobody() throws {
        let sink = try SMTPSink(rejecting: "gone@example.com")
        let server = try SMTPServer(url: "smtp://127.0.0.1:\(sink.port)", allowsPlaintext: true)
        #expect {
            try SMTPMailer(server: server, password: nil)
                .send(Self.message, from: "reports@example.com", to: ["ceo@example.com", "gone@example.com"])
        } throws: { error in
            let error = error as! SMTPError
            return error.kind == .rejected && error.message.contains("550")
        }
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func aServerThatIsNotThereIsUnreachable() throws {
        let listener = try TCPListener()   // a port that was free; closed again before the send
        let port = listener.port
        listener.close()
        let server = try SMTPServer(url: "smtp://127.0.0.1:\(port)", allowsPlaintext: true)
        #expect { try SMTPMailer(server: server, password: nil).send(Self.message, from: "reports@example.com", to: ["ceo@example.com"]) }
            throws: { error in (error as! SMTPError).kind == .unreachable }
    }
}
