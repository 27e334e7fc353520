#!/usr/bin/env python3
"""Profiles the card API under wrk with perf: seeds N orders, starts the release `bitaqa serve`, drives
GET /api/internet-orders/{id}/card with wrk (rate limits off, as `scripts/bench api`), records `perf record -g`
on the server for part of the run, and prints the top symbols by self time.

Usage: profile_card.py --bitaqa BIN --bench BIN [--orders N] [--database sqlite|postgres --postgres-url URL]
                       [--limits off|default] [--keep PERF_DATA]

--limits default profiles the views as `card_api.py --limits default` drives them (10,000 buyers behind a
trusted proxy, 4,096 addresses, each view charging both limits). --keep copies perf.data to a path to read
again with `perf report`.
"""
import argparse
import os
import shutil
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_server import scratch_database, seed, serve_env, serving  # noqa: E402
from card_api import wrk  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bitaqa", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--limits", choices=["off", "default"], default="off")
    parser.add_argument("--keep")
    args = parser.parse_args()
    with scratch_database(args.database, args.postgres_url, "profile") as (scratch, url):
        targets = os.path.join(scratch, "targets.tsv")
        limits_off = args.limits == "off"
        seed(args.bench, url, args.orders, targets, 1000 if limits_off else 10000)
        data = os.path.join(scratch, "perf.data")
        env = serve_env(scratch, url, limits_off=limits_off)
        if not limits_off:
            env["BITAQA_TRUSTED_PROXIES"] = "127.0.0.1"
        script_args = [targets, "0" if limits_off else "4096"]
        with serving(args.bitaqa, env, os.path.join(scratch, "serve.log")) as (base, serve):
            script = os.path.join(HERE, "card.lua")
            wrk(base, 2, 16, script, script_args)  # warm-up
            perf = threading.Thread(target=lambda: subprocess.run(
                ["perf", "record", "-g", "-F", "499", "-o", data, "-p", str(serve.pid), "--", "sleep", "8"],
                capture_output=True))
            perf.start()
            card = wrk(base, 10, 16, script, script_args)
            perf.join()
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
        if args.keep:
            shutil.copyfile(data, args.keep)
        return 0

if __name__ == "__main__":
    sys.exit(main())
