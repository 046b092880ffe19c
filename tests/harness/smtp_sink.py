#!/usr/bin/python3
"""SMTP sink for throwaway wikis: accepts every mail on 127.0.0.1 and keeps it.

Each mail is written to MAILDIR/NNNNNN.eml (written to a temporary name, then renamed, so a
reader never sees half a mail) and, with --echo, printed to stdout for a person to read.
Runs until SIGTERM/SIGINT. Uses aiosmtpd (Debian package python3-aiosmtpd).
"""

import argparse
import email
import email.policy
import itertools
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class KeepMail:
    def __init__(self, maildir, echo):
        self.maildir = maildir
        self.echo = echo
        self.counter = itertools.count(len(os.listdir(maildir)) + 1)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.counter)
        name = os.path.join(self.maildir, f"{number:06d}.eml")
        with open(name + ".tmp", "wb") as out:
            out.write(envelope.content)
        os.rename(name + ".tmp", name)
        if self.echo:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else envelope.content.decode(errors="replace")
            print(f"----- mail {number} to {', '.join(envelope.rcpt_tos)}: {message['subject']}\n{text}\n-----",
                  flush=True)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--echo", action="store_true", help="print every mail to stdout")
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)
    controller = Controller(KeepMail(args.maildir, args.echo), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"SMTP sink listening on 127.0.0.1:{args.port}, mails in {args.maildir}", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
