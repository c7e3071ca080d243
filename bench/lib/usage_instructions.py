#!/usr/bin/env python3
"""What the usage log costs the host route, in instructions (callgrind) and
CPU per logged row: measures that machine load does not skew, for
before/after comparisons of the log (the sibling of instructions.py, which
measures latchkey's own verify route).

    python3 bench/lib/usage_instructions.py [--binary target/release/latchkey-example-host]
        [--backend sqlite|postgres] [--requests 1000] [--cases a,c] [--logs on,off]
        [--flush-rows 20000] [--pg-url postgres://postgres@127.0.0.1:5432] [--keep DIR]

For each log setting (on, and off as LATCHKEY_USAGE_LOG=off) it starts the
example host app under `valgrind --tool=callgrind --instr-atstart=no
--separate-threads=yes` on a fresh database (Postgres:
latchkey_usage_instr_<pid>, dropped afterwards; SQLite: a temporary file),
signs up a user and creates each case's keys through the host's
/api/auth routes (case a: one plain key; case c: 100 keys with
`remaining`), and per case sends 30 warm-up `GET /api/ping`, waits for the
log to hold them, switches instrumentation on, sends N requests one after
another over one connection, waits until the flusher has written all N
rows (log on), and dumps. It prints the instructions (Ir) per request of
the whole process (less r2d2's threads that open pool connections, a
one-off that lands in whichever run the pool grows), and of the usage
flusher thread alone (the thread whose
profile runs `run_flusher`), plus, on Postgres, the database backends'
CPU per request (from /proc/<pid>/schedstat, in ns).

With --flush-rows R it also runs the host natively (no valgrind) with each
log setting, sends R requests (case a) over 4 connections, waits until
all are logged, and reads CPU times from /proc: the host process's and
(log on) its usage flusher thread's, the flush alone, per request (= per
logged row), and on Postgres the database backends' per request (all
from /proc/*/schedstat, in ns). CPU time, not wall time, but a
loaded machine still moves it by some percent.
With --contention S it runs the host natively with each log setting,
drives case c (100 keys with `remaining`: every request an `UPDATE`; or
--contention-case) with
wrk (2 threads, 32 connections) for S seconds, and counts with `perf stat`
the host's `clock_nanosleep` calls (SQLite's busy handler sleeps with
them: each one is a writer that met another) and its CPU time per
answered request. Wall-clock free, but the CPU figure still feels a loaded
machine's caches.
Needs valgrind, and wrk and perf for --contention.
"""
import argparse
import glob
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

from driver import free_port, on_cores  # bench/lib/driver.py, beside this script

SECRET = "usage-instr-server-secret-0123456789abcdef"
HUGE = 1_000_000_000
BODIES = {
    "a": ({"rateLimitEnabled": False}, 1),
    "b": ({"remaining": HUGE, "rateLimitEnabled": False}, 1),
    "c": ({"remaining": HUGE, "rateLimitEnabled": False}, 100),
}
FLUSHER_THREAD = "latchkey-usage-"  # comm is cut at 15 characters
LUA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "wrk", "verify.lua")


def on_cpu(schedstat):
    """CPU seconds a task has run, from its schedstat (nanoseconds: exact,
    where /proc/*/stat counts 10 ms ticks)."""
    try:
        return int(open(schedstat).read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class Db:
    """A fresh database for one host process."""

    def __init__(self, backend, pg, work, tag):
        self.backend, self.pg = backend, pg
        if backend == "postgres":
            self.name = f"latchkey_usage_instr_{os.getpid()}_{tag}"
            subprocess.run(["psql", "-X", "-q", pg + "/postgres", "-c", f"CREATE DATABASE {self.name}"], check=True)
            self.url = f"{pg}/{self.name}"
        else:
            self.name = None
            self.path = os.path.join(work, f"{tag}.sqlite")
            self.url = "sqlite://" + self.path

    def usage_rows(self):
        if self.backend == "postgres":
            out = subprocess.run(["psql", "-X", "-At", self.url, "-c", "SELECT COALESCE(SUM(calls), 0) FROM usage_chunk"],
                                 capture_output=True, text=True).stdout.strip()
            return int(out or 0)
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30) as c:
            return c.execute("SELECT COALESCE(SUM(calls), 0) FROM usage_chunk").fetchone()[0]

    def backend_cpu(self):
        """CPU seconds of this database's Postgres backends."""
        if not self.name:
            return 0.0
        pids = subprocess.run(["psql", "-X", "-At", self.pg + "/postgres", "-c",
                               f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.name}'"],
                              capture_output=True, text=True).stdout.split()
        return sum(on_cpu(f"/proc/{pid}/schedstat") for pid in pids)

    def drop(self):
        if self.name:
            subprocess.run(["psql", "-X", "-q", self.pg + "/postgres", "-c",
                            f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"], capture_output=True)


class Host:
    """The example host app, under callgrind or native."""

    def __init__(self, binary, db, log_on, work, valgrind, cpus=None):
        self.port = free_port()
        self.out = os.path.join(work, f"callgrind-{'on' if log_on else 'off'}.out")
        env = dict(os.environ, DATABASE_URL=db.url, LATCHKEY_SECRET="usage-instr-auth-secret-0123456789abcdef-01",
                   LATCHKEY_SERVER_SECRET=SECRET, ADDR=f"127.0.0.1:{self.port}", RUST_LOG="warn")
        env.pop("LATCHKEY_USAGE_LOG", None)
        if not log_on:
            env["LATCHKEY_USAGE_LOG"] = "off"
        argv = [binary]
        if valgrind:
            argv = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
                    f"--callgrind-out-file={self.out}"] + argv
        self.log = os.path.join(work, f"host-{'on' if log_on else 'off'}-{'vg' if valgrind else 'native'}.log")
        log_file = open(self.log, "w")  # the host logs (tracing) to stdout
        # With `cpus`, every thread of the host (and so actix's worker
        # count, which follows the process's affinity) is held to them.
        self.proc = subprocess.Popen(on_cores(argv, cpus), env=env, stdout=log_file, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.proc.kill()  # the caller has no Host to stop
                    raise SystemExit("the host app did not start; see " + self.log)
                time.sleep(0.2)

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def control(self, *flags):
        subprocess.run(["callgrind_control", *flags, str(self.proc.pid)], check=True, capture_output=True)

    def flusher_cpu(self):
        """CPU seconds of the usage flusher thread."""
        cpus = [cpu for comm, cpu in threads_cpu(self.proc.pid) if comm == FLUSHER_THREAD]
        if not cpus:
            raise SystemExit("no usage flusher thread in the host process")
        return sum(cpus)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def post(conn, path, body, trusted=True):
    headers = {"Content-Type": "application/json"}
    if trusted:
        headers["x-latchkey-server-secret"] = SECRET
    conn.request("POST", path, json.dumps(body), headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def make_keys(host, cases, count=None):
    """Signs up a user and creates each case's keys (count of them, or the
    case's own number); returns {case: [full key, ...]}."""
    conn = host.connect()
    status, data = post(conn, "/api/auth/sign-up/email",
                        {"email": "usage-instr@example.com", "password": "usage-instr-password-1", "name": "U"}, False)
    if status != 200:
        raise SystemExit(f"sign-up answered {status}: {data[:200]!r}")
    user = json.loads(data)["user"]["id"]
    keys = {}
    for case in cases:
        body, n = BODIES[case]
        n = count or n
        keys[case] = []
        for _ in range(n):
            status, data = post(conn, "/api/auth/api-key/create", dict(body, userId=user, name=f"usage-{case}"))
            if status != 200:
                raise SystemExit(f"create answered {status}: {data[:200]!r}")
            keys[case].append(json.loads(data)["key"])
    return keys


def ping(conn, key):
    conn.request("GET", "/api/ping", headers={"x-api-key": key})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200 or b'"pong":true' not in data:
        raise SystemExit(f"ping answered {resp.status}: {data[:200]!r}")


def wait_rows(db, expected, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if db.usage_rows() >= expected:
            return
        time.sleep(0.25)
    raise SystemExit(f"the usage log did not reach {expected} rows")


def is_usage_flusher(path):
    """Whether a per-thread dump is the usage log's flusher: the only
    thread that runs the log's flush (workers only push to its buffer)."""
    for line in open(path, errors="replace"):
        if line.startswith(("fn=", "cfn=")) and "usage::buffer::Shared" in line and \
                ("flush" in line or "::write" in line):
            return True
    return False


def is_pool_thread(path):
    """Whether a per-thread dump is one of r2d2's connection-opening threads."""
    for line in open(path, errors="replace"):
        if line.startswith(("fn=", "cfn=")) and "scheduled_thread_pool::Worker::run" in line:
            return True
    return False


def read_ir(path):
    ir = 0
    for line in open(path, errors="replace"):
        if line.startswith(("totals:", "summary:")):
            ir = max(ir, int(line.split()[1]))
    return ir


def measure_instructions(args, log_on, work):
    db = Db(args.backend, args.pg, work, "on" if log_on else "off")
    host = None
    try:
        host = Host(args.binary, db, log_on, work, valgrind=True)
        keys = make_keys(host, args.cases)
        conn = host.connect()
        logged = 0
        results = {}
        for case in args.cases:
            ks = keys[case]
            for i in range(30):
                ping(conn, ks[i % len(ks)])
            if log_on:
                logged += 30
                wait_rows(db, logged)
            host.control("-i", "on")
            host.control("-z")
            cpu_before = db.backend_cpu()
            for i in range(args.requests):
                ping(conn, ks[i % len(ks)])
            if log_on:
                logged += args.requests
                wait_rows(db, logged)
            else:
                time.sleep(1.5)  # the same idle second of other background threads
            cpu_after = db.backend_cpu()
            for f in glob.glob(host.out + "*"):
                os.remove(f)
            host.control("-d")
            host.control("-i", "off")
            time.sleep(0.5)
            total = flusher = connects = 0
            for f in glob.glob(host.out + "*"):
                ir = read_ir(f)
                if is_pool_thread(f):
                    # r2d2 opening connections: when the pool grows is not
                    # the log's cost (and lands in one run or the other).
                    connects += ir
                    continue
                total += ir
                if is_usage_flusher(f):
                    flusher += ir
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    subprocess.run(["cp", f, os.path.join(
                        args.keep, f"{args.backend}-{case}-{'on' if log_on else 'off'}-{os.path.basename(f)}")])
            r = {"ir_per_request": round(total / args.requests),
                 "pool_connect_ir_per_request_excluded": round(connects / args.requests)}
            if log_on:
                r["flusher_ir_per_request"] = round(flusher / args.requests)
            if db.name:
                r["postgres_cpu_us_per_request"] = round((cpu_after - cpu_before) * 1e6 / args.requests)
            results[case] = r
            print(f"log {'on ' if log_on else 'off'} {case}", json.dumps(r), flush=True)
        return results
    finally:
        if host:
            host.stop()
        db.drop()


def threads_cpu(pid):
    """(name, CPU seconds so far) of each live thread of a process."""
    threads = []
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            comm = open(f"{task}/comm").read().strip()
        except OSError:
            continue  # the thread ended
        threads.append((comm, on_cpu(f"{task}/schedstat")))
    return threads


def process_cpu(pid):
    """CPU seconds of a process's live threads."""
    return sum(cpu for _, cpu in threads_cpu(pid))


def write_keys(work, tag, keys):
    """A keys file for bench/wrk/verify.lua (one full key a line); its path."""
    path = os.path.join(work, f"keys-{tag}.txt")
    with open(path, "w") as f:
        f.write("\n".join(keys) + "\n")
    return path


def run_wrk(port, keys_file, seconds, cpus=None):
    """wrk on the host's GET /api/ping (2 threads, 32 connections, every
    answer checked by bench/wrk/verify.lua); its BENCH figures. With `cpus`,
    wrk runs on those cores only."""
    out = subprocess.run(on_cores(["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", LUA, f"http://127.0.0.1:{port}/api/ping",
                                   "--", "header", keys_file, '"pong":true'], cpus), capture_output=True, text=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit("wrk printed no BENCH line:\n" + out.stdout + out.stderr)
    return json.loads(line.split(" ", 1)[1])


def measure_flush_cpu(args, log_on, work):
    """Native run: CPU of the host, of its usage flusher thread and of the
    Postgres backends, per request (R requests of case a, 4 connections)."""
    db = Db(args.backend, args.pg, work, f"flush_{'on' if log_on else 'off'}")
    host = None
    try:
        host = Host(args.binary, db, log_on, work, valgrind=False)
        keys = make_keys(host, ["a"])
        key = keys["a"][0]
        conn = host.connect()
        for _ in range(200):  # the pool's connections open, the statements prepare
            ping(conn, key)
        if log_on:
            wait_rows(db, 200)
        time.sleep(1.5)
        flusher_before = host.flusher_cpu() if log_on else 0.0
        host_before = process_cpu(host.proc.pid)
        pg_before = db.backend_cpu()
        per = args.flush_rows // 4

        def client():
            conn = host.connect()
            for _ in range(per):
                ping(conn, key)

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if log_on:
            wait_rows(db, 200 + per * 4)
        time.sleep(1.5)  # the counters' flush, and the log's, belong to these requests
        rows = per * 4
        r = {"requests": rows, "host_cpu_us_per_request": round((process_cpu(host.proc.pid) - host_before) * 1e6 / rows, 2)}
        if log_on:
            r["flusher_cpu_us_per_row"] = round((host.flusher_cpu() - flusher_before) * 1e6 / rows, 2)
        if db.name:
            r["postgres_cpu_us_per_request"] = round((db.backend_cpu() - pg_before) * 1e6 / rows, 2)
        print(f"native log {'on ' if log_on else 'off'}", json.dumps(r), flush=True)
        return r
    finally:
        if host:
            host.stop()
        db.drop()


def measure_contention(args, log_on, work):
    """Native run under wrk: busy-handler sleeps and host CPU per request."""
    db = Db(args.backend, args.pg, work, f"busy_{'on' if log_on else 'off'}")
    host = None
    try:
        host = Host(args.binary, db, log_on, work, valgrind=False)
        case = args.contention_case
        keys_file = write_keys(work, case, make_keys(host, [case])[case])
        perf_out = os.path.join(work, f"perf-{'on' if log_on else 'off'}.txt")
        perf = subprocess.Popen(["perf", "stat", "-x", ",", "-o", perf_out, "-e",
                                 "syscalls:sys_enter_clock_nanosleep,task-clock", "-p", str(host.proc.pid)])
        time.sleep(0.5)
        bench = run_wrk(host.port, keys_file, args.contention)
        if log_on:
            time.sleep(1.5)  # the last batch's flush belongs to these requests
        perf.send_signal(2)
        perf.wait()
        sleeps = cpu_ms = 0.0
        for line in open(perf_out):
            fields = line.split(",")
            if len(fields) > 2 and "clock_nanosleep" in fields[2]:
                sleeps = float(fields[0])
            elif len(fields) > 2 and fields[2].startswith("task-clock"):
                cpu_ms = float(fields[0])
        ok = bench["ok"]
        r = {"ok": ok, "bad": bench["bad_status"] + bench["bad_body"], "rps": round(ok / args.contention),
             "busy_sleeps_per_1k": round(sleeps * 1000 / max(ok, 1), 2),
             "host_cpu_us_per_request": round(cpu_ms * 1000 / max(ok, 1), 1)}
        print(f"contention log {'on ' if log_on else 'off'}", json.dumps(r), flush=True)
        return r
    finally:
        if host:
            host.stop()
        db.drop()


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(root, "target", "release", "latchkey-example-host"))
    p.add_argument("--backend", default="sqlite", choices=["postgres", "sqlite"])
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--cases", default="a,c")
    p.add_argument("--logs", default="on,off")
    p.add_argument("--flush-rows", type=int, default=0)
    p.add_argument("--contention", type=int, default=0, help="seconds of wrk per log setting (0: skip)")
    p.add_argument("--contention-case", default="c", choices=sorted(BODIES))
    p.add_argument("--no-instructions", action="store_true", help="skip the callgrind runs")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--keep", help="copy each callgrind dump into this directory")
    args = p.parse_args()
    args.cases = args.cases.split(",")
    args.pg = args.pg_url.rstrip("/")
    work = tempfile.mkdtemp(prefix="latchkey-usage-instr-")
    out = {}
    settings = [s for s in args.logs.split(",") if s]
    for setting in [] if args.no_instructions else settings:
        out[setting] = measure_instructions(args, setting == "on", work)
    if "on" in out and "off" in out:
        for case in args.cases:
            on, off = out["on"][case]["ir_per_request"], out["off"][case]["ir_per_request"]
            print(f"case {case}: log costs {on - off} Ir per request ({(on - off) * 100 / off:.1f}%)", flush=True)
    if args.flush_rows:
        out["native"] = {s: measure_flush_cpu(args, s == "on", work) for s in settings}
    if args.contention:
        out["contention"] = {s: measure_contention(args, s == "on", work) for s in settings}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
