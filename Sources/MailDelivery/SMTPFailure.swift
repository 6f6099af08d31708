import CCurl

/// A failed transfer as one line that names the server, the command and the server's own reply,
/// says whether trying again later may help, and what to do.
struct SMTPFailure {
    var result: CURLcode
    /// libcurl's error text.
    var detail: String
    var transcript: SMTPTranscript
    var mailer: SMTPMailer

    var error: SMTPError {
        let server = mailer.server
        let prefix = "e-mail not sent: SMTP server \(server)"
        let reply = transcript.lastReply.map { "\"\($0)\"" }
        let nature: String
        switch transcript.replyCode {
        case let code? where (400..<500).contains(code): nature = "temporary: try again later"
        default: nature = "permanent"
        }
        switch result {
        case CURLE_COULDNT_RESOLVE_HOST:
            return SMTPError(kind: .unreachable, message: "\(prefix): host \(server.host) is not known (\(detail))")
        case CURLE_LOGIN_DENIED:
            if transcript.replyCode.map({ (400..<500).contains($0) }) == true {
                return SMTPError(kind: .unreachable, message: "\(prefix) could not check the login now (\(reply ?? detail); \(nature))")
            }
            return SMTPError(
                kind: .authentication,
                message:
                    "\(prefix) refused the login of \(server.user ?? "the user")\(reply.map { " (\($0))" } ?? ""); check the user in --smtp-url and SMTP_PASSWORD"
            )
        case CURLE_USE_SSL_FAILED:
            return SMTPError(
                kind: .tls, message: "\(prefix) does not offer STARTTLS; use smtps:// if it speaks TLS on connect, or --no-starttls for a relay on this host")
        case CURLE_PEER_FAILED_VERIFICATION:
            let hint =
                mailer.certificateAuthorityFile == nil
                ? "give the authority that signed it with --smtp-ca-file"
                : "it is not signed by the authority in --smtp-ca-file, or names another host"
            return SMTPError(kind: .tls, message: "\(prefix): its TLS certificate does not verify (\(detail)); \(hint)")
        case CURLE_SSL_CACERT_BADFILE:
            return SMTPError(kind: .tls, message: "\(prefix): the certificate authorities could not be loaded (\(detail)); check --smtp-ca-file")
        case CURLE_SSL_CONNECT_ERROR:
            return SMTPError(
                kind: .tls,
                message:
                    "\(prefix): TLS could not be set up (\(detail)); check that the scheme fits the port: smtps:// speaks TLS on connect, smtp:// upgrades with STARTTLS"
            )
        default:
            break
        }
        if let code = transcript.replyCode, code >= 400 {
            // The server said no: to the greeting, MAIL FROM, a RCPT TO, or the end of the message.
            let what = transcript.lastCommand.map { "answered \($0) with" } ?? "greeted with"
            return SMTPError(kind: .rejected, message: "\(prefix) \(what) \(reply ?? String(code)) (\(nature)); nobody was sent the message")
        }
        if transcript.messageSent {
            // The whole message went out but its acceptance never came back.
            return SMTPError(
                kind: .unreachable,
                message: "\(prefix) took the message but did not confirm it (\(detail)); it may have been delivered: ask a recipient before sending again")
        }
        if transcript.repliesReceived == 0 && server.security != .implicitTLS {
            return SMTPError(kind: .unreachable, message: "\(prefix) did not answer (\(detail)); if it speaks TLS on connect (port 465), use smtps://")
        }
        return SMTPError(kind: .unreachable, message: "\(prefix) did not answer (\(detail))")
    }
}
