#!/usr/bin/env python3
"""Reliability probe: slowloris clients + health latency + hostile requests, all at once.

Prints one JSON object on stdout (diagnostics on stderr). It does not judge the numbers,
the caller does: exit code is 0 whenever the run completed, 2 on bad usage.

  python3 slow_clients.py --host 127.0.0.1 --port 8080 --connections 1000 --duration 20 \
      --admin-token TOKEN [--bearer JWT] --endpoints endpoints.json
"""
import argparse, asyncio, json, math, resource, socket, string, sys

MIB = 1024 * 1024
CASE_TIMEOUT = 10.0
BAD_INPUT_PARALLEL = 3  # overlap a little, without turning bad-input into a second flood


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def raise_nofile_limit(needed):
    # 1000 slow sockets + probes exceed the usual soft limit of 1024. A hard limit of
    # "unlimited" is often refused as a soft value (macOS), so fall back to finite sizes.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for target in (hard, 1048576, 65536, 10240):
        if hard == resource.RLIM_INFINITY or target <= hard:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
                break
            except (ValueError, OSError):
                pass
    if soft != resource.RLIM_INFINITY and soft < needed:
        log(f"warning: RLIMIT_NOFILE soft={soft} < {needed}; expect connect failures")


def pct(sorted_vals, q):
    # Nearest-rank percentile: always an observed value, no interpolation.
    return sorted_vals[max(0, math.ceil(q * len(sorted_vals)) - 1)]


def parse_status(line):
    parts = line.split()
    ok = len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit()
    return int(parts[1]) if ok else None


# ---------------------------------------------------------------- 1. slowloris
async def slow_client(args, delay, deadline, st):
    loop = asyncio.get_running_loop()
    await asyncio.sleep(delay)
    if deadline - loop.time() <= 0:
        return
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(args.host, args.port),
                                                min(5.0, deadline - loop.time()))
    except (OSError, asyncio.TimeoutError) as e:
        st["connect_failed"] += 1
        st["errors"].add(type(e).__name__)
        return
    opened = loop.time()
    st["opened"] += 1

    async def wait_eof():
        # Swallow whatever the server says (e.g. a 408); we only care when it hangs up.
        try:
            while await reader.read(4096):
                pass
        except OSError:
            pass
        return loop.time()

    eof, closed_at = asyncio.ensure_future(wait_eof()), None
    trickle = b"X-Slow: "
    try:
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        for i in range(sys.maxsize):
            left = deadline - loop.time()
            if left <= 0:
                break
            done, _ = await asyncio.wait({eof}, timeout=min(0.5, left))
            if done:
                closed_at = eof.result()
                break
            # One byte per tick and never the final CRLF: the header block never completes.
            writer.write(trickle[i:i + 1] if i < len(trickle) else b"a")
            await writer.drain()
    except OSError:  # write failed: the server has already torn the connection down
        closed_at = loop.time()
    finally:
        writer.transport.abort()
        eof.cancel()
        await asyncio.gather(eof, return_exceptions=True)
    if closed_at is not None:
        st["close_after"].append(closed_at - opened)


async def run_slow(args, deadline):
    st = {"opened": 0, "connect_failed": 0, "close_after": [], "errors": set()}
    ramp, n = min(2.0, args.duration / 2), args.connections  # spread SYNs: test slowloris, not backlog
    await asyncio.gather(*(slow_client(args, ramp * i / n, deadline, st) for i in range(n)))
    if st["errors"]:
        log("slow: connect errors:", ", ".join(sorted(st["errors"])))
    ca = sorted(st["close_after"])
    summary = {"min": round(ca[0], 3), "p50": round(pct(ca, 0.5), 3),
               "max": round(ca[-1], 3)} if ca else None
    return {"opened": st["opened"], "connect_failed": st["connect_failed"],
            "closed_by_server": len(ca), "close_after_seconds": summary,
            "open_at_end": st["opened"] - len(ca)}


# ---------------------------------------------------------------- 2. health probe
async def health_once(args):
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    async def go():
        reader, writer = await asyncio.open_connection(args.host, args.port)
        try:
            writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            # Body by Content-Length, not to EOF, so a server ignoring "Connection: close"
            # is not misreported as a timeout.
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    await reader.readexactly(int(line.split(b":", 1)[1]))
            return parse_status(head.split(b"\r\n", 1)[0])
        finally:
            writer.transport.abort()

    try:
        status = await asyncio.wait_for(go(), 3.0)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
        status = None
    return (loop.time() - t0) * 1000, status


async def run_health(args, deadline):
    loop = asyncio.get_running_loop()
    tasks, nxt = [], loop.time()
    # Fixed 100 ms cadence regardless of probe duration: a stall shows as slow probes,
    # not as fewer probes.
    while nxt < deadline:
        tasks.append(asyncio.ensure_future(health_once(args)))
        nxt += 0.1
        await asyncio.sleep(max(0, nxt - loop.time()))
    res = await asyncio.gather(*tasks)
    ms = sorted(r[0] for r in res)  # includes failures: a timeout counts ~3000 ms toward max/p99
    q = lambda f: round(pct(ms, f), 1) if ms else None
    return {"count": len(res), "failures": sum(1 for r in res if r[1] != 200),
            "max_ms": q(1.0), "p50_ms": q(0.5), "p99_ms": q(0.99),
            "over_1s": sum(1 for m in ms if m > 1000)}


# ---------------------------------------------------------------- 3. bad input
def build_cases():
    """case name -> (extra header lines, body pieces written in order)."""
    big = b'{"a":"' + b"x" * (8 * MIB - 8) + b'"}'  # exactly 8 MiB
    pieces = [big[i:i + 64 * 1024] for i in range(0, len(big), 64 * 1024)]
    chunked = [b"%x\r\n%s\r\n" % (len(p), p) for p in pieces] + [b"0\r\n\r\n"]
    # 200,000 distinct 3-char keys over 62 alphanumerics (62^3 = 238,328): each entry is
    # '"abc":0,' = 8 bytes, so the body is ~1.6 MB, under the 2,000,000-byte target.
    an = (string.ascii_letters + string.digits).encode()
    wide = b"{" + b",".join(b'"%c%c%c":0' % (an[i // 3844], an[i // 62 % 62], an[i % 62])
                            for i in range(200000)) + b"}"
    json_ct = "Content-Type: application/json\r\n"

    def fixed(body, ct=json_ct, extra=""):
        return ct + extra + f"Content-Length: {len(body)}\r\n", [body]

    return {
        "oversized_body": (json_ct + f"Content-Length: {len(big)}\r\n", pieces),
        "oversized_chunked": (json_ct + "Transfer-Encoding: chunked\r\n", chunked),
        "invalid_utf8": fixed(b'{"topupId":"\xff\xfe\xc3(","userId":"\xed\xa0\x80"}'),
        "json_depth_bomb": fixed(b"[" * 100000 + b"]" * 100000),
        "json_wide_bomb": fixed(wide),
        "huge_header": fixed(b"{}", extra="X-Big: " + "b" * (200 * 1024) + "\r\n"),
        "many_headers": fixed(b"{}", extra="".join(f"X-H{i}: v\r\n" for i in range(2000))),
        "bad_json_type": fixed(b"hello", ct="Content-Type: text/plain\r\n"),
    }


def auth_header(args, ep):
    token = {"admin": args.admin_token, "customer": args.bearer}.get(ep.get("auth", "none"))
    return f"Authorization: Bearer {token}\r\n" if token else ""


async def read_status(loop, sock):
    buf = b""
    while b"\r\n" not in buf and len(buf) < 65536:
        try:
            data = await loop.sock_recv(sock, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
    return parse_status(buf.split(b"\r\n", 1)[0]) if b"\r\n" in buf else None


async def run_case(args, addr, ep, name, headers, pieces, sem):
    # Raw sockets, not asyncio streams: a server that answers 413 mid-body and closes makes
    # our next send fail, and a stream transport then drops the already-received response.
    # A plain socket still lets us recv() it after EPIPE/ECONNRESET on the send side.
    loop = asyncio.get_running_loop()
    async with sem:
        t0, status, timed_out, tasks = loop.time(), None, False, []
        sock = socket.socket(addr[0], socket.SOCK_STREAM)
        sock.setblocking(False)
        head = (f"{ep['method']} {ep['path']} HTTP/1.1\r\nHost: {args.host}\r\n"
                f"{auth_header(args, ep)}Connection: close\r\n{headers}\r\n").encode()

        async def send_all(status_task):
            await loop.sock_sendall(sock, head)
            for p in pieces:
                if status_task.done():  # answered or closed early: that's fine, stop streaming
                    return
                await loop.sock_sendall(sock, p)

        async def exchange():
            await loop.sock_connect(sock, addr[4])
            reading = asyncio.ensure_future(read_status(loop, sock))  # read while writing
            tasks.extend([reading, asyncio.ensure_future(send_all(reading))])
            return await reading

        try:
            status = await asyncio.wait_for(exchange(), CASE_TIMEOUT)
        except asyncio.TimeoutError:
            timed_out = True
        except OSError:
            pass  # connect refused/reset: reported as closed without response
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # swallows EPIPE from send
            sock.close()
        return {"method": ep["method"], "path": ep["path"], "case": name, "status": status,
                "closed_without_response": status is None and not timed_out,
                "timed_out": timed_out, "ms": round((loop.time() - t0) * 1000, 1)}


async def run_bad_input(args, endpoints):
    loop = asyncio.get_running_loop()
    addr = (await loop.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM))[0]
    cases, sem = build_cases(), asyncio.Semaphore(BAD_INPUT_PARALLEL)
    # gather keeps file order (endpoint, then case) in the report; the semaphore paces the work.
    return list(await asyncio.gather(*(run_case(args, addr, ep, name, h, p, sem)
                                       for ep in endpoints for name, (h, p) in cases.items())))


# ---------------------------------------------------------------- main
async def main_async(args, endpoints):
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + args.duration
    slow, health, bad = await asyncio.gather(
        run_slow(args, deadline), run_health(args, deadline), run_bad_input(args, endpoints))
    # Bad-input cases always all run (a complete report beats a truncated one), so they can
    # outlast --duration; health probes may also finish up to 3 s after the deadline.
    took = loop.time() - start
    if took > args.duration + 3.5:
        log(f"note: bad-input cases ran past --duration ({took:.1f}s total)")
    return {"slow": slow, "health": health, "bad_input": bad, "duration": round(took, 3)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])  # exits 2 on misuse
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--admin-token", required=True)
    p.add_argument("--bearer", help="customer JWT; without it customer endpoints get no auth")
    p.add_argument("--endpoints", required=True, help='JSON list of {"method","path","auth"}')
    args = p.parse_args()
    if args.connections < 0 or args.duration <= 0:
        p.error("--connections must be >= 0 and --duration > 0")
    try:
        with open(args.endpoints) as f:
            eps = json.load(f)
    except (OSError, ValueError) as e:
        p.error(f"--endpoints: {e}")
    if not isinstance(eps, list) or not all(
            isinstance(e, dict) and isinstance(e.get("method"), str) and isinstance(e.get("path"), str)
            and e.get("auth", "none") in ("admin", "customer", "none") for e in eps):
        p.error('--endpoints: need a JSON list of {"method", "path", "auth": admin|customer|none}')
    raise_nofile_limit(args.connections + 200)
    print(json.dumps(asyncio.run(main_async(args, eps)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
