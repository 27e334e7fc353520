#!/usr/bin/env python3
"""SMTP server for reliability tests whose behaviour is steered by a JSON control file.

Usage: smtp_faults.py --host 127.0.0.1 --port N --spool DIR --control FILE --events FILE

Control file: {"mode": "accept" | "tempfail" | "drop", "reject": ["x@shop.dz", ...], "delay": 0.1}
  accept   - store each message as DIR/<seq>.eml, then answer 250.
  tempfail - answer 451 to MAIL FROM.
  drop     - take the whole DATA, then close the socket without answering it.
  reject   - these recipients get 550 at RCPT TO (not in tempfail mode).
It is re-read for every command, so a test can flip modes between messages
without restarting the server. Write it atomically (temp file + rename):
a half-written file reads as the default, {"mode": "accept", "reject": []}.

Events: one JSON line per outcome appended to FILE, e.g.
  {"t": 1700000000.1, "event": "accepted", "rcpt": ["a@b"], "message_id": "<x@y>"}
Prints "ready <port>" once listening. Needs aiosmtpd (Debian: python3-aiosmtpd,
so run it with /usr/bin/python3 when pyenv or a venv shadows python3).
"""
import argparse
import asyncio
import email.parser
import email.policy
import json
import os
import re
import signal
import sys
import time

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.exit("smtp_faults.py needs aiosmtpd (apt-get install python3-aiosmtpd; "
             "run with /usr/bin/python3)")

DEFAULT_CONTROL = {"mode": "accept", "reject": [], "delay": 0}
MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # the client under test may send 10 MB attachments


def read_control(path):
    # Re-read on every command: the file is tiny, and this can never serve a
    # stale mode the way mtime caching can when two writes share a timestamp.
    try:
        with open(path, "rb") as f:
            data = json.load(f)
        mode = data.get("mode", "accept")
        reject = {str(r).lower() for r in data.get("reject", [])}
        return mode, reject
    except (OSError, ValueError, AttributeError, TypeError):
        # A missing or garbled control file must not take the server down mid-test.
        return DEFAULT_CONTROL["mode"], set()


def read_delay(path):
    """Seconds to wait before answering a message's DATA (a slow mail server); 0 by default."""
    try:
        with open(path, "rb") as f:
            return max(0.0, float(json.load(f).get("delay", 0)))
    except (OSError, ValueError, AttributeError, TypeError):
        return 0.0


def message_id(raw):
    # The SMTPUTF8 policy decodes UTF-8 header bytes properly (compat32 turns
    # them into U+FFFD), but its structured parser can raise on malformed ids;
    # compat32 never does, and the fixture must survive whatever the client sends.
    for policy in (email.policy.SMTPUTF8, email.policy.compat32):
        try:
            value = email.parser.BytesHeaderParser(policy=policy).parsebytes(raw).get("Message-ID")
            return str(value).strip() if value is not None else None
        except Exception:
            continue
    return None


class FaultHandler:
    def __init__(self, spool, control, events):
        self.spool = spool
        self.control = control
        # errors="replace": aiosmtpd keeps undecodable address bytes as lone
        # surrogates, which would otherwise make the write raise.
        self.events = open(events, "a", encoding="utf-8", errors="replace")
        # Continue after the highest existing number so a restarted server
        # never overwrites mail an earlier run stored in the same spool.
        numbers = [int(m.group(1)) for name in os.listdir(spool)
                   if (m := re.fullmatch(r"(\d+)\.eml", name))]
        self.sequence = max(numbers, default=0)

    def log(self, event, rcpt, msg_id=None):
        # Everything runs on one event loop thread, so no lock is needed.
        line = {"t": time.time(), "event": event, "rcpt": rcpt, "message_id": msg_id}
        self.events.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.events.flush()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        mode, _ = read_control(self.control)
        if mode == "tempfail":
            self.log("tempfail", [])
            return "451 4.3.0 Try again later"
        # Once a MAIL hook exists, aiosmtpd leaves recording the envelope to us.
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode, reject = read_control(self.control)
        if mode != "tempfail" and address.lower() in reject:
            self.log("rejected", [address])
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        delay = read_delay(self.control)
        if delay:
            await asyncio.sleep(delay)
        mode, _ = read_control(self.control)
        if mode == "drop":
            self.log("dropped", list(envelope.rcpt_tos), message_id(raw))
            # abort() closes the socket at once, discarding anything still
            # buffered, so the client never sees a reply to its final dot.
            # Returning would make aiosmtpd push "250"; instead wait here until
            # connection_lost() cancels this session's task, which ends it quietly.
            server.transport.abort()
            await asyncio.Event().wait()
        self.sequence += 1
        name = f"{self.sequence:06d}.eml"
        # Dot-prefixed temp name + rename: a test polling the spool never reads
        # a half-written message or mistakes the temp file for one.
        tmp = os.path.join(self.spool, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(raw)
        os.replace(tmp, os.path.join(self.spool, name))
        self.log("accepted", list(envelope.rcpt_tos), message_id(raw))
        return "250 2.0.0 OK"


async def serve(args):
    os.makedirs(args.spool, exist_ok=True)
    handler = FaultHandler(args.spool, args.control, args.events)
    loop = asyncio.get_running_loop()

    def factory():
        # An explicit hostname avoids socket.getfqdn(), which does a DNS lookup
        # per connection and can stall for seconds in a sandbox without DNS.
        return SMTP(handler, hostname="smtp-faults.test", enable_SMTPUTF8=True,
                    decode_data=False, data_size_limit=MAX_MESSAGE_BYTES)

    server = await loop.create_server(factory, args.host, args.port, backlog=256)
    port = server.sockets[0].getsockname()[1]
    print(f"ready {port}", flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    # Don't await wait_closed(): from Python 3.12 it waits for every client
    # to hang up, and a test shutting us down should not hang on its own client.
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--spool", required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--events", required=True)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
