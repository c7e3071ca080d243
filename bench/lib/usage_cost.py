#!/usr/bin/env python3
"""What the usage log costs a host route, from paired runs: the example host
app with its log on and with it off, one after the other, each pair in the
opposite order to the pair before, under the same wrk load.

    python3 bench/lib/usage_cost.py [--backends postgres,sqlite] [--cases a,c]
        [--pairs 6] [--duration 8] [--awake] [--json FILE]
        [--binary target/release/latchkey-example-host] [--pg-url URL]

Each run starts the host natively on a fresh database (Postgres:
latchkey_usage_instr_<pid>_<tag>, dropped afterwards; SQLite: a temporary
file), creates the case's keys over HTTP (a: one plain key; c: 1,000 keys
with `remaining`, so every request is an `UPDATE`), warms up with 1 s of
load, then drives `GET /api/ping` with wrk (2 threads, 32 connections,
every answer checked) for --duration seconds. With the log on, it then
waits until every measured request is in the database, so the flushes that
wrote them count in its CPU.

Per run it reads the answered requests a second and the CPU time per
answered request of the host process (every thread, the flusher's
included; from /proc/*/schedstat, in ns) plus, on Postgres, of that
database's backends. Per pair it prints the log's cost both ways:
1 - req/s on / req/s off, and CPU per request on / off - 1. The CPU figure
does not move when the machine stalls the whole run (both halt alike); the
throughput figure does, which is why both are printed, with the median over
pairs and the spread.

--awake runs one waker per core throughout (see bench/run --help and
RESULTS.md, "Idle vCPUs and the tail"). Needs wrk.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import RELEASE, start_wakers  # noqa: E402  (bench/lib, beside this script)
from usage_instructions import (FLUSHER_THREAD, Db, Host, make_keys, run_wrk, threads_cpu,  # noqa: E402
                                wait_rows, write_keys)

KEY_COUNT = {"a": 1, "c": 1000}


def process_cpu(pid):
    """CPU seconds of a process so far: (every thread, the usage flusher)."""
    threads = threads_cpu(pid)
    return sum(cpu for _, cpu in threads), sum(cpu for comm, cpu in threads if comm == FLUSHER_THREAD)


def wrk(port, keys_file, seconds):
    """Answers admitted under run_wrk; any other answer stops the run."""
    bench = run_wrk(port, keys_file, seconds)
    if bench["bad_status"] or bench["bad_body"]:
        raise SystemExit(f"wrk saw {bench['bad_status']} bad statuses and {bench['bad_body']} bad bodies")
    return bench["ok"]


def run(args, backend, case, log_on, work, tag):
    db = Db(backend, args.pg, work, tag)
    host = None
    try:
        host = Host(args.binary, db, log_on, work, valgrind=False)
        keys_file = write_keys(work, tag, make_keys(host, [case], KEY_COUNT[case])[case])
        warm = wrk(host.port, keys_file, 1)
        if log_on:
            wait_rows(db, warm)
        (host_before, flusher_before), db_before = process_cpu(host.proc.pid), db.backend_cpu()
        ok = wrk(host.port, keys_file, args.duration)
        if log_on:
            wait_rows(db, warm + ok)
        (host_after, flusher_after), db_after = process_cpu(host.proc.pid), db.backend_cpu()
        per_request = 1e6 / max(ok, 1)
        host_us, flusher_us = (host_after - host_before) * per_request, (flusher_after - flusher_before) * per_request
        db_us = (db_after - db_before) * per_request
        return {"rps": ok / args.duration, "cpu_us": host_us + db_us, "host_us": host_us, "flusher_us": flusher_us,
                "db_us": db_us}
    finally:
        if host:
            host.stop()
        db.drop()


def spread(values):
    return f"median {statistics.median(values):+.1f}% (pairs {', '.join(f'{v:+.1f}' for v in values)})"


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(root, "target", "release", "latchkey-example-host"))
    p.add_argument("--backends", default="postgres,sqlite")
    p.add_argument("--cases", default="a,c")
    p.add_argument("--pairs", type=int, default=6)
    p.add_argument("--duration", type=int, default=8, help="seconds of measured load per run")
    p.add_argument("--awake", action="store_true", help="one 1 ms waker per core throughout")
    p.add_argument("--json", help="also write every figure to this file")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    args = p.parse_args()
    args.pg = args.pg_url.rstrip("/")
    if not os.path.exists(args.binary) or not os.path.exists(os.path.join(RELEASE, "latchkey-bench-ceiling")):
        raise SystemExit("build first: cargo build --release -p latchkey-example-host -p latchkey-bench-ceiling")
    wakers = start_wakers() if args.awake else []
    work = tempfile.mkdtemp(prefix="latchkey-usage-cost-")
    results = {}
    try:
        for backend in args.backends.split(","):
            for case in args.cases.split(","):
                pairs = []
                for i in range(args.pairs):
                    order = (True, False) if i % 2 == 0 else (False, True)
                    pair = {on: run(args, backend, case, on, work, f"{case}{i}{'on' if on else 'off'}")
                            for on in order}
                    on, off = pair[True], pair[False]
                    pair = {"on": on, "off": off, "rps_cost": (1 - on["rps"] / off["rps"]) * 100,
                            "cpu_cost": (on["cpu_us"] / off["cpu_us"] - 1) * 100}
                    pairs.append(pair)
                    print(f"[{backend}] ({case}) pair {i + 1}: req/s {on['rps']:,.0f} on, {off['rps']:,.0f} off "
                          f"({pair['rps_cost']:+.1f}%); CPU/req {on['cpu_us']:.2f} µs on, {off['cpu_us']:.2f} µs off "
                          f"({pair['cpu_cost']:+.1f}%): host {on['host_us']:.2f} vs {off['host_us']:.2f} µs "
                          f"(its flusher {on['flusher_us']:.2f}), database {on['db_us']:.2f} vs {off['db_us']:.2f} µs",
                          flush=True)
                results[f"{backend} {case}"] = pairs
                print(f"[{backend}] ({case}) log cost: throughput {spread([q['rps_cost'] for q in pairs])}; "
                      f"CPU per request {spread([q['cpu_cost'] for q in pairs])}", flush=True)
    finally:
        for w in wakers:
            w.kill()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
