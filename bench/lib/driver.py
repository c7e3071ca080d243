#!/usr/bin/env python3
"""The benchmark driver behind bench/run (which builds and checks the tools
first). Standard library only.

For each backend (PostgreSQL, SQLite): a fresh database, latchkey and the
example host app started on it, a user signed up and keys created through
the real HTTP API; then, for each round, every case driven by wrk on
POST /api/auth/api-key/verify and on the host's protected route, every
answer checked and every admitted request matched against the counters in
the database; then the ceilings measured in the same round (pgbench, or the
no-HTTP Diesel loop for SQLite). Medians of the rounds go to the terminal
and to bench/RESULTS.md.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "bench")
RELEASE = os.path.join(ROOT, "target", "release")
LUA = os.path.join(BENCH, "wrk", "verify.lua")
SERVER_SECRET = "bench-server-secret-0123456789abcdef"
AUTH_SECRET = "bench-auth-secret-0123456789abcdef-0123456789"
VERIFY_PATH = "/api/auth/api-key/verify"
PERMS = {"reports": ["read"]}
HUGE = 1_000_000_000
SPREAD_KEYS = 1000

# case id → (title, create body, key name, host path, permissions required,
#            ceiling kind, counted?)
CASES = [
    ("a", "plain key", {"rateLimitEnabled": False}, "/api/ping", None, "lookup", False),
    ("b", "hot key, remaining", {"remaining": HUGE, "rateLimitEnabled": False}, "/api/ping", None, "one_row", True),
    ("c", "1,000 keys, remaining", {"remaining": HUGE, "rateLimitEnabled": False}, "/api/ping", None, "random_rows", True),
    ("d", "rate limit (never trips)", {"rateLimitEnabled": True, "rateLimitMax": HUGE, "rateLimitTimeWindow": 3_600_000}, "/api/ping", None, "rate_limit", False),
    ("e", "permissions required", {"rateLimitEnabled": False, "permissions": PERMS}, "/api/reports", PERMS, "lookup", False),
]
HOST_EXPECT = {"/api/ping": '"pong":true', "/api/reports": '"reports":[]'}
# Routes measured per case: latchkey's verify, the host's protected route
# (usage log on, as by default), and for USAGE_LOG_CASES the same host route
# on a second host process with its usage log off, to price the log.
ROUTES = ("verify", "host", "host-nolog")
USAGE_LOG_CASES = "ac"


def routes_of(case):
    return [r for r in ROUTES if r != "host-nolog" or case in USAGE_LOG_CASES]


def routes_in_round(case, rnd):
    """routes_of(case), the host's pair with and without the usage log run
    in turn: log first in odd rounds, last in even ones. Each run of a case
    leaves the database a little slower for the next (dead row versions of
    (c)'s UPDATEs) and the machine drifts; a fixed order would charge that
    to one side of the log's price."""
    routes = routes_of(case)
    if rnd % 2 == 0 and "host-nolog" in routes:
        i, j = routes.index("host"), routes.index("host-nolog")
        routes[i], routes[j] = routes[j], routes[i]
    return routes

CEILING_NAMES = {
    "postgres": {
        "lookup": "pgbench SELECT by hash",
        "one_row": "pgbench UPDATE, one row",
        "random_rows": "pgbench UPDATE, random of 1,000",
        "rate_limit": "pgbench UPDATE, one rate-limited row",
    },
    "sqlite": {
        "lookup": "Diesel loop, lookup",
        "one_row": "Diesel loop, verify one row",
        "random_rows": "Diesel loop, verify random of 1,000",
        "rate_limit": "Diesel loop, verify one rate-limited row",
    },
}

# Every ceiling, measured each round: each case's own statement with no HTTP
# ((d)'s is the verify of a key whose rate limit applies, which does more
# than (b)'s).
CEILINGS = ("lookup", "one_row", "random_rows", "rate_limit")

DIAGNOSTIC_NAMES = {
    "random_rows_unprepared": "pgbench UPDATE, random, unprepared",
    "random_rows_wire": "pgbench SELECT 1 + UPDATE unprepared",
}


def log(msg):
    print(msg, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


class Server:
    """A latchkey or host-app process with its log file."""

    def __init__(self, name, argv, env, port, logdir):
        self.name, self.argv, self.env, self.port = name, argv, env, port
        self.logpath = os.path.join(logdir, f"{name}.log")
        self.proc = None

    def start(self):
        logf = open(self.logpath, "a")
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=logf, stderr=subprocess.STDOUT)
        logf.close()
        return started

    def wait_port(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}); see {self.logpath}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not listen on {self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def clear_peak(self):
        """Resets VmHWM (peak RSS) so the next read covers one case only."""
        try:
            with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def status_kib(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """User + system CPU time of these processes (all threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / TICK


def backend_pids(db_name):
    """The Postgres backends serving this database (from their titles)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres:") and f" {db_name} " in title:
                pids.append(int(entry))
    return pids


def post_json(conn, path, body, trusted=True):
    h = {"Content-Type": "application/json"}
    if trusted:
        h["x-latchkey-server-secret"] = SERVER_SECRET
    conn.request("POST", path, json.dumps(body), h)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data


class Backend:
    def __init__(self, kind, args, work, log_dir):
        self.kind, self.args, self.work, self.log_dir = kind, args, work, log_dir
        self.db_name = None
        self.keys = {}  # case → list of (id, key)
        self.latchkey = self.host = self.host_nolog = None
        self.url = None

    # ---------- database ----------
    def create_db(self):
        if self.kind == "postgres":
            self.db_name = f"latchkey_bench_{os.getpid()}"
            run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.admin_url(), "-c", f"CREATE DATABASE {self.db_name}"])
            self.url = self.args.pg_url.rstrip("/") + "/" + self.db_name
        else:
            path = os.path.join(self.work, "bench.sqlite")
            self.url = "sqlite://" + path
            self.sqlite_path = path

    def admin_url(self):
        return self.args.pg_url.rstrip("/") + "/postgres"

    def drop_db(self):
        if self.kind == "postgres" and self.db_name:
            subprocess.run(["psql", "-X", "-q", self.admin_url(), "-c", f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)"],
                           capture_output=True)
            self.db_name = None

    def sql(self, statement):
        if self.kind == "postgres":
            return run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", self.url, "-c", statement]).strip()
        return run(["sqlite3", "-cmd", ".timeout 10000", self.sqlite_path, statement]).strip()

    def counters(self, name):
        row = self.sql(f'SELECT COALESCE(SUM("usageCount"), 0), COALESCE(SUM(remaining), 0) FROM apikey WHERE name = \'{name}\'')
        count, remaining = (int(x) for x in row.split("|"))
        return count, remaining

    def flush_counts(self, port):
        """Makes the server on `port` write the admissions of plain keys it
        counts in memory (a key list does, before it reads)."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/auth/api-key/list?limit=1", headers={"Authorization": f"Bearer {self.bearer}"})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError(f"api-key/list answered {resp.status}: {data[:300]!r}")

    def settled_counters(self, name, port=None):
        """The counters once the server has finished the requests that were
        still in flight when the last wrk stopped and written what it counts
        in memory (two equal reads 200 ms apart, a key list before each)."""
        if port:
            self.flush_counts(port)
        last = self.counters(name)
        for _ in range(50):
            time.sleep(0.2)
            if port:
                self.flush_counts(port)
            now = self.counters(name)
            if now == last:
                return now
            last = now
        raise RuntimeError(f"counters of {name} kept moving after wrk stopped")

    # ---------- servers ----------
    def start_servers(self):
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.url,
            "LATCHKEY_SECRET": AUTH_SECRET,
            "LATCHKEY_SERVER_SECRET": SERVER_SECRET,
            "RUST_LOG": "warn",
        })
        env.pop("LATCHKEY_ENV", None)
        self.port = free_port()
        lenv = dict(env, LATCHKEY_ADDR=f"127.0.0.1:{self.port}")
        self.latchkey = Server(f"latchkey-{self.kind}", [os.path.join(RELEASE, "latchkey")], lenv, self.port, self.log_dir)
        self.latchkey.start()
        self.latchkey.wait_port()
        self.host_port = free_port()
        henv = dict(env, ADDR=f"127.0.0.1:{self.host_port}")
        self.host = Server(f"host-{self.kind}", [os.path.join(RELEASE, "latchkey-example-host")], henv, self.host_port, self.log_dir)
        self.host_nolog_port = free_port()
        nenv = dict(env, ADDR=f"127.0.0.1:{self.host_nolog_port}", LATCHKEY_USAGE_LOG="off")
        self.host_nolog = Server(f"host-nolog-{self.kind}", [os.path.join(RELEASE, "latchkey-example-host")], nenv,
                                 self.host_nolog_port, self.log_dir)

    def stop_servers(self):
        for s in (self.latchkey, self.host, self.host_nolog):
            if s:
                s.stop()

    def restart_latchkey_timed(self):
        """Restarts latchkey; returns ms from spawn to the first valid verify."""
        self.latchkey.stop()
        plain_key = self.keys["a"][0][1]
        body = json.dumps({"key": plain_key})
        headers = {"Content-Type": "application/json", "x-latchkey-server-secret": SERVER_SECRET}
        started = self.latchkey.start()
        deadline = started + 30
        while time.perf_counter() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("POST", VERIFY_PATH, body, headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                if resp.status == 200 and b'"valid":true' in data:
                    return (time.perf_counter() - started) * 1000
                raise RuntimeError(f"verify after restart answered {resp.status} {data[:200]!r}")
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
                if self.latchkey.proc.poll() is not None:
                    raise RuntimeError(f"latchkey exited; see {self.latchkey.logpath}")
                time.sleep(0.001)
        raise RuntimeError("latchkey did not answer a verify within 30 s")

    # ---------- fixtures through the real API ----------
    def create_fixtures(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        status, data = post_json(conn, "/api/auth/sign-up/email",
                                 {"email": f"bench-{os.getpid()}@example.com", "password": "bench-password-123", "name": "Bench"},
                                 trusted=False)
        if status != 200:
            raise RuntimeError(f"sign-up answered {status}: {data[:300]!r}")
        self.user_id = json.loads(data)["user"]["id"]
        self.bearer = json.loads(data)["token"]
        for case, _title, body, *_ in CASES:
            count = SPREAD_KEYS if case == "c" else 1
            keys = []
            for _ in range(count):
                payload = dict(body, userId=self.user_id, name=f"bench-{case}")
                status, data = post_json(conn, "/api/auth/api-key/create", payload)
                if status != 200:
                    raise RuntimeError(f"api-key/create answered {status}: {data[:300]!r}")
                created = json.loads(data)
                keys.append((created["id"], created["key"]))
            self.keys[case] = keys
            with open(self.keys_file(case), "w") as f:
                f.write("".join(k + "\n" for _, k in keys))
        conn.close()

    def keys_file(self, case):
        return os.path.join(self.work, f"{self.kind}-keys-{case}.txt")

    # ---------- ceilings ----------
    def prepare_pgbench(self):
        out = run([os.path.join(RELEASE, "latchkey-bench-ceiling"), "sql", self.url]).splitlines()
        update_sql, select_sql = out[0], out[1]
        # The statement's binds become pgbench variables (prepared mode: parameters again).
        update_binds = {
            "1": ":h",
            "2": "CAST(:now AS timestamp)",
            "3": "CAST(:rl AS boolean)",
            "4": "CAST(NULL AS text)",
            "5": "CAST(:perm AS boolean)",
            "6": "CAST(NULL AS text)",
            "7": "CAST(:nowms AS bigint)",
        }
        select_binds = {"1": ":h", "2": "CAST(:one AS bigint)"}

        def subst(sql, binds):
            return re.sub(r"\$(\d+)", lambda m: binds[m.group(1)], sql)

        update = subst(update_sql, update_binds) + ";\n"
        select = subst(select_sql, select_binds) + ";\n"
        self.pgbench_scripts = {}
        for kind, text in {
            "lookup": select,
            "one_row": update,
            "rate_limit": update,
            "random_rows": f"\\set h {10**18} + random(1, {SPREAD_KEYS})\n" + update,
            # Diagnostics: the statement as latchkey sent it before it
            # prepared it (parsed and planned every time), and with the
            # check-out `SELECT 1` it also sent then.
            "random_rows_unprepared": f"\\set h {10**18} + random(1, {SPREAD_KEYS})\n" + update,
            "random_rows_wire": f"\\set h {10**18} + random(1, {SPREAD_KEYS})\nSELECT 1;\n" + update,
        }.items():
            path = os.path.join(self.work, f"pgbench-{kind}.sql")
            with open(path, "w") as f:
                f.write(text)
            self.pgbench_scripts[kind] = path
        # Rows like the bench keys (huge remaining, no rate limit), with keys
        # pgbench can name: 10^18 (one row), 10^18+1..1000 (random rows),
        # 2·10^18 (the lookup, a plain key), 3·10^18 (like (d)'s key: no
        # remaining, a rate limit of HUGE an hour).
        uid = self.user_id.replace("'", "''")
        cols = ('id, "configId", name, start, "referenceId", prefix, key, enabled, "rateLimitEnabled", '
                '"rateLimitTimeWindow", "rateLimitMax", "requestCount", remaining, "createdAt", "updatedAt"')
        self.sql(
            f"INSERT INTO apikey ({cols}) "
            f"SELECT 'pgbench-' || n, 'default', 'pgbench', 'pgbenc', '{uid}', NULL, ({10**18} + n)::text, true, false, "
            f"86400000, 10, 0, {HUGE}, now(), now() FROM generate_series(0, {SPREAD_KEYS}) AS n; "
            f"INSERT INTO apikey ({cols}) VALUES ('pgbench-plain', 'default', 'pgbench', 'pgbenc', '{uid}', NULL, "
            f"'{2 * 10**18}', true, false, 86400000, 10, 0, NULL, now(), now()); "
            f"INSERT INTO apikey ({cols}) VALUES ('pgbench-rate-limited', 'default', 'pgbench', 'pgbenc', '{uid}', NULL, "
            f"'{3 * 10**18}', true, true, 3600000, {HUGE}, 0, NULL, now(), now()); ANALYZE apikey;"
        )

    def ceiling(self, kind, duration):
        if self.kind == "postgres":
            at = datetime.datetime.now(datetime.timezone.utc)
            now = at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            nowms = str(int(at.timestamp() * 1000))
            h = {"lookup": str(2 * 10**18), "one_row": str(10**18), "rate_limit": str(3 * 10**18)}.get(kind, "0")
            protocol = "prepared" if kind in CEILINGS else "extended"
            cmd = ["pgbench", "-n", "-M", protocol, "-c", str(self.args.pgbench_clients), "-j", str(self.args.threads),
                   "-T", str(int(round(duration))), "-f", self.pgbench_scripts[kind],
                   "-D", f"h={h}", "-D", f"now={now}", "-D", f"nowms={nowms}", "-D", "rl=true", "-D", "perm=false", "-D", "one=1", self.url]
            out = run(cmd)
            with open(os.path.join(self.log_dir, f"pgbench-{kind}.log"), "a") as f:
                f.write(" ".join(cmd) + "\n" + out + "\n")
            m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
            if not m:
                raise RuntimeError("cannot read pgbench output:\n" + out)
            failed = re.search(r"number of failed transactions: (\d+)", out)
            if failed and int(failed.group(1)) != 0:
                raise RuntimeError("pgbench transactions failed:\n" + out)
            return float(m.group(1))
        # The first case measured against this ceiling holds its keys.
        case = next(c[0] for c in CASES if c[5] == kind)
        mode = "lookup" if kind == "lookup" else "verify"
        # The best of each thread count, the duration shared between them:
        # SQLite serialises writers, but statement compilation runs in parallel.
        best = 0.0
        for threads in self.args.sqlite_threads:
            cmd = [os.path.join(RELEASE, "latchkey-bench-ceiling"), "loop", self.url, self.keys_file(case), mode,
                   str(threads), str(duration / len(self.args.sqlite_threads))]
            out = run(cmd)
            with open(os.path.join(self.log_dir, f"sqlite-ceiling-{kind}.log"), "a") as f:
                f.write(" ".join(cmd) + "\n" + out + "\n")
            result = json.loads(out.strip().splitlines()[-1])
            if result["refused"]:
                raise RuntimeError(f"ceiling loop refused {result['refused']} verifies")
            best = max(best, result["ops_per_sec"])
        return best

    # ---------- one wrk case ----------
    def wrk(self, server, url, mode, case, expect, perms, duration):
        cmd = ["wrk", f"-t{self.args.threads}", f"-c{self.args.connections}", f"-d{duration}s", "--latency",
               "-s", LUA, url, "--", mode, self.keys_file(case), expect,
               json.dumps(perms, separators=(",", ":")) if perms else "-", SERVER_SECRET]
        out = run(cmd)
        with open(os.path.join(self.log_dir, f"wrk-{self.kind}.log"), "a") as f:
            f.write(" ".join(cmd[:-1]) + " <secret>\n" + out + "\n")
        line = next((l for l in out.splitlines() if l.startswith("BENCH ")), None)
        if line is None:
            raise RuntimeError("wrk printed no BENCH line:\n" + out)
        return json.loads(line[len("BENCH "):])

    def run_case(self, case, route, duration):
        _case, title, _body, host_path, perms, _ceiling, counted = next(c for c in CASES if c[0] == case)
        if route == "verify":
            server, port = self.latchkey, self.port
            url, mode, expect = f"http://127.0.0.1:{port}{VERIFY_PATH}", "verify", '"valid":true'
        else:
            server, port = (self.host, self.host_port) if route == "host" else (self.host_nolog, self.host_nolog_port)
            self.ensure_host(server, port)
            url, mode, expect = f"http://127.0.0.1:{port}{host_path}", "header", HOST_EXPECT[host_path]
        name = f"bench-{case}"
        before = self.settled_counters(name, port)
        peak_reset = server.clear_peak()
        db_pids = backend_pids(self.db_name) if self.kind == "postgres" else []
        cpu_before = (cpu_seconds([server.proc.pid]), cpu_seconds(db_pids))
        r = self.wrk(server, url, mode, case, expect, perms if route == "verify" else None, duration)
        rss_kib = server.status_kib("VmHWM")
        cpu_after = (cpu_seconds([server.proc.pid]), cpu_seconds(db_pids))
        after = self.settled_counters(name, port)
        charged = after[0] - before[0]
        spent = before[1] - after[1]
        problems = []
        if r["bad_status"]:
            problems.append(f"{r['bad_status']} non-200")
        if r["bad_body"]:
            problems.append(f"{r['bad_body']} bodies without {expect}")
        # wrk's "timeout" is a latency over its 2 s limit (an answer it still
        # received and checked), not a failed request: reported with the
        # latencies, not as a failed check.
        errors = sum(r[k] for k in ("err_connect", "err_read", "err_write"))
        if errors:
            problems.append(f"{errors} socket errors")
        # Requests still in flight when wrk stops may be charged without wrk
        # counting their answer: at most one per connection.
        in_flight = charged - r["ok"]
        if not 0 <= in_flight <= self.args.connections:
            problems.append(f"charged {charged} for {r['ok']} admitted")
        if counted and spent != charged:
            problems.append(f"remaining fell by {spent} but usageCount rose by {charged}")
        return {
            "rps": r["rps"], "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
            "rss_mib": rss_kib / 1024, "rss_per_case": peak_reset,
            "server_cpu_us": (cpu_after[0] - cpu_before[0]) * 1e6 / max(r["requests"], 1),
            "db_cpu_us": (cpu_after[1] - cpu_before[1]) * 1e6 / max(r["requests"], 1) if db_pids else None,
            "ok": r["ok"], "requests": r["requests"], "charged": charged, "in_flight": in_flight,
            "problems": problems, "over_2s": r["err_timeout"],
        }

    def ensure_host(self, server, port):
        if server.proc is None:
            server.start()
            server.wait_port()
            # Warm the pool up before measuring.
            self.wrk(server, f"http://127.0.0.1:{port}/api/ping", "header", "a", '"pong":true', None, 1)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_int(x):
    return f"{x:,.0f}"


def machine_info(args):
    info = {"nproc": os.cpu_count()}
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        info["cpu"] = "?"
    info["kernel"] = os.uname().release
    try:
        info["postgres"] = run(["psql", "-X", "-At", args.pg_url.rstrip("/") + "/postgres", "-c", "SHOW server_version"]).strip()
    except Exception:
        info["postgres"] = "unavailable"
    info["wrk"] = " ".join(((subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines() or ["wrk ?"])[0]).split()[:2])
    info["pgbench"] = run(["pgbench", "--version"]).strip()
    info["commit"] = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]).strip()
    info["dirty"] = bool(dirty)
    info["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    info["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return info


def route_label(case, route):
    if route == "verify":
        return "POST verify"
    path = next(c[3] for c in CASES if c[0] == case)
    return f"host GET {path}" + (" (no usage log)" if route == "host-nolog" else "")


def summarise(kind, rounds_data, args):
    """Medians and the table for one backend."""
    rows = []
    for case, title, *_rest in CASES:
        ceiling_kind = next(c[5] for c in CASES if c[0] == case)
        ceil_vals = [r["ceilings"][ceiling_kind] for r in rounds_data]
        for route in routes_of(case):
            vals = [r["cases"][(case, route)] for r in rounds_data]
            row = {
                "case": f"({case}) {title}", "route": route_label(case, route), "route_id": route,
                "rps": median([v["rps"] for v in vals]),
                "p50": median([v["p50_ms"] for v in vals]),
                "p99": median([v["p99_ms"] for v in vals]),
                "rss": median([v["rss_mib"] for v in vals]),
                "ceiling_name": CEILING_NAMES[kind][ceiling_kind],
                "ceiling": median(ceil_vals),
                "problems": sorted({p for v in vals for p in v["problems"]}),
                "over_2s": sum(v.get("over_2s", 0) for v in vals),
                "checked": sum(v["ok"] for v in vals), "charged": sum(v["charged"] for v in vals),
                "in_flight": sum(v["in_flight"] for v in vals),
                "round_rps": [v["rps"] for v in vals],
                "server_cpu_us": median([v["server_cpu_us"] for v in vals]),
                "db_cpu_us": median([v["db_cpu_us"] for v in vals]) if vals[0]["db_cpu_us"] is not None else None,
                "round_ratio": [v["rps"] / c if c else float("nan") for v, c in zip(vals, ceil_vals)],
            }
            row["ratio"] = row["rps"] / row["ceiling"] if row["ceiling"] else float("nan")
            rows.append(row)
    ceilings = {k: median([r["ceilings"][k] for r in rounds_data]) for k in CEILINGS}
    startup = median([r["startup_ms"] for r in rounds_data])
    diagnostics = {k: median([r["diagnostics"][k] for r in rounds_data if k in r["diagnostics"]])
                   for k in DIAGNOSTIC_NAMES if all(k in r["diagnostics"] for r in rounds_data)}
    return {"rows": rows, "ceilings": ceilings, "startup_ms": startup, "diagnostics": diagnostics,
            "round_ceilings": {k: [r["ceilings"][k] for r in rounds_data] for k in ceilings},
            "round_startup": [r["startup_ms"] for r in rounds_data]}


def table(kind, summary):
    out = ["| case | route | req/s | p50 | p99 | RSS | ceiling | ratio |",
           "|---|---|---:|---:|---:|---:|---|---:|"]
    for r in summary["rows"]:
        flag = "" if not r["problems"] else " ⚠"
        out.append(f"| {r['case']} | {r['route']} | {fmt_int(r['rps'])}{flag} | {r['p50']:.2f} ms | {r['p99']:.2f} ms | "
                   f"{r['rss']:.1f} MiB | {r['ceiling_name']}: {fmt_int(r['ceiling'])}/s | {r['ratio'] * 100:.0f}% |")
    return "\n".join(out)


def backend_notes(kind, summary, args):
    c = summary["ceilings"]
    lines = []
    unit = "pgbench tps" if kind == "postgres" else "Diesel loop ops/s"
    lines.append(f"Ceilings ({unit}, median): lookup {fmt_int(c['lookup'])}, counted verify on one row "
                 f"{fmt_int(c['one_row'])}, on random rows of 1,000 {fmt_int(c['random_rows'])}, on one "
                 f"rate-limited row {fmt_int(c['rate_limit'])}; "
                 f"per round: " + "; ".join(f"{k} " + ", ".join(fmt_int(x) for x in v) for k, v in summary["round_ceilings"].items()) + ".")
    d = summary.get("diagnostics") or {}
    if d:
        c_rows = [r for r in summary["rows"] if r["case"].startswith("(c)")]
        lines.append("Diagnostic (not a ceiling): the random-row UPDATE as latchkey sent it before it prepared its "
                     f"statements (`-M extended`: parsed and planned every time): "
                     f"{fmt_int(d['random_rows_unprepared'])}/s; with the check-out `SELECT 1` it also sent then "
                     f"(two round trips per verify): {fmt_int(d['random_rows_wire'])}/s. "
                     "(c) now, against the latter: " + ", ".join(
                         f"{r['route']} {r['rps'] / d['random_rows_wire'] * 100:.0f}%" for r in c_rows) + ".")
    lines.append(f"Start-up to first valid verify (latchkey restarted on the migrated database): median "
                 f"{summary['startup_ms']:.0f} ms (rounds: " + ", ".join(f"{x:.0f}" for x in summary["round_startup"]) + " ms).")
    a = [r for r in summary["rows"] if r["case"].startswith("(a)") or r["case"].startswith("(e)")]
    if a:
        lines.append("Plain (a) and permission (e) verifies write nothing on the request path: the key's row is read once "
                     "and then answered from memory for the cache TTL (default 1 s, `--api-key-cache-ttl-ms`), the "
                     "admission counted in memory and written once a second (`usageCount`, `lastRequest`).")
    lines.append("CPU per answered request, median µs (latchkey or host process" +
                 (" + its Postgres backends" if kind == "postgres" else "") + "): " + "; ".join(
                     f"{r['case'][:3]} {r['route']} {r['server_cpu_us']:.0f}" +
                     (f" + {r['db_cpu_us']:.0f}" if r["db_cpu_us"] is not None else "") for r in summary["rows"]) + ".")
    cost = usage_log_cost(summary)
    if cost:
        lines.append("Usage log cost on the host route (req/s with the log ÷ without it, the same case and round, "
                     "median of the rounds; one pair a round, on a database the round's other runs share, whose state "
                     "moves either side by several percent: `bench/lib/usage_cost.py --together` prices the log): " + "; ".join(
                         f"({case}) {(1 - ratio) * 100:+.1f}% (rounds: " + ", ".join(f"{(1 - x) * 100:+.1f}%" for x in per) + ")"
                         for case, ratio, per in cost) + ". Positive: the log makes the route slower by that much.")
    slow = [r for r in summary["rows"] if r["over_2s"]]
    if slow:
        lines.append("Latencies over wrk's 2 s limit (counted by wrk as \"timeouts\"; the answers arrived and were "
                     "checked): " + "; ".join(f"{r['case']} {r['route']}: {r['over_2s']}" for r in slow) + ".")
    bad = [r for r in summary["rows"] if r["problems"]]
    checked = sum(r["checked"] for r in summary["rows"])
    if bad:
        lines.append("**Checks failed**: " + "; ".join(f"{r['case']} {r['route']}: {', '.join(r['problems'])}" for r in bad) + ".")
    else:
        lines.append(f"Checks: all {fmt_int(checked)} answers in the measured runs were 200 with a valid body; for every run "
                     f"`usageCount` rose by exactly the number of admitted answers plus the requests in flight when wrk "
                     f"stopped ({fmt_int(sum(r['in_flight'] for r in summary['rows']))} in all, ≤ {args.connections} per run), "
                     f"and `remaining` fell by the same amount for counted keys.")
    return lines


def usage_log_cost(summary):
    """(case, median ratio, per-round ratios) of host req/s with the usage log to without it."""
    out = []
    for case in USAGE_LOG_CASES:
        on = next((r for r in summary["rows"] if r["case"].startswith(f"({case})") and r["route_id"] == "host"), None)
        off = next((r for r in summary["rows"] if r["case"].startswith(f"({case})") and r["route_id"] == "host-nolog"), None)
        if on and off:
            per = [a / b for a, b in zip(on["round_rps"], off["round_rps"]) if b]
            out.append((case, median(per), per))
    return out


def per_round(kind, summary):
    out = [f"| case | route | " + " | ".join(f"round {i + 1}" for i in range(len(summary['rows'][0]['round_rps']))) + " |",
           "|---|---|" + "---:|" * len(summary["rows"][0]["round_rps"])]
    for r in summary["rows"]:
        out.append(f"| {r['case'][:3]} | {r['route']} | " + " | ".join(
            f"{fmt_int(x)} ({y * 100:.0f}%)" for x, y in zip(r["round_rps"], r["round_ratio"])) + " |")
    return "\n".join(out)


def write_results(path, info, args, results, argv):
    title = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
    lines = ["## Latest run", ""]
    lines.append(f"- Date: {info['date']}; commit `{info['commit']}`" +
                 (" (built from a working tree with uncommitted changes)" if info["dirty"] else ""))
    lines.append(f"- Machine: {info['nproc']} cores ({info['cpu']}), {info['memory']} RAM, Linux {info['kernel']}; "
                 f"PostgreSQL {info['postgres']}; {info['wrk']}; {info['pgbench']}")
    lines.append(f"- Load average (1, 5, 15 min) before the run: {info['load']}; after: {info['load_after']} "
                 "(other work on the machine competes for the same cores)")
    lines.append(f"- Command: `bench/run {' '.join(argv)}`".rstrip() + f" ({args.rounds} rounds of {args.duration} s per case; "
                 f"figures are medians of the rounds, ratio = median req/s ÷ median ceiling)")
    lines.append(f"- Load: wrk, {args.threads} threads, {args.connections} connections, with a Lua `response` hook checking "
                 f"every answer; pgbench {args.pgbench_clients} clients, {args.threads} threads, `-M prepared`; SQLite "
                 f"ceiling: the best of {' and '.join(map(str, args.sqlite_threads))} threads (sharing the duration). Load generator, server and database share the same "
                 f"{info['nproc']} cores, so every figure is lower than on separate machines, and the ratios are what count.")
    if args.awake:
        lines.append("- `--awake`: one process per core woke every millisecond throughout, so no core sat halted "
                     "(see \"Idle vCPUs and the tail\" below)")
    lines.append("- latchkey: release build, default settings (pool 16, one HTTP worker per core); the host example "
                 "(`examples/host-app`) with its defaults (pool 10). RSS is the server's peak resident set (VmHWM) during that case.")
    lines.append("")
    for kind, summary in results.items():
        lines.append(f"### {title[kind]}")
        lines.append("")
        lines.append(table(kind, summary))
        lines.append("")
        lines.extend(f"- {l}" for l in backend_notes(kind, summary, args))
        lines.append("")
    lines.append("### Per-round req/s (ratio to that round's ceiling)")
    lines.append("")
    for kind, summary in results.items():
        lines.append(f"{title[kind]}:")
        lines.append("")
        lines.append(per_round(kind, summary))
        lines.append("")
    section = "\n".join(lines)
    existing = ""
    if os.path.exists(path):
        with open(path) as f:
            existing = f.read()
    if "## Latest run" in existing:
        before, rest = existing.split("## Latest run", 1)
        m = re.search(r"^## ", rest, flags=re.M)
        after = rest[m.start():] if m else ""
        text = before + section + ("\n" + after if after else "")
    else:
        head = existing or ("# Benchmark results\n\n`bench/run` measures latchkey's verification and the database "
                            "ceilings in the same run and rewrites the \"Latest run\" section below; the rest of this "
                            "file is kept.\n\n")
        text = head.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text.rstrip("\n") + "\n")


def on_cores(argv, cpus):
    """`argv` run on `cpus` only (all of them when None), every thread of
    it: through taskset, which execs the command (same pid), rather than a
    preexec_fn, which is not safe when the caller forks from threads."""
    return ["taskset", "-c", ",".join(str(cpu) for cpu in sorted(cpus))] + argv if cpus else argv


def start_wakers():
    """One `ceiling awake` per core, pinned to it (`--awake`)."""
    wakers = []
    for cpu in sorted(os.sched_getaffinity(0)):
        wakers.append(subprocess.Popen(on_cores([os.path.join(RELEASE, "latchkey-bench-ceiling"), "awake"], {cpu})))
    log(f"bench: --awake: a 1 ms waker pinned to each of {len(wakers)} cores")
    return wakers


def main(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=8, help="seconds per case and per ceiling (default 8)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=2, help="wrk and pgbench threads")
    p.add_argument("--pgbench-clients", type=int, default=16)
    p.add_argument("--sqlite-threads", default=f"1,{os.cpu_count()}",
                   help="thread counts of the SQLite ceiling loop; the best one counts (default 1,<cores>)")
    p.add_argument("--backends", default="postgres,sqlite")
    p.add_argument("--cases", default="abcde")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
                   help="server URL without database name (a latchkey_bench_<pid> database is created and dropped)")
    p.add_argument("--results", default=os.path.join(BENCH, "RESULTS.md"))
    p.add_argument("--no-results", action="store_true", help="do not rewrite bench/RESULTS.md")
    p.add_argument("--no-diagnostics", dest="diagnostics", action="store_false",
                   help="skip the two extra pgbench runs that mimic latchkey's wire traffic")
    p.add_argument("--keep", action="store_true", help="keep the work directory (keys, logs, scripts)")
    p.add_argument("--awake", action="store_true",
                   help="keep every core from idling: one process per core waking every millisecond (a diagnostic "
                        "for virtual machines whose halted vCPUs resume late; see RESULTS.md)")
    args = p.parse_args(argv)
    args.sqlite_threads = sorted({max(1, int(t)) for t in str(args.sqlite_threads).split(",") if t.strip()})
    args.duration = int(args.duration) if float(args.duration).is_integer() else args.duration
    if args.cases != "abcde" and not args.no_results:
        log("note: --cases given, so RESULTS.md is not rewritten")
        args.no_results = True

    info = machine_info(args)
    work = tempfile.mkdtemp(prefix="latchkey-bench-")
    log_dir = os.path.join(work, "logs")
    os.makedirs(log_dir)
    log(f"bench: commit {info['commit']}{' (dirty tree)' if info['dirty'] else ''}, {info['nproc']} cores, "
        f"{info['memory']}, PostgreSQL {info['postgres']}; work dir {work}")
    results = {}
    t0 = time.time()
    failed = False
    wakers = start_wakers() if args.awake else []
    try:
        for kind in [b.strip() for b in args.backends.split(",") if b.strip()]:
            be = Backend(kind, args, work, log_dir)
            try:
                be.create_db()
                be.start_servers()
                be.create_fixtures()
                if kind == "postgres":
                    be.prepare_pgbench()
                log(f"[{kind}] user {be.user_id}; keys created over HTTP: "
                    + ", ".join(f"{c} {len(k)}" for c, k in be.keys.items()))
                rounds_data = []
                for rnd in range(1, args.rounds + 1):
                    startup = be.restart_latchkey_timed()
                    # Warm the pool up (not measured).
                    be.wrk(be.latchkey, f"http://127.0.0.1:{be.port}{VERIFY_PATH}", "verify", "a", '"valid":true', None, 1)
                    data = {"startup_ms": startup, "cases": {}, "ceilings": {}}
                    log(f"[{kind}] round {rnd}/{args.rounds}: start-up to first verify {startup:.0f} ms")
                    for case in [c[0] for c in CASES if c[0] in args.cases]:
                        for route in routes_in_round(case, rnd):
                            r = be.run_case(case, route, args.duration)
                            data["cases"][(case, route)] = r
                            log(f"  ({case}) {route_label(case, route):37} {fmt_int(r['rps']):>7} req/s  p50 {r['p50_ms']:6.2f} ms  "
                                f"p99 {r['p99_ms']:6.2f} ms  RSS {r['rss_mib']:5.1f} MiB  CPU/req {r['server_cpu_us']:4.0f} µs"
                                + (f" (+{r['db_cpu_us']:.0f} µs in Postgres)" if r["db_cpu_us"] is not None else "")
                                + f"  charged {r['charged']} "
                                f"(+{r['in_flight']} in flight)" + (f"  PROBLEMS: {r['problems']}" if r["problems"] else "")
                                + (f"  {r['over_2s']} latencies over 2 s" if r["over_2s"] else ""))
                            failed |= bool(r["problems"])
                    for ck in CEILINGS:
                        data["ceilings"][ck] = be.ceiling(ck, args.duration)
                        log(f"  ceiling {CEILING_NAMES[kind][ck]:38} {fmt_int(data['ceilings'][ck]):>7}/s")
                    data["diagnostics"] = {}
                    if kind == "postgres" and args.diagnostics:
                        for dk in ("random_rows_unprepared", "random_rows_wire"):
                            data["diagnostics"][dk] = be.ceiling(dk, args.duration)
                            log(f"  diagnostic {DIAGNOSTIC_NAMES[dk]:35} {fmt_int(data['diagnostics'][dk]):>7}/s")
                    rounds_data.append(data)
                if args.cases == "abcde":
                    summary = summarise(kind, rounds_data, args)
                    results[kind] = summary
                    log("")
                    log(table(kind, summary))
                    for l in backend_notes(kind, summary, args):
                        log("- " + l)
                    log("")
            finally:
                be.stop_servers()
                be.drop_db()
    finally:
        for w in wakers:
            w.kill()
            w.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work dir kept: {work}")
    log(f"bench: done in {time.time() - t0:.0f} s")
    info["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    if results and not args.no_results:
        write_results(args.results, info, args, results, argv)
        log(f"bench: wrote {os.path.relpath(args.results, ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
