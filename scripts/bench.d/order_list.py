#!/usr/bin/env python3
"""The merchant's order list under wrk, beside the same server's /health, at 1,000,000 orders.

Seeds with `bitaqa-bench seed` (each seeded order has a phone, +2135XXXXXXXX), starts the release
`bitaqa serve`, and measures GET /health, GET /v1/orders?limit=50 (the first page) and
GET /v1/orders?q=05XXXXXXXX&limit=50 (a search by phone, in its local spelling). Prints a Markdown table.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from card_api import ADMIN, JWT_SECRET, KEY, free_port, record, wait_ready, wrk  # noqa: E402


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
    scratch = tempfile.mkdtemp(prefix="bitaqa-list-bench-")
    dbname = None
    try:
        if args.database == "sqlite":
            url = f"sqlite://{scratch}/bench.sqlite"
        else:
            dbname = "bench_list_" + uuid.uuid4().hex[:8]
            subprocess.run(["psql", args.postgres_url, "-q", "-c", f"CREATE DATABASE {dbname}"], check=True)
            url = args.postgres_url.rsplit("/", 1)[0] + "/" + dbname
        # The schema first (the seeder writes rows, serve's migrations write the indexes).
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
            "BITAQA_DATA_DIR": scratch, "BITAQA_DATABASE_URL": url, "BITAQA_ADMIN_TOKEN": ADMIN,
            "ENCRYPTION_KEY": KEY, "BITAQA_JWT_SECRET": JWT_SECRET, "BITAQA_LOG_LEVEL": "error",
        }
        subprocess.run([args.bitaqa, "migrate"], env=env, check=True, capture_output=True)
        seed = subprocess.run(
            [args.bench, "seed", "--database-url", url, "--orders", str(args.orders), "--key", KEY,
             "--jwt-secret", JWT_SECRET, "--targets", os.path.join(scratch, "targets.tsv")],
            capture_output=True, text=True)
        if seed.returncode != 0:
            raise RuntimeError("seed failed: " + seed.stderr[-2000:])
        if args.database == "postgres":
            subprocess.run(["psql", url, "-q", "-c", "ANALYZE"], check=True)
        port = free_port()
        log = open(os.path.join(scratch, "serve.log"), "w")
        serve = subprocess.Popen([args.bitaqa, "serve", "--http-port", str(port)], env=env, stdout=log, stderr=log)
        headers = [f"Authorization: Bearer {ADMIN}"]
        phone = "05%08d" % (args.orders // 2)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/ready", serve)
            runs = {}
            for name, path in (("health", "/health"), ("first page", "/v1/orders?limit=50"),
                               ("search by phone", f"/v1/orders?q={phone}&limit=50")):
                wrk(base + path, 2, args.connections, headers=headers)  # warm-up
                runs[name] = wrk(base + path, args.duration, args.connections, headers=headers)
        finally:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=60)
            log.close()
        health = runs["health"]["rps"]
        print(f"| {args.database} | {args.orders:,} | " + " | ".join(
            f"{r['rps']:,.0f} req/s, p50 {r['p50']:.2f} / p99 {r['p99']:.2f} ms"
            + (f" ({r['rps'] / health * 100:.0f}% of /health)" if name != "health" else "")
            + (f", {r['errors']} non-2xx" if r["errors"] else "")
            for name, r in runs.items()) + " |")
        for name, key in (("first page", "first_page"), ("search by phone", "search_phone")):
            record(args.results, f"orders.{args.database}.{key}_p99_ms", runs[name]["p99"], "lower")
        return 1 if any(r["errors"] for r in runs.values()) else 0
    finally:
        if dbname:
            subprocess.run(["psql", args.postgres_url, "-q", "-c", f"DROP DATABASE IF EXISTS {dbname}"], check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
