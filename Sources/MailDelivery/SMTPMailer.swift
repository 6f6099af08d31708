import CCurl
import Foundation

/// Delivers a finished RFC 5322 message over SMTP with libcurl: TLS verified against the system's
/// (or the given) certificate authorities, authentication only over TLS, every recipient accepted
/// or nothing sent, and no wait longer than the timeouts below.
public struct SMTPMailer: Sendable {
    public var server: SMTPServer
    private var password: String?
    public var certificateAuthorityFile: String?
    public var connectTimeoutSeconds: Int
    /// The longest wait for any one reply of the server, and for a transfer that stalls.
    public var replyTimeoutSeconds: Int

    /// - Parameters:
    ///   - password: `SMTP_PASSWORD`; required exactly when the URL names a user.
    ///   - certificateAuthorityFile: PEM file of the authorities to trust instead of the system's.
    /// - Throws: `SMTPError` with kind `.invalidSettings`.
    public init(
        server: SMTPServer, password: String?, certificateAuthorityFile: String? = nil,
        connectTimeoutSeconds: Int = 30, replyTimeoutSeconds: Int = 60
    ) throws {
        switch (server.user, password) {
        case (nil, let password?) where !password.isEmpty:
            throw SMTPError.invalidSettings("SMTP_PASSWORD is set but --smtp-url names no user; write \(server.scheme)://USER@\(server)")
        case (let user?, nil):
            throw SMTPError.invalidSettings("--smtp-url names user \(user) but SMTP_PASSWORD is not set")
        case (let user?, ""):
            throw SMTPError.invalidSettings("--smtp-url names user \(user) but SMTP_PASSWORD is empty")
        default:
            break
        }
        let password = password.flatMap { $0.isEmpty ? nil : $0 }
        if password != nil && server.security == .none {
            throw SMTPError.invalidSettings("will not send SMTP_PASSWORD unencrypted; drop --no-starttls or use smtps://")
        }
        if let file = certificateAuthorityFile {
            guard server.security != .none else {
                throw SMTPError.invalidSettings("--smtp-ca-file has no use with --no-starttls")
            }
            try Self.checkCertificateFile(file)
        }
        self.server = server
        self.password = password
        self.certificateAuthorityFile = certificateAuthorityFile
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.replyTimeoutSeconds = replyTimeoutSeconds
    }

    /// A readable file holding at least one PEM certificate.
    static func checkCertificateFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let contents = FileManager.default.contents(atPath: path)
        else {
            throw SMTPError.invalidSettings("--smtp-ca-file \(path) cannot be read")
        }
        guard String(decoding: contents, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw SMTPError.invalidSettings("--smtp-ca-file \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
    }

    /// Sends `message` (CRLF line ends) from `sender` to every address of `recipients`
    /// (bare addresses, `name@example.com`).
    /// - Throws: `SMTPError`.
    public func send(_ message: Data, from sender: String, to recipients: [String]) throws {
        guard !recipients.isEmpty else { throw SMTPError.invalidSettings("a message needs at least one recipient") }
        for address in [sender] + recipients where !Self.isBareAddress(address) {
            throw SMTPError.invalidSettings(
                "'\(address.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined())' is not a bare e-mail address")
        }
        _ = Self.globalInitialization
        guard let handle = curl_easy_init() else {
            throw SMTPError(kind: .unreachable, message: "SMTP delivery could not start (libcurl failed to initialise)")
        }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { recipientList = curl_slist_append(recipientList, "<\(recipient)>") }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let transcript = SMTPTranscript()
        let upload = Unmanaged.passRetained(Upload(bytes: [UInt8](message), transcript: transcript))
        let transcriptContext = Unmanaged.passRetained(transcript)
        // libcurl may use the buffer, the list and the callbacks' contexts until cleanup: free them after it.
        defer {
            curl_easy_cleanup(handle)
            curl_slist_free_all(recipientList)
            errorBuffer.deallocate()
            upload.release()
            transcriptContext.release()
        }

        var status = CURLE_OK
        func set(_ result: CURLcode) { if status == CURLE_OK { status = result } }
        set(growth_report_curl_set_string(handle, CURLOPT_URL, server.connectionURL))
        set(growth_report_curl_allow_only_smtp(handle))
        set(growth_report_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        set(growth_report_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        set(growth_report_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds))
        set(growth_report_curl_set_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, replyTimeoutSeconds))
        set(growth_report_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1))
        set(growth_report_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, replyTimeoutSeconds))
        switch server.security {
        case .implicitTLS: break
        case .startTLS: set(growth_report_curl_set_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        case .none: set(growth_report_curl_set_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue)))
        }
        if let certificateAuthorityFile { set(growth_report_curl_set_string(handle, CURLOPT_CAINFO, certificateAuthorityFile)) }
        if let user = server.user, let password {
            set(growth_report_curl_set_string(handle, CURLOPT_USERNAME, user))
            set(growth_report_curl_set_string(handle, CURLOPT_PASSWORD, password))
        }
        set(growth_report_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>"))
        set(growth_report_curl_set_list(handle, CURLOPT_MAIL_RCPT, recipientList))
        set(growth_report_curl_set_long(handle, CURLOPT_UPLOAD, 1))
        set(growth_report_curl_set_size(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count)))
        set(growth_report_curl_set_read_function(handle, Self.read))
        set(growth_report_curl_set_pointer(handle, CURLOPT_READDATA, upload.toOpaque()))
        // The conversation goes to the transcript (the debug callback runs only when verbose).
        set(growth_report_curl_set_debug_function(handle, SMTPTranscript.callback))
        set(growth_report_curl_set_pointer(handle, CURLOPT_DEBUGDATA, transcriptContext.toOpaque()))
        set(growth_report_curl_set_long(handle, CURLOPT_VERBOSE, 1))
        guard status == CURLE_OK else {
            throw SMTPError(kind: .unreachable, message: "SMTP delivery could not be set up: \(String(cString: curl_easy_strerror(status)))")
        }

        let result = curl_easy_perform(handle)
        guard result != CURLE_OK else { return }
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        throw SMTPFailure(
            result: result, detail: detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail,
            transcript: transcript, mailer: self
        ).error
    }

    /// An address as the envelope carries it: no brackets, spaces or control characters.
    static func isBareAddress(_ address: String) -> Bool {
        !address.isEmpty && address.contains("@")
            && !address.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "<" || $0 == ">"
            }
    }

    private final class Upload: @unchecked Sendable {
        let bytes: [UInt8]
        let transcript: SMTPTranscript
        var offset = 0
        init(bytes: [UInt8], transcript: SMTPTranscript) {
            self.bytes = bytes
            self.transcript = transcript
        }
    }

    private static let read: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, upload.bytes.count - upload.offset)
        upload.bytes.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
        }
        upload.offset += length
        if upload.offset == upload.bytes.count { upload.transcript.messageSent = true }
        return length
    }

    private static let globalInitialization: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()
}

extension SMTPMailer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the password.
    public var description: String {
        "SMTPMailer(\(server.scheme)://\(server.user.map { "\($0)@" } ?? "")\(server)\(password == nil ? "" : ", password set"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "server": server, "password": password == nil ? "none" : "********",
                "certificateAuthorityFile": certificateAuthorityFile as Any,
            ])
    }
}
