#!/usr/bin/env python3
"""The merchant's order list under wrk, beside the same server's /health, at 1,000,000 orders.

Seeds with `bitaqa-bench seed` (order n has phone +2135 and n in 8 digits and email buyer-n@example.com,
both sealed and indexed as `serve` stores them, none in clear), starts the release `bitaqa serve`, and
measures GET /health, GET /v1/orders?limit=50 (the first page, every row's contacts opened),
GET /v1/orders?q=05XXXXXXXX&limit=50 (a search by phone in its local spelling, so only the keyed index
can find it) and GET /v1/orders?q=buyer-n%40example.com&limit=50 (a search by email). Each search is
checked to find its one order before it is measured. Prints a Markdown table.
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_server import ADMIN, scratch_database, seed, serve_env, serving  # noqa: E402
from card_api import record, wrk  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bitaqa", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--results")
    args = parser.parse_args()
    with scratch_database(args.database, args.postgres_url, "list-bench") as (scratch, url):
        # The schema first (the seeder writes rows, serve's migrations write the indexes).
        env = serve_env(scratch, url, limits_off=False)
        subprocess.run([args.bitaqa, "migrate"], env=env, check=True, capture_output=True)
        # The seeder's summary (how long it took) to stderr, as card_api.py does, out of the table.
        print(seed(args.bench, url, args.orders, os.path.join(scratch, "targets.tsv")), file=sys.stderr)
        if args.database == "postgres":
            subprocess.run(["psql", url, "-q", "-c", "ANALYZE"], check=True)
        headers = [f"Authorization: Bearer {ADMIN}"]
        middle = args.orders // 2
        phone = "05%08d" % middle
        email = f"buyer-{middle}@example.com"
        searches = {"search by phone": (phone, "+2135%08d" % middle, "phone"),
                    "search by email": (email, email, "email")}
        paths = {"health": "/health", "first page": "/v1/orders?limit=50"}
        paths.update({name: "/v1/orders?" + urllib.parse.urlencode({"q": q, "limit": 50})
                      for name, (q, _, _) in searches.items()})
        runs = {}
        with serving(args.bitaqa, env, os.path.join(scratch, "serve.log")) as (base, _):
            for name, (_, stored, field) in searches.items():
                # A search that found nothing would measure an empty page, not the index.
                request = urllib.request.Request(base + paths[name], headers={"Authorization": f"Bearer {ADMIN}"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    found = json.load(response)["orders"]
                if [order.get(field) for order in found] != [stored]:
                    raise RuntimeError(f"{name} found {found!r}, not the order with {field} {stored}")
            for name, path in paths.items():
                wrk(base + path, 2, args.connections, headers=headers)  # warm-up
                runs[name] = wrk(base + path, args.duration, args.connections, headers=headers)
        health = runs["health"]["rps"]
        print(f"| {args.database} | {args.orders:,} | " + " | ".join(
            f"{r['rps']:,.0f} req/s, p50 {r['p50']:.2f} / p99 {r['p99']:.2f} ms"
            + (f" ({r['rps'] / health * 100:.0f}% of /health)" if name != "health" else "")
            + (f", {r['errors']} non-2xx" if r["errors"] else "")
            for name, r in runs.items()) + " |")
        for name, key in (("first page", "first_page"), ("search by phone", "search_phone"),
                          ("search by email", "search_email")):
            record(args.results, f"orders.{args.database}.{key}_p99_ms", runs[name]["p99"], "lower")
        return 1 if any(r["errors"] for r in runs.values()) else 0

if __name__ == "__main__":
    sys.exit(main())
