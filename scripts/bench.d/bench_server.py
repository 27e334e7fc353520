"""What the API benchmarks share: a throwaway database, the seeder, and a release `serve` on it."""
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid

KEY = "5c" * 32
JWT_SECRET = "bench-jwt-secret-" + "x" * 32
ADMIN = "bench-admin-token-0001"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("serve exited early")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("serve did not become ready")


@contextlib.contextmanager
def scratch_database(database, postgres_url, prefix):
    """A scratch folder and a database URL: a SQLite file in it, or a new PostgreSQL database. Both go after."""
    scratch = tempfile.mkdtemp(prefix=f"bitaqa-{prefix}-")
    dbname = None
    try:
        if database == "sqlite":
            url = f"sqlite://{scratch}/bench.sqlite"
        else:
            dbname = f"bench_{prefix.replace('-', '_')}_" + uuid.uuid4().hex[:8]
            subprocess.run(["psql", postgres_url, "-q", "-c", f"CREATE DATABASE {dbname}"], check=True)
            url = postgres_url.rsplit("/", 1)[0] + "/" + dbname
        yield scratch, url
    finally:
        if dbname:
            subprocess.run(["psql", postgres_url, "-q", "-c", f"DROP DATABASE IF EXISTS {dbname}"], check=False)
        shutil.rmtree(scratch, ignore_errors=True)


def serve_env(scratch, url, limits_off=True):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
        "BITAQA_DATA_DIR": scratch, "BITAQA_DATABASE_URL": url, "BITAQA_ADMIN_TOKEN": ADMIN,
        "ENCRYPTION_KEY": KEY, "BITAQA_JWT_SECRET": JWT_SECRET, "BITAQA_LOG_LEVEL": "error",
    }
    if limits_off:
        env.update({"BITAQA_RATE_LIMIT_REVEALS": "0", "BITAQA_RATE_LIMIT_ADDRESS": "0"})
    return env


def seed(bench, url, orders, targets, samples=1000):
    """`bitaqa-bench seed` up to `orders`, `samples` (order, token) pairs in `targets`; returns its summary line."""
    done = subprocess.run(
        [bench, "seed", "--database-url", url, "--orders", str(orders), "--key", KEY, "--jwt-secret", JWT_SECRET,
         "--targets", targets, "--sample", str(samples)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("seed failed: " + done.stderr[-2000:])
    return done.stdout.strip()


@contextlib.contextmanager
def serving(bitaqa, env, log_path):
    """A `bitaqa serve` on a free port, ready; yields (base URL, process). Stopped with SIGTERM after."""
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen([bitaqa, "serve", "--http-port", str(port)], env=env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/ready", process)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
