import Foundation
import MailDelivery
import TestSupport
import Testing

/// Delivery end to end against a real SMTP server on loopback: what arrives is byte for byte
/// what was sent, TLS is verified, a login goes only over TLS, a failure sends nothing and
/// says which command the server refused with its own words.
@Suite struct SMTPDeliveryTests {
    /// A message whose body has lines that SMTP must escape (a lone dot, leading dots) and a long tail.
    static let message: Data = {
        var lines = [
            "From: Reports <reports@example.com>", "To: ceo@example.com", "Subject: Weekly",
            "Date: Wed, 25 Nov 2026 10:00:00 +0000", "Message-ID: <test@example.com>", "",
            "Hello.", ".", "..two dots", ". dot space", "end",
        ]
        lines += (0..<2000).map { "line \($0) " + String(repeating: "x", count: 60) }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }()

    /// Sends `message` and returns the error, if any.
    func failure(
        _ url: String, plaintext: Bool = false, password: String? = nil, certificate: TestCertificate? = nil,
        to recipients: [String] = ["ceo@example.com"], replyTimeout: Int = 60
    ) -> SMTPError? {
        do {
            let server = try SMTPServer(url: url, allowsPlaintext: plaintext)
            try SMTPMailer(
                server: server, password: password, certificateAuthorityFile: certificate?.certificate.path,
                replyTimeoutSeconds: replyTimeout
            )
            .send(Self.message, from: "reports@example.com", to: recipients)
            return nil
        } catch {
            return error as? SMTPError ?? SMTPError(kind: .invalidSettings, message: "unexpected error: \(error)")
        }
    }

    @Test func deliversWithoutTLSToARelayExactlyWhatWasSent() throws {
        let sink = try SMTPSink()
        #expect(failure("smtp://127.0.0.1:\(sink.port)", plaintext: true, to: ["ceo@example.com", "cfo@example.com"]) == nil)
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == 1)
        #expect(deliveries.first?.data == Self.message)
        #expect(deliveries.first?.sender == "reports@example.com")
        #expect(deliveries.first?.recipients == ["ceo@example.com", "cfo@example.com"])
        #expect(deliveries.first?.overTLS == false)
    }

    @Test func logsInOverSTARTTLSVerifiedAgainstTheGivenAuthority() throws {
        let certificate = try TestCertificate.shared()
        let sink = try SMTPSink(encryption: .startTLS(certificate), login: ("reports@example.com", "s3cret pass:word"))
        #expect(
            failure(
                "smtp://reports%40example.com@127.0.0.1:\(sink.port)", password: "s3cret pass:word",
                certificate: certificate) == nil)
        let delivery = try #require(try sink.deliveries().first)
        #expect(delivery.overTLS && delivery.user == "reports@example.com")
        #expect(delivery.data == Self.message)
    }

    @Test func speaksTLSFromTheFirstByteOnSMTPS() throws {
        let certificate = try TestCertificate.shared()
        let sink = try SMTPSink(encryption: .implicitTLS(certificate))
        #expect(failure("smtps://127.0.0.1:\(sink.port)", certificate: certificate) == nil)
        #expect(try sink.deliveries().map(\.overTLS) == [true])
    }

    @Test func refusesACertificateItCannotVerify() throws {
        let sink = try SMTPSink(encryption: .startTLS(try TestCertificate.shared()))
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)"))
        #expect(error.kind == .tls && error.message.contains("--smtp-ca-file"), "\(error)")
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func refusesAServerWithoutSTARTTLSUnlessToldItIsARelay() throws {
        let sink = try SMTPSink()
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)"))
        #expect(error.kind == .tls && error.message.contains("does not offer STARTTLS"), "\(error)")
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func aRefusedLoginSaysSoWithTheServersWordsAndWithoutThePassword() throws {
        let certificate = try TestCertificate.shared()
        let sink = try SMTPSink(encryption: .startTLS(certificate), login: ("reports", "right-password"))
        let error = try #require(failure("smtp://reports@127.0.0.1:\(sink.port)", password: "wrong-password", certificate: certificate))
        #expect(error.kind == .authentication && error.message.contains("refused the login of reports"), "\(error)")
        #expect(error.message.contains("535"), "\(error)")
        #expect(!error.message.contains("wrong-password") && !error.message.contains("d3JvbmctcGFzc3dvcmQ"))
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func oneRefusedRecipientSendsToNobodyAndIsNamed() throws {
        let sink = try SMTPSink(behaviour: .rejectsRecipient("gone@example.com"))
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)", plaintext: true, to: ["ceo@example.com", "gone@example.com"]))
        #expect(error.kind == .rejected, "\(error)")
        #expect(error.message.contains("answered RCPT TO:<gone@example.com> with \"550 5.1.1 No such user here\" (permanent)"), "\(error)")
        #expect(try sink.deliveries().isEmpty)
    }

    @Test func aRefusedSenderIsNamed() throws {
        let sink = try SMTPSink(behaviour: .rejectsSender("reports@example.com"))
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)", plaintext: true))
        #expect(
            error.kind == .rejected && error.message.contains("MAIL FROM:<reports@example.com>") && error.message.contains("553"),
            "\(error)")
    }

    @Test func aRefusedMessageGivesTheServersReason() throws {
        let sink = try SMTPSink(behaviour: .rejectsMessages)
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)", plaintext: true))
        #expect(error.kind == .rejected && error.message.contains("554 5.7.1 Message rejected as spam"), "\(error)")
    }

    @Test func aBusyServerIsATemporaryRefusal() throws {
        let sink = try SMTPSink(behaviour: .busy)
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)", plaintext: true))
        #expect(error.message.contains("421") && error.message.contains("temporary: try again later"), "\(error)")
    }

    @Test func aMessageTakenButNeverConfirmedMayHaveArrived() throws {
        let sink = try SMTPSink(behaviour: .silentAfterMessages)
        let start = ContinuousClock.now
        let error = try #require(failure("smtp://127.0.0.1:\(sink.port)", plaintext: true, replyTimeout: 2))
        #expect(start.duration(to: .now) < .seconds(20), "the reply timeout bounds the wait")
        #expect(error.kind == .unreachable && error.message.contains("may have been delivered"), "\(error)")
    }

    @Test func aServerThatIsNotThereIsUnreachable() throws {
        let listener = try TCPListener() // a port that was free; closed again before the send
        let port = listener.port
        listener.close()
        let error = try #require(failure("smtp://127.0.0.1:\(port)", plaintext: true))
        #expect(error.kind == .unreachable, "\(error)")
    }

    @Test func envelopeAddressesCannotCarryCommands() throws {
        let sink = try SMTPSink()
        let error = try #require(
            failure(
                "smtp://127.0.0.1:\(sink.port)", plaintext: true,
                to: ["ceo@example.com>\r\nRCPT TO:<evil@example.net"]))
        #expect(error.kind == .invalidSettings, "\(error)")
        #expect(try sink.deliveries().isEmpty)
    }
}
