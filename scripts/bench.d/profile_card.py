#!/usr/bin/env python3
"""Profiles the card API under wrk with perf: seeds N orders, starts the release `bitaqa serve`, drives
GET /api/internet-orders/{id}/card with wrk (rate limits off, as `scripts/bench api`), records `perf record -g`
on the server for part of the run, and prints the top symbols by self time.

Usage: profile_card.py --bitaqa BIN --bench BIN [--orders N] [--database sqlite|postgres --postgres-url URL]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from card_api import ADMIN, JWT_SECRET, KEY, free_port, wait_ready, wrk  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bitaqa", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="bitaqa-profile-")
    dbname = None
    try:
        if args.database == "sqlite":
            url = f"sqlite://{scratch}/bench.sqlite"
        else:
            dbname = "bench_profile_" + uuid.uuid4().hex[:8]
            subprocess.run(["psql", args.postgres_url, "-q", "-c", f"CREATE DATABASE {dbname}"], check=True)
            url = args.postgres_url.rsplit("/", 1)[0] + "/" + dbname
        targets = os.path.join(scratch, "targets.tsv")
        subprocess.run([args.bench, "seed", "--database-url", url, "--orders", str(args.orders), "--key", KEY,
                        "--jwt-secret", JWT_SECRET, "--targets", targets], check=True, capture_output=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
            "BITAQA_DATA_DIR": scratch, "BITAQA_DATABASE_URL": url, "BITAQA_ADMIN_TOKEN": ADMIN,
            "ENCRYPTION_KEY": KEY, "BITAQA_JWT_SECRET": JWT_SECRET, "BITAQA_RATE_LIMIT_REVEALS": "0",
            "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_LOG_LEVEL": "error",
        }
        port = free_port()
        log = open(os.path.join(scratch, "serve.log"), "w")
        serve = subprocess.Popen([args.bitaqa, "serve", "--http-port", str(port)], env=env, stdout=log, stderr=log)
        data = os.path.join(scratch, "perf.data")
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/ready", serve)
            script = os.path.join(HERE, "card.lua")
            wrk(base, 2, 16, script, [targets])  # warm-up
            perf = threading.Thread(target=lambda: subprocess.run(
                ["perf", "record", "-g", "-F", "499", "-o", data, "-p", str(serve.pid), "--", "sleep", "8"],
                capture_output=True))
            perf.start()
            card = wrk(base, 10, 16, script, [targets])
            perf.join()
        finally:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=60)
            log.close()
        print(f"card API under perf: {card['rps']:,.0f} req/s, p50 {card['p50']:.2f} / p99 {card['p99']:.2f} ms")
        report = subprocess.run(
            ["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol", "--stdio", "--percent-limit", "0.7",
             "-g", "none"], capture_output=True, text=True).stdout
        lines = [" ".join(line.split()) for line in report.splitlines() if line.strip() and not line.startswith("#")]
        print("self time:")
        print("\n".join(lines[: args.top]))
        # Inclusive time of Bitaqa's own functions: where the request's time goes, callees included.
        report = subprocess.run(
            ["perf", "report", "-i", data, "--children", "--sort", "symbol", "--stdio", "--percent-limit", "3",
             "-g", "none", "--dsos", os.path.basename(args.bitaqa)], capture_output=True, text=True).stdout
        lines = [" ".join(line.split()) for line in report.splitlines() if line.strip() and not line.startswith("#")]
        print("inclusive time, Bitaqa's binary:")
        print("\n".join(line[:160] for line in lines[: args.top]))
        return 0
    finally:
        if dbname:
            subprocess.run(["psql", args.postgres_url, "-q", "-c", f"DROP DATABASE IF EXISTS {dbname}"], check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
