#!/usr/bin/env python3
"""The card API under wrk, beside the same server's /health, as the orders table grows.

  card_api.py --bitaqa BIN --bench BIN [--database sqlite|postgres] [--postgres-url URL]
              [--limits off|default] [--processes 1] [--sizes 10000,1000000] [--duration 10]
              [--connections 16] [--results FILE]

For each size the table is seeded (`bitaqa-bench seed`: fulfilled orders with really sealed cards, and
1,000 (order, owner's JWT) pairs spread over the table), `bitaqa serve` is started on it, and wrk measures GET /health and GET /api/internet-orders/{id}/card (JWT
check, ownership query, decryption, CARD_VIEWED audit append) for the same duration and connections.

--limits off turns the rate limits off. --limits default keeps the defaults (30 reveals per user and 120
requests per address a minute), so each view also charges two limits; the buyers are then 10,000 and their
requests come through a trusted proxy from 4,096 addresses, enough that no limit is reached (a 429 would be
counted as a failure). --processes N starts N `serve` processes on the database, each on its own port,
and one wrk per process shares the connections; their rates add up (the /health figure is still one
process's).
Prints Markdown rows; records figures with results.py.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import contextlib  # noqa: E402
from bench_server import scratch_database, seed, serve_env, serving  # noqa: E402

def wrk(url, duration, connections, script=None, script_args=(), headers=()):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command += [url]
    if script_args:
        command += ["--"] + list(script_args)
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60).stdout

    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non200 = re.search(r"^non200 (\d+)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0, "p50": latency("50"), "p99": latency("99"),
        "errors": int(non200.group(1)) if non200 else int(non2xx.group(1)) if non2xx else 0, "raw": out,
    }


def spread(bases, duration, connections, script, script_args):
    """wrk on each base at once, the connections shared; the rates summed, the worst p50 and p99 kept."""
    if len(bases) == 1:
        return wrk(bases[0], duration, connections, script, script_args)
    from concurrent.futures import ThreadPoolExecutor
    share = max(1, connections // len(bases))
    with ThreadPoolExecutor(len(bases)) as pool:
        runs = list(pool.map(lambda base: wrk(base, duration, share, script, script_args), bases))
    return {
        "rps": sum(r["rps"] for r in runs), "p50": max(r["p50"] or 0 for r in runs),
        "p99": max(r["p99"] or 0 for r in runs), "errors": sum(r["errors"] for r in runs),
        "raw": "\n".join(r["raw"] for r in runs),
    }


def record(results, key, value, better):
    if results and value is not None:
        subprocess.run([sys.executable, os.path.join(HERE, "results.py"), "record", results, key, str(value), better], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bitaqa", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url")
    parser.add_argument("--limits", choices=["off", "default"], default="off")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--results")
    args = parser.parse_args()
    if args.database == "postgres" and not args.postgres_url:
        parser.error("--postgres-url is required for postgres")

    limits_off = args.limits == "off"
    samples = 1000 if limits_off else 10000
    with scratch_database(args.database, args.postgres_url, "api-bench") as (scratch, url):
        targets = os.path.join(scratch, "targets.tsv")
        for size in sorted(int(s) for s in args.sizes.split(",")):
            print(seed(args.bench, url, size, targets, samples), file=sys.stderr)
            env = serve_env(scratch, url, limits_off=limits_off)
            if not limits_off:
                env["BITAQA_TRUSTED_PROXIES"] = "127.0.0.1"
            with contextlib.ExitStack() as stack:
                bases = [stack.enter_context(serving(args.bitaqa, env, os.path.join(scratch, f"serve-{size}-{n}.log")))[0]
                         for n in range(args.processes)]
                card_script = os.path.join(HERE, "card.lua")
                script_args = [targets, "0" if limits_off else "4096"]
                spread(bases, 2, args.connections, card_script, script_args)  # warm-up
                health = wrk(bases[0] + "/health", args.duration, args.connections)
                card = spread(bases, args.duration, args.connections, card_script, script_args)
            ratio = card["rps"] / health["rps"] * 100 if health["rps"] else 0
            where = args.database if args.processes == 1 else f"{args.database} ×{args.processes}"
            print(f"| {where} | {args.limits} | {size:,} | {health['rps']:,.0f} | {health['p50']:.2f} / {health['p99']:.2f} | "
                  f"{card['rps']:,.0f} | {card['p50']:.2f} / {card['p99']:.2f} | {ratio:.0f}% | {card['errors']} |", flush=True)
            label = f"api.{args.database}.{size}" + ("" if limits_off else ".limits") + (
                "" if args.processes == 1 else f".x{args.processes}")
            record(args.results, label + ".health_rps", health["rps"], "higher")
            record(args.results, label + ".card_rps", card["rps"], "higher")
            record(args.results, label + ".card_p99_ms", card["p99"], "lower")
            if card["errors"]:
                print(f"card API answered {card['errors']} non-200 responses", file=sys.stderr)
                return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
