#!/usr/bin/env python3
"""Instructions per verify in the latchkey process (callgrind), and the
PostgreSQL backends' CPU per verify: a measure that machine load does not
skew, for before/after comparisons of the hot path.

    python3 bench/lib/instructions.py [--binary target/release/latchkey]
        [--backend postgres|sqlite] [--verifies 500] [--cases a,b,c,d,e]
        [--pg-url postgres://postgres@127.0.0.1:5432] [--keep DIR]

It starts the binary under `valgrind --tool=callgrind --instr-atstart=no`
on a fresh database (Postgres: latchkey_instr_<pid>, dropped afterwards;
SQLite: a temporary file), creates the bench cases' keys through the HTTP
API (case c: 100 keys), and for each case sends 30 warm-up verifies, then
switches instrumentation on, sends N verifies one after another over one
connection, and dumps: instructions (Ir) / N. The Postgres figure is the
user+system CPU of the database's backends over the same N verifies, from
/proc (10 ms ticks: about ±20 µs at N = 500). Needs valgrind.
"""
import argparse
import glob
import http.client
import json
import os
import socket
import subprocess
import tempfile
import time

from driver import free_port  # bench/lib/driver.py, beside this script

SECRET = "instr-server-secret-0123456789abcdef"
HUGE = 1_000_000_000
PERMS = {"reports": ["read"]}
BODIES = {
    "a": {"rateLimitEnabled": False},
    "b": {"remaining": HUGE, "rateLimitEnabled": False},
    "c": {"remaining": HUGE, "rateLimitEnabled": False},
    "d": {"rateLimitEnabled": True, "rateLimitMax": HUGE, "rateLimitTimeWindow": 3_600_000},
    "e": {"rateLimitEnabled": False, "permissions": PERMS},
}


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(root, "target", "release", "latchkey"))
    p.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    p.add_argument("--verifies", type=int, default=500)
    p.add_argument("--cases", default="a,b,c,d,e")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--keep", help="copy each case's callgrind dump into this directory")
    args = p.parse_args()
    cases = args.cases.split(",")
    pg = args.pg_url.rstrip("/")
    work = tempfile.mkdtemp(prefix="latchkey-instr-")
    db = None
    if args.backend == "postgres":
        db = f"latchkey_instr_{os.getpid()}"
        subprocess.run(["psql", "-X", "-q", pg + "/postgres", "-c", f"CREATE DATABASE {db}"], check=True)
        url = f"{pg}/{db}"
    else:
        url = "sqlite://" + os.path.join(work, "instr.sqlite")
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, LATCHKEY_SECRET="instr-auth-secret-0123456789abcdef-0123456789",
               LATCHKEY_SERVER_SECRET=SECRET, LATCHKEY_ADDR=f"127.0.0.1:{port}", RUST_LOG="warn")
    out = os.path.join(work, "callgrind.out")
    vg_log = os.path.join(work, "valgrind.log")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                             args.binary, "serve", "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=open(vg_log, "w"))
    try:
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit("latchkey did not start under valgrind; see " + vg_log)
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

        def post(path, body, trusted=True):
            headers = {"Content-Type": "application/json"}
            if trusted:
                headers["x-latchkey-server-secret"] = SECRET
            conn.request("POST", path, json.dumps(body), headers)
            resp = conn.getresponse()
            return resp.status, resp.read()

        status, data = post("/api/auth/sign-up/email",
                            {"email": "instr@example.com", "password": "instr-password-123", "name": "I"}, False)
        if status != 200:
            raise SystemExit(f"sign-up answered {status}")
        user = json.loads(data)["user"]["id"]
        keys = {}
        for case in cases:
            keys[case] = []
            for _ in range(100 if case == "c" else 1):
                status, data = post("/api/auth/api-key/create", dict(BODIES[case], userId=user, name=f"instr-{case}"))
                if status != 200:
                    raise SystemExit(f"create answered {status}: {data[:200]!r}")
                keys[case].append(json.loads(data)["key"])

        def backend_cpu():
            if not db:
                return 0.0
            pids = subprocess.run(["psql", "-X", "-At", pg + "/postgres", "-c",
                                   f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'"],
                                  capture_output=True, text=True).stdout.split()
            ticks = 0
            for pid in pids:
                try:
                    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                    ticks += int(fields[11]) + int(fields[12])
                except OSError:
                    pass
            return ticks / os.sysconf("SC_CLK_TCK")

        def control(*flags):
            subprocess.run(["callgrind_control", *flags, str(proc.pid)], check=True, capture_output=True)

        results = {}
        for case in cases:
            ks = keys[case]

            def verify(i):
                body = {"key": ks[i % len(ks)]}
                if case == "e":
                    body["permissions"] = PERMS
                status, data = post("/api/auth/api-key/verify", body)
                if status != 200 or b'"valid":true' not in data:
                    raise SystemExit(f"verify answered {status}: {data[:200]!r}")

            for i in range(30):
                verify(i)
            control("-i", "on")
            control("-z")
            cpu_before = backend_cpu()
            for i in range(args.verifies):
                verify(i)
            cpu_after = backend_cpu()
            for f in glob.glob(out + "*"):
                os.remove(f)
            control("-d")
            control("-i", "off")
            time.sleep(0.5)
            ir = 0
            for f in glob.glob(out + "*"):
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    subprocess.run(["cp", f, os.path.join(args.keep, f"{args.backend}-{case}.callgrind")])
                for line in open(f, errors="replace"):
                    if line.startswith(("totals:", "summary:")):
                        ir = max(ir, int(line.split()[1]))
            results[case] = {"instructions_per_verify": round(ir / args.verifies)}
            if db:
                results[case]["postgres_cpu_us_per_verify"] = round((cpu_after - cpu_before) * 1e6 / args.verifies)
            print(case, json.dumps(results[case]), flush=True)
        print(json.dumps(results))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if db:
            subprocess.run(["psql", "-X", "-q", pg + "/postgres", "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
                           capture_output=True)


if __name__ == "__main__":
    main()
