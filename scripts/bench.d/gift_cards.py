#!/usr/bin/env python3
"""Gift-card pipeline benchmark: upstream calls per delivered card and time to card of a burst.

  scripts/bench.d/gift_cards.py --orders N [--quantity Q] [--resolve MIN MAX] [--binary PATH] [--json OUT]

Starts the test mail server, `bitaqa sandbox` and one `bitaqa serve` (SQLite), places N gift-card
orders of Q cards at once (POST /v1/gift-card-orders), waits for the N card emails and works out, per
order, from the sandbox's gift-card orders and request log and the mail server's event log:
  fulfil   = the instant the sandbox order leaves HANDLING (resolvesAt)
  accepted = when the mail server accepted the order's card email
  time_to_card = accepted - fulfil
and the upstream calls per delivered card (placeOrder, checkOrder and list; the schedule is the
upstream's: every 5 s, by the list when several orders are due). Standard library only; shares the
top-up benchmark's process and statistics helpers (pipeline.py).
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipeline as p  # noqa: E402


class GiftEventTail:
    """First accepted time per gift-card card email, by the order's ref (`gc=3A<ref>.email.gift-cards@bitaqa`)."""

    def __init__(self, path):
        self.path = path

    def read_gift(self):
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return {}
        found = {}
        for line in data.split(b"\n"):
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") != "accepted":
                continue
            mid = (event.get("message_id") or "").strip().strip("<>").strip()
            if not mid.endswith(".email.gift-cards@bitaqa"):
                continue
            key = mid[: -len(".email.gift-cards@bitaqa")]
            ref = urllib.parse.unquote(key.replace("=", "%"))
            if ref.startswith("gc:"):
                ref = ref[3:]
            found.setdefault(ref, float(event["t"]))
        return found


def place(port, n, quantity, run_id):
    refs = [f"gift-{run_id}-{i}" for i in range(n)]
    acknowledged = {}
    order_ids = {}
    errors = []
    lock = threading.Lock()
    todo = iter(range(n))
    headers = {"Authorization": "Bearer " + p.ADMIN_TOKEN, "Content-Type": "application/json"}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                conn.close()
                return
            # Spread over the sandbox's stock (50 PSN 1000, 40 Google Play 500, 10 Google Play 1000 a run).
            product, type_id = (("psn-dz", "psn-1000") if i % 10 < 5 else ("google-play", "gp-500") if i % 10 < 9
                                else ("google-play", "gp-1000"))
            body = json.dumps({"productId": product, "typeId": type_id, "quantity": quantity, "ref": refs[i],
                               "userId": f"u{i}", "email": f"b{i}@shop.dz"})
            try:
                conn.request("POST", "/v1/gift-card-orders", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append((i, str(error)))
                continue
            with lock:
                if response.status == 201:
                    acknowledged[refs[i]] = time.time()
                    order_ids[refs[i]] = json.loads(data).get("orderId")
                else:
                    errors.append((i, f"HTTP {response.status}: {data[:200]!r}"))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(p.CLIENT_THREADS)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acknowledged, order_ids, errors, time.time() - started


def run(args, scratch):
    run_id = "%08x" % random.getrandbits(32)
    key = "bench-sandbox-key-" + run_id
    smtp_port, events_path = p.start_smtp(scratch)
    sandbox_port = p.free_port()
    sandbox_dir = os.path.join(scratch.dir, "sandbox")
    os.makedirs(sandbox_dir)
    scratch.spawn("sandbox", [args.binary, "sandbox", "--port", str(sandbox_port)], p.base_env(
        ONECLICKDZ_API_KEY=key, BITAQA_SANDBOX_RESOLVE_MIN=args.resolve[0], BITAQA_SANDBOX_RESOLVE_MAX=args.resolve[1],
        BITAQA_DATA_DIR=sandbox_dir, BITAQA_LOG_LEVEL="warning",
        BITAQA_SANDBOX_BALANCE=max(1_000_000, args.orders * args.quantity * 2_100)), cwd=sandbox_dir)
    p.wait_until("sandbox", lambda: p.http_get(sandbox_port, "/v3/validate", timeout=2)[0] == 401, scratch, 30)
    data_dir = os.path.join(scratch.dir, "data")
    os.makedirs(data_dir)
    port = p.free_port()
    scratch.spawn("serve1", [args.binary, "serve", "--http-port", str(port)], p.base_env(
        BITAQA_DATA_DIR=data_dir, BITAQA_DATABASE_URL="sqlite://" + os.path.join(scratch.dir, "bench.sqlite"),
        BITAQA_ADMIN_TOKEN=p.ADMIN_TOKEN, ENCRYPTION_KEY=p.ENCRYPTION_KEY, ONECLICKDZ_API_KEY=key,
        ONECLICKDZ_BASE_URL=f"http://127.0.0.1:{sandbox_port}", BITAQA_SMTP_URL=f"smtp+insecure://127.0.0.1:{smtp_port}",
        BITAQA_SMTP_FROM="Cards <cards@shop.dz>", BITAQA_UPSTREAM_RATE_LIMIT=5000, BITAQA_LOG_LEVEL="warning",
        BITAQA_GIFT_CARD_MAX_QUANTITY=max(10, args.quantity)), cwd=data_dir)
    p.wait_until("serve1", lambda: p.http_get(port, "/ready", timeout=2)[0] == 200, scratch, 90)
    acknowledged, order_ids, errors, wall = place(port, args.orders, args.quantity, run_id)
    p.log(f"placed {len(acknowledged)}/{args.orders} gift-card orders in {wall:.2f} s"
          + (f"; {len(errors)} failed, first: {errors[0]}" if errors else ""))
    if not acknowledged:
        raise p.BenchError("no order was placed")
    tail = GiftEventTail(events_path)
    deadline = time.monotonic() + args.resolve[1] + 180
    while True:
        accepted = tail.read_gift()
        done = sum(1 for ref in acknowledged if ref in accepted)
        if done >= len(acknowledged):
            break
        scratch.check_alive()
        if time.monotonic() > deadline:
            raise p.BenchError(f"timed out with {done} of {len(acknowledged)} gift-card emails accepted")
        time.sleep(0.2)
    control = {"X-Access-Token": key}
    status, body = p.http_get(sandbox_port, "/sandbox/gift-cards/orders", control, timeout=60)
    if status != 200:
        raise p.BenchError(f"GET /sandbox/gift-cards/orders answered {status}")
    upstream = {o["id"]: o for o in json.loads(body)["orders"]}
    status, body = p.http_get(sandbox_port, "/sandbox/requests", control, timeout=120)
    requests = json.loads(body)["requests"]
    routes = {}
    for r in requests:
        if "/gift-cards/" in r["route"]:
            routes[r["route"]] = routes.get(r["route"], 0) + 1
    ttc = []
    cards = 0
    for ref, order_id in order_ids.items():
        o = upstream.get(order_id)
        if o is None or ref not in accepted:
            continue
        cards += o["cards"]
        ttc.append(accepted[ref] - o["resolvesAt"])
    calls = sum(routes.values())
    result = {
        "orders": args.orders, "quantity": args.quantity, "placed": len(acknowledged), "delivered": len(ttc),
        "cards": cards, "placement_seconds": round(wall, 2), "upstream_calls": routes,
        "calls_per_card": round(calls / cards, 3) if cards else None,
        "checks_per_order": round((calls - routes.get("POST /gift-cards/placeOrder", 0)) / max(1, len(ttc)), 2),
        "time_to_card_ms": p.distribution_ms(ttc), "resolve": args.resolve,
    }
    p.log(f"time to card ms: {p.fmt_dist(result['time_to_card_ms'])}; calls per card {result['calls_per_card']} "
          f"({routes})")
    return result


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=p.positive_int, default=100)
    parser.add_argument("--quantity", type=p.positive_int, default=1)
    parser.add_argument("--resolve", nargs=2, type=float, default=[20.0, 25.0], metavar=("MIN", "MAX"))
    parser.add_argument("--binary", default=".build/release/bitaqa")
    parser.add_argument("--json")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    scratch = p.Scratch(keep=args.keep)
    try:
        result = run(args, scratch)
    except p.BenchError as error:
        p.log(f"error: {error}")
        scratch.print_tails()
        return 1
    finally:
        scratch.close()
    p.emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
