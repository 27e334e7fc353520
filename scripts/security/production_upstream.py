#!/usr/bin/env python3
"""A stand-in for the real OneClickDz API that only answers /v3/validate, reporting a PRODUCTION key.

Usage: production_upstream.py PORT. Used by the tests that check `serve` refuses to run in an
implicit development mode against a real upstream key.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/v3/validate"):
            body = {
                "success": True,
                "data": {
                    "username": "+213550000001",
                    "apiKey": {"key": "live", "isEnabled": True, "type": "PRODUCTION", "allowedips": [], "scope": "READ-WRITE"},
                },
                "meta": {"timestamp": "2026-12-01T00:00:00Z"},
                "requestId": "req_production_stub",
            }
            status = 200
        else:
            body = {"success": False, "error": {"code": "NOT_FOUND", "message": "stub"}}
            status = 404
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
