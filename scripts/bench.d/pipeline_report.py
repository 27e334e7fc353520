#!/usr/bin/env python3
"""Runs the pipeline benchmarks of `scripts/bench pipeline` and prints them as Markdown.

  pipeline_report.py --results FILE [--large N] [--postgres-url URL]

1. Time to card at the reference's realistic fulfilment times (3 to 45 s), N=100, default schedule:
   p50/p99 split into the wait for the poll and Bitaqa's own processing; check calls per order.
2. A burst: N=--large orders fulfilled within a few seconds of each other, one process on SQLite:
   time to card, deliveries per second, peak memory of `serve`.
3. Throughput with 1, 2 and 3 processes on PostgreSQL (when --postgres-url is given).
4. The SMTP server's own acceptance rate, alone: the limit deliveries are measured against.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(arguments):
    done = subprocess.run([sys.executable, os.path.join(HERE, "pipeline.py")] + arguments, capture_output=True, text=True)
    sys.stderr.write(done.stderr[-3000:])
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise SystemExit(f"pipeline.py {' '.join(arguments)} gave no result (exit {done.returncode})")


def record(results, key, value, better):
    if value is not None:
        subprocess.run([sys.executable, os.path.join(HERE, "results.py"), "record", results, key, str(value), better], check=True)


def peak_rss(r):
    peaks = r.get("peak_rss_mib") or []
    values = list(peaks.values()) if isinstance(peaks, dict) else list(peaks)
    return max(values) if values else 0


def row(label, r):
    t, w, o, th = r["time_to_card_ms"], r["poll_wait_ms"], r["own_ms"], r["throughput"]
    peak = peak_rss(r)
    return (f"| {label} | {r['orders']:,} | {t['p50']:,.0f} / {t['p99']:,.0f} | {w['p50']:,.0f} / {w['p99']:,.0f} | "
            f"{o['p50']:,.1f} / {o['p99']:,.1f} | {th['deliveries_per_second']:,.0f} (best 1 s: {th['best_1s_window_per_second']:,.0f}) | "
            f"{r['upstream']['per_delivered_order']:.2f} | {peak:.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()

    print("| run | orders | time to card p50 / p99 ms | of which poll wait p50 / p99 | Bitaqa's own p50 / p99 | deliveries/s | upstream calls per order | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    realistic = run(["ttc", "--orders", "100", "--resolve", "3", "45", "--poll-interval", "5"])
    print(row("realistic: fulfilled 3–45 s after send, poll 5 s, SQLite", realistic), flush=True)
    record(args.results, "ttc.realistic.own_p99_ms", realistic["own_ms"]["p99"], "lower")
    record(args.results, "ttc.realistic.upstream_calls_per_order", realistic["upstream"]["per_delivered_order"], "lower")

    paced = run(["ttc", "--orders", "100", "--rate", "100", "--resolve", "3", "45", "--poll-interval", "5"])
    print(row("paced: 100 orders a minute, fulfilled 3–45 s after send, poll 5 s, SQLite", paced), flush=True)
    record(args.results, "ttc.paced.upstream_calls_per_order", paced["upstream"]["per_delivered_order"], "lower")
    record(args.results, "ttc.paced.ttc_p99_ms", paced["time_to_card_ms"]["p99"], "lower")

    burst_window = ["--resolve", "40", "45"] if args.large > 5_000 else ["--resolve", "20", "25"]
    burst = run(["ttc", "--orders", str(args.large), "--poll-interval", "5"] + burst_window)
    print(row("burst, 1 process, SQLite", burst), flush=True)
    record(args.results, "ttc.burst.sqlite.own_p99_ms", burst["own_ms"]["p99"], "lower")
    record(args.results, "throughput.sqlite.1.deliveries_per_second", burst["throughput"]["deliveries_per_second"], "higher")
    record(args.results, "memory.burst.peak_rss_mib", peak_rss(burst), "lower")

    if args.postgres_url:
        for processes in (1, 2, 3):
            r = run(["ttc", "--orders", str(args.large), "--poll-interval", "5", "--processes", str(processes),
                     "--database", "postgres", "--postgres-url", args.postgres_url] + burst_window)
            print(row(f"burst, {processes} process{'es' if processes > 1 else ''}, PostgreSQL", r), flush=True)
            record(args.results, f"throughput.postgres.{processes}.deliveries_per_second", r["throughput"]["deliveries_per_second"], "higher")

    smtp = run(["smtp", "--messages", "20000", "--threads", "8"])
    print()
    print(f"The SMTP server alone (aiosmtpd, 8 client threads, {smtp['messages']:,} messages of {smtp['message_bytes']} bytes): "
          f"**{smtp['smtp_accept_per_second']:,.0f} messages/s**, the ceiling of every delivery figure above.")
    record(args.results, "smtp.alone.accept_per_second", smtp["smtp_accept_per_second"], "higher")


if __name__ == "__main__":
    main()
