#!/usr/bin/env python3
"""Twilio-compatible SMS endpoint over plain HTTP, for reliability tests.

Usage: sms_endpoint.py --host 127.0.0.1 --port N --sid ACCOUNT_SID --token AUTH_TOKEN --log FILE

POST /2010-04-01/Accounts/{SID}/Messages.json (form fields To, From, Body;
Basic auth SID:TOKEN) answers 201 like Twilio and appends one JSON line to FILE:
  {"t": 1700000000.1, "sid": "SM...", "to": "...", "from": "...", "body": "..."}
GET /health answers 200 "ok". Prints "ready <port>" once listening.
"""
import argparse
import base64
import binascii
import hmac
import json
import re
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

MESSAGES_PATH = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")
MAX_BODY_BYTES = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as Twilio does, so client pooling is exercised.
    protocol_version = "HTTP/1.1"
    config = None  # set in main(): sid, token, log file, lock

    def log_message(self, format, *args):
        # Per-request stderr lines would clutter test output.
        pass

    def send(self, status, payload, content_type="application/json"):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def not_found(self):
        self.send(404, {"code": 20404, "message": "The requested resource was not found",
                        "status": 404})

    def authorized(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        cfg = self.config
        # Constant-time compares, as a real auth check should do.
        return (hmac.compare_digest(user.encode(), cfg["sid"].encode())
                and hmac.compare_digest(password.encode(), cfg["token"].encode()))

    def read_body(self):
        # Always consume the body, even on errors, or the leftover bytes would
        # be parsed as the next request on this keep-alive connection.
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            return b""
        return self.rfile.read(length)

    def do_GET(self):
        if self.path == "/health":
            self.send(200, b"ok", "text/plain")
        else:
            self.not_found()

    def do_POST(self):
        body = self.read_body()
        try:
            self.create_message(body)
        except Exception:
            # A bug here should look like an API error to the client under
            # test, never like a traceback or a silently dropped connection.
            self.close_connection = True
            self.send(500, {"code": 20500, "message": "Internal Server Error", "status": 500})

    def create_message(self, body):
        match = MESSAGES_PATH.fullmatch(self.path.split("?", 1)[0])
        if not match:
            return self.not_found()
        # Auth comes before the SID check, as at Twilio: an unauthenticated
        # caller learns nothing about which accounts exist.
        if not self.authorized():
            return self.send(401, {"code": 20003, "message": "Authenticate", "status": 401})
        if match.group(1) != self.config["sid"]:
            return self.not_found()
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        to, sender, text = (form.get(k, [""])[0] for k in ("To", "From", "Body"))
        if not to or not text:
            return self.send(400, {"code": 21604, "message": "A 'To' phone number is required.",
                                   "status": 400})
        sid = "SM" + uuid.uuid4().hex
        record = {"t": time.time(), "sid": sid, "to": to, "from": sender, "body": text}
        with self.config["lock"]:  # one writer at a time keeps each JSON line whole
            self.config["log"].write(json.dumps(record, ensure_ascii=False) + "\n")
            self.config["log"].flush()
        self.send(201, {"sid": sid, "status": "queued", "to": to, "from": sender, "body": text,
                        "account_sid": self.config["sid"]})

    def do_PUT(self):
        self.read_body()
        self.not_found()

    do_DELETE = do_PATCH = do_OPTIONS = do_PUT


class Server(ThreadingHTTPServer):
    daemon_threads = True  # keep-alive client threads must not block shutdown

    def handle_error(self, request, client_address):
        # The default prints a traceback to stderr; a client hanging up mid-request
        # is routine in reliability tests and not worth one.
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--sid", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    Handler.config = {"sid": args.sid, "token": args.token, "lock": threading.Lock(),
                      "log": open(args.log, "a", encoding="utf-8", errors="replace")}
    server = Server((args.host, args.port), Handler)
    print(f"ready {server.server_address[1]}", flush=True)

    def stop(signum, frame):
        # shutdown() blocks until serve_forever() returns, and serve_forever()
        # runs on this very thread, so it must be called from another one.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
