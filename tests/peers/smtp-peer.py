#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A mail relay on loopback for the alert tests: aiosmtpd (Debian's
python3-aiosmtpd), a real RFC 5321 server.  Every message it accepts is
written to DIR/mail/<n>.eml with an X-Envelope-To line in front.

  smtp-peer.py DIR [--starttls CERT KEY] [--auth USER PASSWORD-FILE] [--hang]

DIR/port gets the port it listens on (127.0.0.1, chosen by the system).
--starttls offers STARTTLS with that certificate; --auth accepts that
login only, and only over TLS; --hang accepts connections and never
answers (a relay that hangs).  It ends when its parent does, or on
SIGTERM."""
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Keep:
    def __init__(self, maildir):
        self.maildir = maildir

    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(self.maildir)) + 1
        path = os.path.join(self.maildir, "%d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Envelope-To: %s\r\nX-Envelope-From: %s\r\nX-TLS: %s\r\n" % (
                ",".join(envelope.rcpt_tos), envelope.mail_from,
                "yes" if session.ssl else "no")).encode())
            f.write(envelope.original_content or envelope.content)
        os.replace(path + ".tmp", path)
        return "250 OK kept as %d" % n


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok)
    return check


async def watch_parent(parent):
    while os.getppid() == parent:
        await asyncio.sleep(0.5)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--auth", nargs=2, metavar=("USER", "PASSWORD_FILE"))
    ap.add_argument("--hang", action="store_true")
    a = ap.parse_args()
    maildir = os.path.join(a.dir, "mail")
    os.makedirs(maildir, exist_ok=True)
    loop = asyncio.get_running_loop()
    if a.hang:
        async def silent(reader, writer):
            await asyncio.sleep(3600)
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
    else:
        ctx = None
        if a.starttls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(a.starttls[0], a.starttls[1])
        auth = None
        if a.auth:
            with open(a.auth[1]) as f:
                auth = authenticator(a.auth[0], f.read().strip())

        def factory():
            return SMTP(Keep(maildir), hostname="relay.hafence.test", tls_context=ctx, require_starttls=False,
                        authenticator=auth, auth_required=auth is not None, auth_require_tls=True)
        server = await loop.create_server(factory, "127.0.0.1", 0)
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % server.sockets[0].getsockname()[1])
    os.replace(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))
    await watch_parent(os.getppid())
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
