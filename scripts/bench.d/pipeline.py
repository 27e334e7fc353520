#!/usr/bin/env python3
"""Pipeline benchmark: time from upstream fulfilment to the card email accepted by the mail server.

  scripts/bench.d/pipeline.py ttc --orders N [--processes P] [--database sqlite|postgres]
        [--postgres-url URL] [--resolve MIN MAX] [--poll-interval S] [--concurrency C] [--json OUT]
  scripts/bench.d/pipeline.py smtp --messages N [--threads T] [--json OUT]

ttc: starts the test mail server (scripts/reliability/smtp_faults.py, under /usr/bin/python3 for
aiosmtpd), `bitaqa sandbox` and P `bitaqa serve` processes, places N orders, waits for the N card
emails and works out, per order, from the sandbox's top-up list and request log and the mail
server's event log:
  fulfil   = the instant the sandbox top-up leaves HANDLING (resolvesAt)
  detect   = start of the first successful GET /internet/check-id of that order at or after fulfil
  accepted = when the mail server accepted the order's card email
  time_to_card = accepted - fulfil = poll_wait (detect - fulfil) + own (accepted - detect)
The default resolve window (20 to 25 s) lets every order be placed before fulfilment begins, so
placement load does not mix with the delivery measurement.

smtp: the mail server's own ceiling: N small messages from T threads, one persistent connection each.

One JSON object goes to stdout (and to --json OUT); a readable summary goes to stderr.
Exit status: 0 when the run completed, 1 when it failed (timeout, a process died, orders refused),
2 on bad usage. Standard library only.
"""
import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMTP_SERVER = os.path.join(ROOT, "scripts", "reliability", "smtp_faults.py")
SMTP_PYTHON = "/usr/bin/python3"  # aiosmtpd is Debian's python3-aiosmtpd
DEFAULT_BINARY = os.environ.get("BITAQA_BENCH_BIN", "/tmp/bench-bin/bitaqa")
ADMIN_TOKEN = "bench-admin-token-0001"
ENCRYPTION_KEY = "7a" * 32
CHECK_ROUTE = "GET /internet/check-id"
LIST_ROUTE = "GET /internet/list"
CLIENT_THREADS = 16
MIB = 1024 * 1024


class BenchError(Exception):
    """A failed run: the message is printed, the exit status is 1."""


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Child processes and scratch space


class Scratch:
    """Temp dir, child processes (each with its log file), the PostgreSQL database: all undone by close()."""

    def __init__(self, keep=False):
        self.dir = tempfile.mkdtemp(prefix="bitaqa-bench-")
        self.keep = keep
        self.children = []  # (name, Popen, log path)
        self.cleanups = []  # callables run after the children stop, last registered first

    def spawn(self, name, argv, env, cwd=None):
        path = os.path.join(self.dir, name + ".log")
        out = open(path, "wb")
        try:
            # Own session: a Ctrl-C in the terminal reaches only us, and we stop the children in order.
            proc = subprocess.Popen(argv, env=env, cwd=cwd or self.dir, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            out.close()
        self.children.append((name, proc, path))
        return proc, path

    def check_alive(self):
        for name, proc, path in self.children:
            code = proc.poll()
            if code is not None:
                raise BenchError(f"{name} (pid {proc.pid}) exited with status {code}")

    def print_tails(self, lines=25):
        for name, proc, path in self.children:
            log(f"--- last lines of {name} ({path}) ---")
            log(tail(path, lines) or "(empty)")

    def stop(self, procs, grace=15.0):
        """SIGTERM the given processes together, wait up to grace seconds, then SIGKILL the rest."""
        for proc in procs:
            if proc.poll() is None:
                try:
                    proc.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def close(self):
        # Serve processes first (they talk to the others), then the sandbox, then the mail server.
        serves = [p for n, p, _ in self.children if n.startswith("serve")]
        others = [p for n, p, _ in reversed(self.children) if not n.startswith("serve")]
        self.stop(serves)
        for proc in others:
            self.stop([proc], grace=5.0)
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as error:  # cleanup must go on
                log(f"cleanup failed: {error}")
        if self.keep:
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def tail(path, lines):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def http_get(port, path, headers=None, timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until(what, probe, scratch, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scratch.check_alive()
        try:
            if probe():
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    raise BenchError(f"{what} not ready after {timeout:.0f} s")


def start_smtp(scratch, name="smtp"):
    if not os.path.exists(SMTP_PYTHON):
        raise BenchError(f"{SMTP_PYTHON} not found (smtp_faults.py needs Debian's python3-aiosmtpd)")
    spool = os.path.join(scratch.dir, name + "-spool")
    events = os.path.join(scratch.dir, name + "-events.jsonl")
    control = os.path.join(scratch.dir, name + "-control.json")  # never written: accept everything
    _, out = scratch.spawn(name, [SMTP_PYTHON, SMTP_SERVER, "--host", "127.0.0.1", "--port", "0",
                                  "--spool", spool, "--control", control, "--events", events], base_env())
    found = {}

    def ready():
        with open(out, "r", errors="replace") as f:
            m = re.search(r"^ready (\d+)$", f.read(), re.M)
        if m:
            found["port"] = int(m.group(1))
        return bool(m)

    wait_until("mail server", ready, scratch, 20)
    return found["port"], events


# ---------------------------------------------------------------------------------------------
# Statistics


def percentile(sorted_values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def distribution_ms(seconds):
    values = sorted(v * 1000.0 for v in seconds)
    if not values:
        return {"p50": None, "p90": None, "p99": None, "max": None, "min": None, "mean": None}
    r = lambda v: round(v, 2)
    return {"p50": r(percentile(values, 0.50)), "p90": r(percentile(values, 0.90)),
            "p99": r(percentile(values, 0.99)), "max": r(values[-1]), "min": r(values[0]),
            "mean": r(sum(values) / len(values))}


def best_window_rate(sorted_times, width):
    """Most events in any window [t, t + width), as events per second."""
    best, i = 0, 0
    for j, t in enumerate(sorted_times):
        while t - sorted_times[i] >= width:
            i += 1
        best = max(best, j - i + 1)
    return round(best / width, 2)


def fmt_dist(d):
    if d["p50"] is None:
        return "n/a"
    return " ".join(f"{k} {d[k]:.1f}" for k in ("p50", "p90", "p99", "max"))


# ---------------------------------------------------------------------------------------------
# ttc


class MemorySampler(threading.Thread):
    """Reads VmHWM (peak resident set) of each pid every 0.5 s, keeping the last value it saw."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_kib = {pid: 0 for pid in pids}
        self.rss_kib = {pid: 0 for pid in pids}
        self.halt = threading.Event()

    def sample(self):
        for pid in self.pids:
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            self.peak_kib[pid] = max(self.peak_kib[pid], int(line.split()[1]))
                        elif line.startswith("VmRSS:"):
                            self.rss_kib[pid] = int(line.split()[1])
            except (OSError, ValueError, IndexError):
                pass

    def run(self):
        while not self.halt.wait(0.5):
            self.sample()

    def finish(self):
        self.halt.set()
        self.join(timeout=2)
        self.sample()


def place_orders(ports, count, run_id, threads=CLIENT_THREADS, per_minute=None):
    """POSTs the orders round-robin over the serve ports; returns (ids by index, errors, latencies, wall).
    With per_minute, order i is sent at start + i * 60 / per_minute, one at a time."""
    ids = [None] * count
    latencies = [None] * count
    errors = []
    lock = threading.Lock()
    counter = iter(range(count))
    headers = {"Authorization": "Bearer " + ADMIN_TOKEN, "Content-Type": "application/json"}

    pace = [time.monotonic()]

    def next_index():
        with lock:
            i = next(counter, None)
        if i is not None and per_minute:
            delay = pace[0] + i * 60.0 / per_minute - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return i

    def worker():
        conns = {}
        try:
            while True:
                i = next_index()
                if i is None:
                    return
                port = ports[i % len(ports)]
                body = json.dumps({"type": "ADSL", "number": f"036{i:06d}", "value": 500, "userId": f"u{i}",
                                   "email": f"b{i}@shop.dz", "ref": f"bench-{run_id}-{i}"})
                for attempt in (1, 2):
                    conn = conns.get(port)
                    reused = conn is not None
                    if conn is None:
                        conn = conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    started = time.monotonic()
                    try:
                        conn.request("POST", "/v1/orders/send", body=body, headers=headers)
                        response = conn.getresponse()
                        data = response.read()
                    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                        conn.close()
                        conns.pop(port, None)
                        # A kept-alive connection the server closed: the request never arrived, send it again.
                        if reused and attempt == 1:
                            continue
                        with lock:
                            errors.append((i, f"{type(error).__name__}: {error}"))
                        break
                    except (OSError, http.client.HTTPException) as error:
                        conn.close()
                        conns.pop(port, None)
                        with lock:
                            errors.append((i, f"{type(error).__name__}: {error}"))
                        break
                    latencies[i] = time.monotonic() - started
                    if response.status == 201:
                        try:
                            ids[i] = json.loads(data)["topupId"]
                        except (ValueError, KeyError, TypeError):
                            with lock:
                                errors.append((i, f"201 without topupId: {data[:200]!r}"))
                    else:
                        with lock:
                            errors.append((i, f"HTTP {response.status}: {data[:300].decode('utf-8', 'replace')}"))
                    if response.will_close:
                        conn.close()
                        conns.pop(port, None)
                    break
        finally:
            for conn in conns.values():
                conn.close()

    started = time.time()
    pace[0] = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(1 if per_minute else threads)]
    for t in pool:
        t.start()
    for t in pool:
        while t.is_alive():
            t.join(0.2)
    return ids, errors, [x for x in latencies if x is not None], started, time.time()


class EventTail:
    """Incremental reader of the mail server's events file: first accepted time per card email's topupId."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = b""
        self.accepted = {}
        self.other_events = {}

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") != "accepted":
                self.other_events[event.get("event")] = self.other_events.get(event.get("event"), 0) + 1
                continue
            mid = (event.get("message_id") or "").strip().strip("<>").strip()
            if not mid.endswith(".email.card@bitaqa"):
                continue
            topup = mid.split(".", 1)[0]
            if topup not in self.accepted:
                self.accepted[topup] = float(event["t"])


def create_postgres_database(scratch, server_url):
    if not shutil.which("psql"):
        raise BenchError("psql not found")
    name = "bench_" + "".join(random.choice("0123456789abcdef") for _ in range(12))
    psql = ["psql", server_url, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-w"]
    env = dict(os.environ)
    result = subprocess.run(psql + ["-c", f"CREATE DATABASE {name}"], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"CREATE DATABASE failed: {result.stderr.strip()}")

    def drop():
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"DROP DATABASE IF EXISTS {name}"):
            r = subprocess.run(psql + ["-c", sql], env=env, capture_output=True, text=True)
            if r.returncode == 0:
                return
        log(f"could not drop database {name}: {r.stderr.strip()}")

    scratch.cleanups.append(drop)
    parts = urllib.parse.urlsplit(server_url)
    return name, urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def agent_pid(agent):
    """`bitaqa/0.9.0 (host-pid-rand)` -> pid, or None."""
    m = re.search(r"\(([^()]*)\)\s*$", agent)
    if not m:
        return None
    parts = m.group(1).split("-")
    return int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None


def nproc():
    try:
        return int(subprocess.run(["nproc"], capture_output=True, text=True, timeout=5).stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return os.cpu_count()


def binary_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10, env=base_env())
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, subprocess.SubprocessError):
        return None


def run_ttc(args, scratch):
    binary = args.binary
    if not os.access(binary, os.X_OK):
        raise BenchError(f"{binary} is not an executable (build it, or pass --binary)")
    n, processes = args.orders, args.processes
    resolve_min, resolve_max = args.resolve
    run_id = "%08x" % random.getrandbits(32)
    key = "bench-sandbox-key-" + run_id
    log(f"ttc: {n} orders, {processes} serve process(es), {args.database}, poll {args.poll_interval} s, "
        f"resolve {resolve_min}-{resolve_max} s, delivery concurrency {args.concurrency}; scratch {scratch.dir}")
    if args.database == "sqlite" and processes > 1:
        log("warning: several serve processes on one SQLite file; PostgreSQL is the supported scale-out")

    # Database
    if args.database == "postgres":
        db_name, database_url = create_postgres_database(scratch, args.postgres_url)
        log(f"postgres database {db_name}")
    else:
        database_url = "sqlite://" + os.path.join(scratch.dir, "bench.sqlite")

    # Mail server
    smtp_port, events_path = start_smtp(scratch)

    # Sandbox
    sandbox_port = free_port()
    sandbox_dir = os.path.join(scratch.dir, "sandbox")
    os.makedirs(sandbox_dir)
    scratch.spawn("sandbox", [binary, "sandbox", "--port", str(sandbox_port)], base_env(
        ONECLICKDZ_API_KEY=key, BITAQA_SANDBOX_RESOLVE_MIN=resolve_min, BITAQA_SANDBOX_RESOLVE_MAX=resolve_max,
        BITAQA_DATA_DIR=sandbox_dir, BITAQA_LOG_LEVEL="warning",
        # 500 DZD orders cost 490 each; the default balance (1,000,000) would run out after ~2,000.
        BITAQA_SANDBOX_BALANCE=max(1_000_000, n * 1000)), cwd=sandbox_dir)
    wait_until("sandbox", lambda: http_get(sandbox_port, "/v3/validate", timeout=2)[0] == 401, scratch, 30)

    # Serve processes
    data_dir = os.path.join(scratch.dir, "data")
    os.makedirs(data_dir)
    serve_env = base_env(
        BITAQA_DATA_DIR=data_dir, BITAQA_DATABASE_URL=database_url, BITAQA_ADMIN_TOKEN=ADMIN_TOKEN,
        ENCRYPTION_KEY=ENCRYPTION_KEY, ONECLICKDZ_API_KEY=key, ONECLICKDZ_BASE_URL=f"http://127.0.0.1:{sandbox_port}",
        BITAQA_SMTP_URL=f"smtp+insecure://127.0.0.1:{smtp_port}", BITAQA_SMTP_FROM="Cards <cards@shop.dz>",
        BITAQA_POLL_INTERVAL=args.poll_interval, BITAQA_UPSTREAM_RATE_LIMIT=5000,
        BITAQA_TRACK_BY_LIST="false" if args.no_list else "true", BITAQA_LOG_LEVEL=args.log_level,
        BITAQA_DELIVERY_CONCURRENCY=args.concurrency)
    serves = []
    for k in range(processes):
        port = free_port()
        proc, _ = scratch.spawn(f"serve{k + 1}", [binary, "serve", "--http-port", str(port)], serve_env, cwd=data_dir)
        serves.append((proc, port))
        if k == 0:  # let the first one create the schema alone
            wait_until("serve1", lambda: http_get(port, "/ready", timeout=2)[0] == 200, scratch, 90)
    for k, (proc, port) in enumerate(serves):
        wait_until(f"serve{k + 1}", lambda: http_get(port, "/ready", timeout=2)[0] == 200, scratch, 90)
    ports = [port for _, port in serves]
    pids = [proc.pid for proc, _ in serves]
    sampler = MemorySampler(pids)
    sampler.start()

    # Placement
    ids, errors, latencies, placed_from, placed_to = place_orders(ports, n, run_id, per_minute=args.rate)
    placed = {tid: i for i, tid in enumerate(ids) if tid}
    placement_wall = placed_to - placed_from
    log(f"placed {len(placed)}/{n} orders in {placement_wall:.2f} s ({len(placed) / placement_wall:.0f}/s)"
        + (f", {len(errors)} refused or failed" if errors else ""))
    for i, message in errors[:5]:
        log(f"  order {i}: {message}")
    if not placed:
        raise BenchError("no order was placed")
    if placement_wall > resolve_min and not args.rate:
        log(f"warning: placement took {placement_wall:.1f} s, longer than the earliest fulfilment "
            f"({resolve_min} s): some deliveries ran while orders were still being placed")

    # Wait for the emails
    timeout = resolve_max + 120 + len(placed) / 20
    deadline = time.monotonic() + timeout
    events = EventTail(events_path)
    last_report = time.monotonic()
    while True:
        events.poll()
        done = sum(1 for tid in placed if tid in events.accepted)
        if done >= len(placed):
            break
        scratch.check_alive()
        now = time.monotonic()
        if now >= deadline:
            sampler.finish()
            result = {"error": "timeout", "orders": n, "placed": len(placed), "delivered": done,
                      "timeout_seconds": round(timeout, 1), "other_mail_events": events.other_events}
            emit(result, args.json)
            raise BenchError(f"timed out after {timeout:.0f} s with {done} of {len(placed)} card emails accepted")
        if now - last_report >= 5:
            log(f"  {done}/{len(placed)} card emails accepted")
            last_report = now
        time.sleep(0.1)
    sampler.finish()
    log(f"all {len(placed)} card emails accepted")

    # Sandbox records
    control = {"X-Access-Token": key}
    status, body = http_get(sandbox_port, "/sandbox/topups", control, timeout=120)
    if status != 200:
        raise BenchError(f"GET /sandbox/topups answered {status}")
    topups = {t["id"]: t for t in json.loads(body)["topups"]}
    status, body = http_get(sandbox_port, "/sandbox/requests", control, timeout=300)
    if status != 200:
        raise BenchError(f"GET /sandbox/requests answered {status}")
    requests = json.loads(body)["requests"]
    del body

    checks_by_id = {}
    routes = {}
    checks_by_agent = {}
    check_statuses = {}
    check_durations = []
    for r in requests:
        routes[r["route"]] = routes.get(r["route"], 0) + 1
        if r["route"] != CHECK_ROUTE:
            continue
        checks_by_id.setdefault(r["id"], []).append(r)
        checks_by_agent[r["agent"]] = checks_by_agent.get(r["agent"], 0) + 1
        check_statuses[str(r["status"])] = check_statuses.get(str(r["status"]), 0) + 1
        check_durations.append(r["end"] - r["start"])
    total_checks = sum(checks_by_agent.values())

    ttc, poll_wait, own, accepted_times, fulfil_times = [], [], [], [], []
    missing_topup, fallback = 0, 0
    per_order = [] if args.per_order else None
    for tid in placed:
        topup = topups.get(tid)
        if topup is None:
            missing_topup += 1
            continue
        fulfil = float(topup["resolvesAt"])
        accepted = events.accepted[tid]
        calls = sorted((c for c in checks_by_id.get(tid, []) if c["status"] == 200), key=lambda c: c["start"])
        detect = next((c for c in calls if c["start"] >= fulfil), None)
        if detect is None:
            # A check that started a hair before fulfil but was answered after it saw FULFILLED.
            late = [c for c in calls if c["end"] >= fulfil]
            if not late:
                missing_topup += 1
                continue
            detect = late[-1]
            fallback += 1
        if per_order is not None:
            per_order.append({"id": tid, "index": placed[tid], "fulfil": fulfil, "detect_start": detect["start"],
                              "detect_end": detect["end"], "agent": detect["agent"], "accepted": accepted,
                              "checks": len(checks_by_id.get(tid, []))})
        ttc.append(accepted - fulfil)
        poll_wait.append(detect["start"] - fulfil)
        own.append(accepted - detect["start"])
        accepted_times.append(accepted)
        fulfil_times.append(fulfil)
    if per_order is not None:
        with open(args.per_order, "w") as f:
            for row in per_order:
                f.write(json.dumps(row) + "\n")
    if missing_topup:
        log(f"warning: {missing_topup} orders without a sandbox top-up or a check-id call; left out")
    accepted_times.sort()
    span = accepted_times[-1] - accepted_times[0] if len(accepted_times) > 1 else 0.0

    pid_index = {pid: k + 1 for k, pid in enumerate(pids)}
    per_process = {}
    for agent, count in sorted(checks_by_agent.items()):
        pid = agent_pid(agent)
        label = f"serve{pid_index[pid]}" if pid in pid_index else agent
        per_process[label] = per_process.get(label, 0) + count
    peaks = [round(sampler.peak_kib[pid] / 1024, 1) for pid in pids]

    result = {
        "benchmark": "time_to_card",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "nproc": nproc(),
        "binary": binary,
        "version": binary_version(binary),
        "orders": n,
        "processes": processes,
        "database": args.database,
        "poll_interval": args.poll_interval,
        "resolve_window": [resolve_min, resolve_max],
        "concurrency": args.concurrency,
        "client_threads": CLIENT_THREADS,
        "placed": len(placed),
        "placement_errors": len(errors),
        "delivered": len(placed),
        "measured": len(ttc),
        "detect_fallbacks": fallback,
        "placement": {
            "wall_seconds": round(placement_wall, 3),
            "orders_per_second": round(len(placed) / placement_wall, 1) if placement_wall > 0 else None,
            "latency_ms": distribution_ms(latencies),
            "overlapped_fulfilment": placement_wall > resolve_min,
        },
        "time_to_card_ms": distribution_ms(ttc),
        "poll_wait_ms": distribution_ms(poll_wait),
        "own_ms": distribution_ms(own),
        "throughput": {
            "deliveries_per_second": round(len(accepted_times) / span, 2) if span > 0 else None,
            "delivery_span_seconds": round(span, 3),
            "fulfil_span_seconds": round(max(fulfil_times) - min(fulfil_times), 3) if fulfil_times else None,
            "best_1s_window_per_second": best_window_rate(accepted_times, 1.0),
            "best_5s_window_per_second": best_window_rate(accepted_times, 5.0),
        },
        "checks": {
            "total": total_checks,
            "per_delivered_order": round(total_checks / len(placed), 2),
            "per_process": per_process,
            "statuses": check_statuses,
            "call_ms": distribution_ms(check_durations),
        },
        "upstream": {
            "check_id": total_checks,
            "list": routes.get(LIST_ROUTE, 0),
            "per_delivered_order": round((total_checks + routes.get(LIST_ROUTE, 0)) / len(placed), 2),
        },
        "rate_per_minute": args.rate,
        "track_by_list": not args.no_list,
        "upstream_requests_by_route": routes,
        "peak_rss_mib": peaks,
        "other_mail_events": events.other_events,
    }
    emit(result, args.json)
    summary_ttc(result)
    if errors:
        raise BenchError(f"{len(errors)} of {n} orders were not placed")


def summary_ttc(r):
    t = r["throughput"]
    p = r["placement"]
    log("")
    log(f"== time to card: {r['orders']} orders, {r['processes']} process(es), {r['database']}, "
        f"poll {r['poll_interval']} s, resolve {r['resolve_window'][0]}-{r['resolve_window'][1]} s, "
        f"concurrency {r['concurrency']}, {r['nproc']} cores")
    log(f"placement     {p['wall_seconds']:.2f} s, {p['orders_per_second']} orders/s "
        f"(request {fmt_dist(p['latency_ms'])} ms)")
    log(f"time to card  {fmt_dist(r['time_to_card_ms'])} ms")
    log(f"  poll wait   {fmt_dist(r['poll_wait_ms'])} ms")
    log(f"  own         {fmt_dist(r['own_ms'])} ms")
    log(f"throughput    {t['deliveries_per_second']} deliveries/s over {t['delivery_span_seconds']} s "
        f"(fulfilments spread over {t['fulfil_span_seconds']} s); best 1 s {t['best_1s_window_per_second']}/s, "
        f"best 5 s {t['best_5s_window_per_second']}/s")
    c = r["checks"]
    log(f"checks        {c['per_delivered_order']} per order ({c['total']} total), per process {c['per_process']}, "
        f"call {fmt_dist(c['call_ms'])} ms")
    u = r["upstream"]
    log(f"upstream      {u['per_delivered_order']} calls per order ({u['check_id']} check-id + {u['list']} list)")
    log(f"peak RSS      {r['peak_rss_mib']} MiB")


# ---------------------------------------------------------------------------------------------
# smtp


def run_smtp(args, scratch):
    n, threads = args.messages, args.threads
    port, events_path = start_smtp(scratch)
    filler = ("Votre carte de recharge est prête. Code: 1234 5678 9012. "
              "Merci de votre confiance. ") * 16
    filler = "\r\n".join(filler[i:i + 76] for i in range(0, 1200, 76))

    def message(i):
        return (f"From: Cards <cards@shop.dz>\r\nTo: <b{i}@shop.dz>\r\nSubject: Votre carte ADSL 500 DA\r\n"
                f"Message-ID: <bench{i}.email.card@bench>\r\nDate: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\n"
                f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                f"{filler}\r\n").encode("utf-8")

    sample_size = len(message(0))
    barrier = threading.Barrier(threads + 1)
    errors = []
    lock = threading.Lock()
    shares = [range(k, n, threads) for k in range(threads)]

    def worker(share):
        client = None
        try:
            client = smtplib.SMTP("127.0.0.1", port, local_hostname="bench.local", timeout=60)
            client.ehlo()
        except (OSError, smtplib.SMTPException) as error:
            with lock:
                errors.append(f"connect: {error}")
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        if client is None:
            return
        try:
            for i in share:
                client.sendmail("cards@shop.dz", [f"b{i}@shop.dz"], message(i))
            client.quit()
        except (OSError, smtplib.SMTPException) as error:
            with lock:
                errors.append(f"send: {error}")

    pool = [threading.Thread(target=worker, args=(share,), daemon=True) for share in shares]
    for t in pool:
        t.start()
    barrier.wait(timeout=30)
    started = time.monotonic()
    for t in pool:
        while t.is_alive():
            t.join(0.2)
    elapsed = time.monotonic() - started
    with open(events_path, "rb") as f:
        accepted = sum(1 for line in f if b'"event": "accepted"' in line)
    result = {"smtp_accept_per_second": round(accepted / elapsed, 1), "messages": n, "threads": threads,
              "accepted": accepted, "elapsed_seconds": round(elapsed, 3), "message_bytes": sample_size,
              "errors": len(errors), "nproc": nproc(),
              "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    emit(result, args.json)
    log(f"smtp: {accepted}/{n} messages of {sample_size} bytes from {threads} connections in {elapsed:.2f} s: "
        f"{result['smtp_accept_per_second']} messages/s")
    for e in errors[:5]:
        log("  " + e)
    if errors or accepted != n:
        raise BenchError(f"{len(errors)} errors, {accepted} of {n} accepted")


# ---------------------------------------------------------------------------------------------


def emit(result, path):
    text = json.dumps(result, indent=None, sort_keys=False)
    print(text, flush=True)
    if path:
        with open(path, "w") as f:
            f.write(json.dumps(result, indent=2) + "\n")


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    sub = parser.add_subparsers(dest="command", required=True)
    ttc = sub.add_parser("ttc", help="time from upstream fulfilment to accepted card email")
    ttc.add_argument("--orders", type=positive_int, required=True)
    ttc.add_argument("--processes", type=positive_int, default=1, help="serve processes (default 1)")
    ttc.add_argument("--database", choices=("sqlite", "postgres"), default=None,
                     help="default: postgres when --postgres-url is given, else sqlite")
    ttc.add_argument("--postgres-url", help="superuser URL, e.g. postgres://postgres@127.0.0.1:5432/postgres; "
                                            "a fresh database is created and dropped per run")
    ttc.add_argument("--resolve", nargs=2, type=float, metavar=("MIN", "MAX"), default=[20.0, 25.0],
                     help="seconds after send at which top-ups are fulfilled (default 20 25)")
    ttc.add_argument("--poll-interval", type=float, default=1.0, help="BITAQA_POLL_INTERVAL (default 1)")
    ttc.add_argument("--rate", type=float, default=None,
                     help="orders per minute, one at a time (default: as fast as 16 client threads go)")
    ttc.add_argument("--no-list", action="store_true", help="BITAQA_TRACK_BY_LIST=false: one check-id per order")
    ttc.add_argument("--concurrency", type=positive_int, default=8, help="BITAQA_DELIVERY_CONCURRENCY (default 8)")
    ttc.add_argument("--binary", default=DEFAULT_BINARY, help=f"bitaqa release binary (default {DEFAULT_BINARY})")
    ttc.add_argument("--json", metavar="OUT", help="also write the JSON result here")
    ttc.add_argument("--per-order", metavar="OUT", help="write one JSON line per order (unix times of fulfil, "
                                                        "detect start/end, accepted; agent; check count)")
    ttc.add_argument("--keep", action="store_true", help="keep the scratch directory (logs, spool, database)")
    ttc.add_argument("--log-level", default="warning", help="BITAQA_LOG_LEVEL of the serve processes (default "
                                                            "warning; debug logs cost time and disk)")
    smtp = sub.add_parser("smtp", help="messages per second the test mail server accepts")
    smtp.add_argument("--messages", type=positive_int, required=True)
    smtp.add_argument("--threads", type=positive_int, default=8)
    smtp.add_argument("--json", metavar="OUT", help="also write the JSON result here")
    smtp.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args(argv)
    if args.command == "ttc":
        if args.database is None:
            args.database = "postgres" if args.postgres_url else "sqlite"
        if args.database == "postgres" and not args.postgres_url:
            parser.error("--database postgres needs --postgres-url")
        if not 0 <= args.resolve[0] <= args.resolve[1]:
            parser.error("--resolve needs 0 <= MIN <= MAX")
        if args.poll_interval <= 0:
            parser.error("--poll-interval must be positive")
        if args.orders > 999_999:
            parser.error("--orders is at most 999999 (six-digit line numbers)")
    return args


def main(argv):
    args = parse_args(argv)

    def terminated(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    scratch = Scratch(keep=args.keep)
    status = 0
    try:
        (run_ttc if args.command == "ttc" else run_smtp)(args, scratch)
    except BenchError as error:
        log(f"FAILED: {error}")
        scratch.print_tails()
        status = 1
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        status = 130
    except Exception:
        import traceback
        traceback.print_exc()
        scratch.print_tails()
        status = 1
    finally:
        # No second Ctrl-C or SIGTERM may leave children or the database behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        scratch.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
