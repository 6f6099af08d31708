import Foundation

/// A real SMTP server on loopback (`scripts/smtp-sink.py`, aiosmtpd) for the delivery tests:
/// started per test, stopped when released, every accepted message kept in a folder.
public final class SMTPSink: @unchecked Sendable {
    public enum Encryption {
        /// No TLS offered at all.
        case none
        /// STARTTLS offered (required when a login is).
        case startTLS(TestCertificate)
        /// TLS from the first byte.
        case implicitTLS(TestCertificate)
    }

    /// How the server treats what it is sent.
    public enum Behaviour {
        case accepts
        /// 550 to this recipient.
        case rejectsRecipient(String)
        /// 553 to this sender.
        case rejectsSender(String)
        /// 554 to the end of every message.
        case rejectsMessages
        /// Never answers the end of a message.
        case silentAfterMessages
        /// Greets with 421 and hangs up.
        case busy

        var arguments: [String] {
            switch self {
            case .accepts: []
            case .rejectsRecipient(let address): ["--reject", address]
            case .rejectsSender(let address): ["--reject-sender", address]
            case .rejectsMessages: ["--reject-message"]
            case .silentAfterMessages: ["--silent-after-message"]
            case .busy: ["--busy"]
            }
        }
    }

    /// A message as the server received it.
    public struct Delivery {
        public var data: Data
        public var sender: String
        public var recipients: [String]
        public var user: String?
        public var overTLS: Bool
    }

    public let port: Int
    public let folder: URL
    private let process: Process
    private let input: Pipe

    public init(
        encryption: Encryption = .none, login: (user: String, password: String)? = nil,
        behaviour: Behaviour = .accepts
    ) throws {
        folder = try CommandRunner.temporaryDirectory("smtp-sink")
        var arguments = [
            TestDatabase.packageRoot.appendingPathComponent("scripts/smtp-sink.py").path, folder.path,
            "--until-stdin-closes",
        ]
        switch encryption {
        case .none: break
        case .startTLS(let certificate): arguments += ["--starttls", certificate.certificate.path, certificate.key.path]
        case .implicitTLS(let certificate): arguments += ["--smtps", certificate.certificate.path, certificate.key.path]
        }
        if let login { arguments += ["--auth", "\(login.user):\(login.password)"] }
        arguments += behaviour.arguments
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The first line is `port N`; anything else means the server did not start.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw SinkError(message: "scripts/smtp-sink.py did not start (is aiosmtpd installed? scripts/install-dependencies installs it): \(text)")
        }
        self.port = port
    }

    /// The messages accepted so far, in order.
    public func deliveries() throws -> [Delivery] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let numbers = names.filter { $0.hasSuffix(".eml") }.compactMap { Int($0.dropLast(4)) }.sorted()
        return try numbers.map { number in
            let envelope =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: folder.appendingPathComponent("\(number).json"))) as! [String: Any]
            return Delivery(
                data: try Data(contentsOf: folder.appendingPathComponent("\(number).eml")),
                sender: envelope["mail_from"] as? String ?? "",
                recipients: envelope["rcpt_tos"] as? [String] ?? [],
                user: envelope["user"] as? String,
                overTLS: envelope["tls"] as? Bool ?? false)
        }
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { process.terminate() }
        }
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    struct SinkError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost, made once per test process with the
/// openssl command under `.build/test-certificate/`; it is its own certificate authority
/// (`--smtp-ca-file`).
public struct TestCertificate: Sendable {
    public var certificate: URL
    public var key: URL

    private static let made = Result { try TestCertificate.make() }

    /// The test process's certificate.
    public static func shared() throws -> TestCertificate {
        try made.get()
    }

    private static func make() throws -> TestCertificate {
        let folder = TestDatabase.packageRoot.appendingPathComponent(".build/test-certificate")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = TestCertificate(
            certificate: folder.appendingPathComponent("cert.pem"),
            key: folder.appendingPathComponent("key.pem"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", result.key.path, "-out", result.certificate.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SMTPSink.SinkError(message: "openssl could not make a test certificate (exit \(process.terminationStatus))")
        }
        return result
    }
}
