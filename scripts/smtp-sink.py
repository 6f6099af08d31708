#!/usr/bin/env python3
"""A real SMTP server on loopback for the delivery tests (aiosmtpd). Every message it accepts is
written to FOLDER as N.eml (the DATA as received) and N.json (the envelope: sender, recipients,
authenticated user).

    python3 scripts/smtp-sink.py FOLDER [--starttls CERT KEY | --smtps CERT KEY]
                                        [--auth USER:PASSWORD] [--reject ADDRESS] [--port N]
                                        [--reject-sender ADDRESS] [--reject-message | --silent-after-message | --busy]
                                        [--until-stdin-closes]

Prints `port N` on stdout once it listens (on 127.0.0.1; a free port unless --port), then
serves until it is interrupted or terminated (with --until-stdin-closes: until its standard
input closes, so a test's server never outlives the test). --starttls offers (and, with --auth, requires)
STARTTLS; --smtps speaks TLS from the first byte; --auth accepts only that login and requires
it; --reject answers 550 to that recipient, --reject-sender 553 to that sender;
--reject-message answers 554 to the end of every message, --silent-after-message never
answers it; --busy greets every client with 421 and hangs up.
"""

import argparse
import asyncio
import json
import logging
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, folder, args):
        self.folder = folder
        self.reject = args.reject
        self.reject_sender = args.reject_sender
        self.reject_message = args.reject_message
        self.silent_after_message = args.silent_after_message
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address == self.reject_sender:
            return "553 5.7.1 Sender address rejected: not owned by user"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_message:
            return "554 5.7.1 Message rejected as spam"
        if self.silent_after_message:
            await asyncio.sleep(3600)
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "user": session.auth_data.login.decode() if session.authenticated and session.auth_data else None,
                "tls": server.transport.get_extra_info("ssl_object") is not None,
            }, f)
        os.rename(base + ".eml.part", base + ".eml")
        return "250 Message accepted for delivery"


def authenticator(expected_user, expected_password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == expected_user and auth_data.password.decode() == expected_password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth")
    parser.add_argument("--reject")
    parser.add_argument("--reject-sender")
    parser.add_argument("--reject-message", action="store_true")
    parser.add_argument("--silent-after-message", action="store_true")
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--until-stdin-closes", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    # Refused handshakes and logins are what some tests are about: no tracebacks for them.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    context = None
    pair = args.starttls or args.smtps
    if pair:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*pair)
    options = {"hostname": "localhost", "data_size_limit": 50 * 1024 * 1024}
    if args.starttls:
        options.update(tls_context=context, require_starttls=bool(args.auth))
    if args.auth:
        user, _, password = args.auth.partition(":")
        options.update(authenticator=authenticator(user, password), auth_required=True,
                       auth_require_tls=not args.smtps)
    elif args.smtps:
        options.update(auth_require_tls=False)
    handler = Sink(args.folder, args)
    loop = asyncio.get_running_loop()
    if args.busy:
        async def busy(reader, writer):
            writer.write(b"421 4.3.2 Service busy, try again later\r\n")
            await writer.drain()
            writer.close()
        server = await asyncio.start_server(busy, "127.0.0.1", args.port)
    else:
        server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", args.port,
                                          ssl=context if args.smtps else None)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    done = loop.create_future()
    if args.until_stdin_closes:
        loop.add_reader(sys.stdin.fileno(),
                        lambda: done.done() or sys.stdin.buffer.read1(4096) or done.set_result(None))
    await done
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
