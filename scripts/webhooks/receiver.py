#!/usr/bin/env python3
"""A shop's webhook endpoint for tests: verifies every message with the Standard Webhooks reference
implementation (`standardwebhooks` on PyPI) and records it.

Usage: receiver.py --port N --out FILE --control FILE --secret whsec_... [--secret whsec_...]

Control file (read at each request; missing or half-written reads as the default):
  {"status": 200, "hang": 0}   answer this status, after sleeping `hang` seconds.
Each request appends one JSON line to FILE:
  {"id", "timestamp", "signature", "type", "body", "verified": [true|false per --secret], "answered", "at"}
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

DEFAULT_CONTROL = {"status": 200, "hang": 0}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--secret", action="append", required=True)
    args = parser.parse_args()
    hooks = [Webhook(secret) for secret in args.secret]
    lock = threading.Lock()

    def control():
        try:
            with open(args.control) as f:
                return {**DEFAULT_CONTROL, **json.load(f)}
        except (OSError, ValueError):
            return dict(DEFAULT_CONTROL)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            headers = {k.lower(): v for k, v in self.headers.items()}
            verified = []
            for hook in hooks:
                try:
                    hook.verify(body, headers)
                    verified.append(True)
                except Exception:
                    verified.append(False)
            steer = control()
            if steer["hang"]:
                time.sleep(float(steer["hang"]))
            status = int(steer["status"])
            try:
                kind = json.loads(body).get("type")
            except ValueError:
                kind = None
            record = {"id": headers.get("webhook-id"), "timestamp": headers.get("webhook-timestamp"),
                      "signature": headers.get("webhook-signature"), "type": kind, "body": body,
                      "verified": verified, "answered": status, "at": time.time()}
            with lock, open(args.out, "a") as f:
                f.write(json.dumps(record) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
