import CCurl
import Foundation

/// Delivers a finished RFC 5322 message over SMTP with libcurl: TLS verified against the system's
/// (or the given) certificate authorities, authentication only over TLS, every recipient accepted
/// or nothing sent.
public struct SMTPMailer: Sendable {
    public var server: SMTPServer
    private var password: String?
    public var certificateAuthorityFile: String?
    public var connectTimeoutSeconds: Int
    /// A transfer slower than one byte a second for this long is given up.
    public var stallTimeoutSeconds: Int

    /// - Parameters:
    ///   - password: `SMTP_PASSWORD`; required exactly when the URL names a user.
    ///   - certificateAuthorityFile: PEM file of the authorities to trust instead of the system's.
    /// - Throws: `SMTPError` with kind `.invalidSettings`.
    public init(server: SMTPServer, password: String?, certificateAuthorityFile: String? = nil,
                connectTimeoutSeconds: Int = 30, stallTimeoutSeconds: Int = 60) throws {
        let password = password.flatMap { $0.isEmpty ? nil : $0 }
        switch (server.user, password) {
        case (nil, .some):
            throw SMTPError.invalidSettings("SMTP_PASSWORD is set but --smtp-url names no user; write smtp://USER@\(server)")
        case (.some(let user), nil):
            throw SMTPError.invalidSettings("--smtp-url names user \(user) but SMTP_PASSWORD is not set")
        default:
            break
        }
        if password != nil && server.security == .none {
            throw SMTPError.invalidSettings("will not send SMTP_PASSWORD unencrypted; drop --no-starttls or use smtps://")
        }
        if let file = certificateAuthorityFile {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw SMTPError.invalidSettings("--smtp-ca-file \(file) cannot be read")
            }
            guard server.security != .none else {
                throw SMTPError.invalidSettings("--smtp-ca-file has no use with --no-starttls")
            }
        }
        self.server = server
        self.password = password
        self.certificateAuthorityFile = certificateAuthorityFile
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.stallTimeoutSeconds = stallTimeoutSeconds
    }

    /// Sends `message` (CRLF line ends) from `sender` to every address of `recipients`
    /// (bare addresses, `name@example.com`).
    /// - Throws: `SMTPError`.
    public func send(_ message: Data, from sender: String, to recipients: [String]) throws {
        precondition(!recipients.isEmpty, "a message needs a recipient")
        _ = Self.globalInitialization
        guard let handle = curl_easy_init() else {
            throw SMTPError(kind: .unreachable, message: "SMTP delivery could not start (libcurl failed to initialise)")
        }
        defer { curl_easy_cleanup(handle) }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { recipientList = curl_slist_append(recipientList, "<\(recipient)>") }
        defer { curl_slist_free_all(recipientList) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        let upload = Upload(bytes: [UInt8](message))
        let context = Unmanaged.passRetained(upload)
        defer { context.release() }

        var status = CURLE_OK
        func set(_ result: CURLcode) { if status == CURLE_OK { status = result } }
        set(growth_report_curl_set_string(handle, CURLOPT_URL, server.connectionURL))
        set(growth_report_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        set(growth_report_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        set(growth_report_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        set(growth_report_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds))
        set(growth_report_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1))
        set(growth_report_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, stallTimeoutSeconds))
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
        set(growth_report_curl_set_size(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.bytes.count)))
        set(growth_report_curl_set_read_function(handle, Self.read))
        set(growth_report_curl_set_pointer(handle, CURLOPT_READDATA, context.toOpaque()))
        guard status == CURLE_OK else {
            throw SMTPError(kind: .unreachable, message: "SMTP delivery could not be set up: \(String(cString: curl_easy_strerror(status)))")
        }

        let result = curl_easy_perform(handle)
        guard result != CURLE_OK else { return }
        var responseCode = 0
        _ = growth_report_curl_response_code(handle, &responseCode)
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        throw Self.error(for: result, detail: detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail,
                         responseCode: responseCode, server: server, certificateAuthorityFile: certificateAuthorityFile)
    }

    /// One line for a failed transfer, with what to do about it.
    static func error(for result: CURLcode, detail: String, responseCode: Int, server: SMTPServer,
                      certificateAuthorityFile: String?) -> SMTPError {
        let prefix = "e-mail not sent: SMTP server \(server)"
        if [CURLE_SEND_ERROR, CURLE_WEIRD_SERVER_REPLY].contains(result) && (400...599).contains(responseCode) {
            // MAIL FROM, RCPT TO or the end of DATA was answered with a refusal.
            return SMTPError(kind: .rejected, message: "\(prefix) refused the message (\(responseCode)): \(detail)")
        }
        switch result {
        case CURLE_COULDNT_RESOLVE_HOST:
            return SMTPError(kind: .unreachable, message: "\(prefix): host \(server.host) is not known (\(detail))")
        case CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return SMTPError(kind: .unreachable, message: "\(prefix) did not answer: \(detail)")
        case CURLE_USE_SSL_FAILED:
            return SMTPError(kind: .tls, message: "\(prefix) does not offer STARTTLS; use smtps:// if it speaks TLS on connect, or --no-starttls for a relay on this host")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            let hint = certificateAuthorityFile == nil
                ? "give the authority that signed it with --smtp-ca-file"
                : "it is not signed by the authority in --smtp-ca-file, or names another host"
            return SMTPError(kind: .tls, message: "\(prefix): its TLS certificate does not verify (\(detail)); \(hint)")
        case CURLE_SSL_CONNECT_ERROR:
            return SMTPError(kind: .tls, message: "\(prefix): TLS could not be set up (\(detail)); check that the scheme fits the port: smtps:// speaks TLS on connect, smtp:// upgrades with STARTTLS")
        case CURLE_LOGIN_DENIED:
            return SMTPError(kind: .authentication, message: "\(prefix) refused the login of \(server.user ?? "the user"); check the user in --smtp-url and SMTP_PASSWORD")
        default:
            return SMTPError(kind: .unreachable, message: "\(prefix): \(detail)")
        }
    }

    private final class Upload: @unchecked Sendable {
        let bytes: [UInt8]
        var offset = 0
        init(bytes: [UInt8]) { self.bytes = bytes }
    }

    private static let read: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, upload.bytes.count - upload.offset)
        upload.bytes.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
        }
        upload.offset += length
        return length
    }

    private static let globalInitialization: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()
}
