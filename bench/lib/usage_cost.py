#!/usr/bin/env python3
"""What the usage log costs a host route, from paired runs: the example host
app with its log on and with it off, one after the other, each pair in the
opposite order to the pair before, under the same wrk load; or, with
--together, both at once on one core.

    python3 bench/lib/usage_cost.py [--backends postgres,sqlite] [--cases a,c]
        [--pairs 6] [--duration 8] [--warmup 4] [--awake] [--pin | --together]
        [--json FILE]
        [--binary target/release/latchkey-example-host] [--pg-url URL]

Each run starts the host natively on a fresh database (Postgres:
latchkey_usage_instr_<pid>_<tag>, dropped afterwards; SQLite: a temporary
file), creates the case's keys over HTTP (a: one plain key; c: 1,000 keys
with `remaining`, so every request is an `UPDATE`), warms up with --warmup s of
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

--pin gives the host a core of its own: every host thread (the flusher's
too; actix then starts one worker) runs on the last core, and wrk and
every PostgreSQL process on the others (each given back the cores it
had at the end, error or not; a run killed with SIGKILL leaves them
held). The host's core is then the bottleneck, so throughput is what one
core serves, log on or off, without wrk or the database taking turns on
it: the figure a host with cores of its own would see. The database's
share is still measured, per request, on the other cores.

--together (implies --pin) runs a pair's two hosts at the same time,
both on the host core, each driven by its own wrk. The scheduler deals
the core out between them a few milliseconds at a time, so whatever the
machine does meanwhile (a neighbour, a stall, a slower minute) falls on
both alike, and CPU per request compares the two under the same
conditions: on this 2-core VM it is the figure least moved by noise.
Their throughputs share one core, so the throughput figure then counts
only the workers' part of the cost, plus part of the flusher's.

"host busy" is the host's CPU seconds over the measured load and, with
the log on, the wait for its last rows, divided by --duration: about one
core's worth (or half, --together) when the host's core is the
bottleneck, and a little more for the log-on host, whose flushes after
the load count too.

Each case's summary gives the median over pairs with a 95% confidence
interval (percentile bootstrap over the pairs, fixed seed).

--awake runs one waker per core throughout (see bench/run --help and
RESULTS.md, "Idle vCPUs and the tail"). Needs wrk.
"""
import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import RELEASE, start_wakers  # noqa: E402  (bench/lib, beside this script)
from usage_instructions import (FLUSHER_THREAD, Db, Host, make_keys, run_wrk, threads_cpu,  # noqa: E402
                                wait_rows, write_keys)

KEY_COUNT = {"a": 1, "c": 1000}


def wrk(port, keys_file, seconds, cpus):
    """Answers admitted under run_wrk; any other answer stops the run."""
    bench = run_wrk(port, keys_file, seconds, cpus)
    if bench["bad_status"] or bench["bad_body"]:
        raise SystemExit(f"wrk saw {bench['bad_status']} bad statuses and {bench['bad_body']} bad bodies")
    return bench["ok"]


class Side:
    """One host, its log on or off, with a fresh database and the case's
    keys; counts the answers wrk got from it."""

    def __init__(self, args, backend, case, log_on, work, tag):
        self.args, self.log_on, self.answered = args, log_on, 0
        self.db, self.host = Db(backend, args.pg, work, tag), None
        try:
            self.host = Host(args.binary, self.db, log_on, work, valgrind=False, cpus=args.host_cpus)
            self.keys_file = write_keys(work, tag, make_keys(self.host, [case], KEY_COUNT[case])[case])
        except BaseException:
            self.close()
            raise

    def load(self, seconds):
        """wrk for `seconds`; the answers it got."""
        ok = wrk(self.host.port, self.keys_file, seconds, self.args.load_cpus)
        self.answered += ok
        return ok

    def settle(self):
        """With the log on, waits until every answered request is written,
        so the flushes that wrote them count in the CPU read next."""
        if self.log_on:
            wait_rows(self.db, self.answered)

    def cpu(self):
        """CPU seconds so far: (host process, its flusher, database backends).
        One walk of the host's threads gives the first two (the log-off
        host has no flusher: 0)."""
        threads = threads_cpu(self.host.proc.pid)
        return (sum(cpu for _, cpu in threads), sum(cpu for comm, cpu in threads if comm == FLUSHER_THREAD),
                self.db.backend_cpu())

    def close(self):
        if self.host:
            self.host.stop()
        self.db.drop()


def figures(before, after, ok, seconds):
    """A side's figures over one measured load: req/s, and CPU per answer
    in µs (host, its flusher, database, all)."""
    per_request = 1e6 / max(ok, 1)
    host_us, flusher_us, db_us = ((a - b) * per_request for a, b in zip(after, before))
    return {"rps": ok / seconds, "cpu_us": host_us + db_us, "host_us": host_us, "flusher_us": flusher_us,
            "db_us": db_us, "host_busy": (after[0] - before[0]) / seconds}


def measure(args, sides):
    """Warms the sides up, then loads them for --duration (each by its own
    wrk, all at once) and returns each side's figures."""
    def load_all(seconds):
        with ThreadPoolExecutor(len(sides)) as pool:
            answered = list(pool.map(lambda side: side.load(seconds), sides))
        for side in sides:
            side.settle()
        return answered

    load_all(args.warmup)
    before = [side.cpu() for side in sides]
    answered = load_all(args.duration)
    after = [side.cpu() for side in sides]
    return [figures(b, a, ok, args.duration) for b, a, ok in zip(before, after, answered)]


def pair(args, backend, case, work, i):
    """One pair: log on and off, one after the other (in alternating order)
    or, with --together, side by side. {log_on: figures}."""
    order = (True, False) if i % 2 == 0 else (False, True)

    def side(on):
        return Side(args, backend, case, on, work, f"{case}{i}{'on' if on else 'off'}")

    sides = []
    try:
        if args.together:
            for on in order:
                sides.append(side(on))
            return dict(zip(order, measure(args, sides)))
        result = {}
        for on in order:
            sides = [side(on)]
            result[on] = measure(args, sides)[0]
            sides.pop().close()
        return result
    finally:
        for side in sides:
            side.close()


def median_interval(values, resamples=10_000):
    """95% percentile-bootstrap interval of the median (fixed seed, so a
    rerun on the same figures prints the same interval)."""
    rng = random.Random(7)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    return medians[int(resamples * 0.025)], medians[int(resamples * 0.975) - 1]


def spread(values):
    low, high = median_interval(values)
    return (f"median {statistics.median(values):+.1f}% (95% CI {low:+.1f}..{high:+.1f}; "
            f"pairs {', '.join(f'{v:+.1f}' for v in values)})")


def postgres_pids():
    """Every PostgreSQL server process on this machine (postmaster, its
    helpers and backends)."""
    pids = []
    for comm in os.listdir("/proc"):
        try:
            if comm.isdigit() and open(f"/proc/{comm}/comm").read().strip() == "postgres":
                pids.append(int(comm))
        except OSError:
            continue
    return pids


def parent(pid):
    """A process's parent pid (None once it has ended)."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
        return int(stat[stat.rindex(")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return None


class PinnedPostgres:
    """Holds PostgreSQL's processes to `cpus` while in use (backends forked
    meanwhile inherit the postmaster's), then gives each back the cores it
    had, and backends born meanwhile the postmaster's. A process that ends
    in between is skipped. Needs the right to (root, or the postgres
    user)."""

    def __init__(self, cpus):
        self.cpus, self.saved = cpus, {}

    def __enter__(self):
        try:
            for pid in postgres_pids():
                try:
                    before = os.sched_getaffinity(pid)
                    os.sched_setaffinity(pid, self.cpus)
                    self.saved[pid] = before
                except ProcessLookupError:
                    continue  # it ended meanwhile
        except OSError as e:
            self.__exit__(None, None, None)
            raise SystemExit(f"--pin: cannot hold PostgreSQL to cores {sorted(self.cpus)}: {e}")
        return self

    def __exit__(self, *exc):
        # Backends born meanwhile get what their parent, the postmaster
        # (the one whose parent is no PostgreSQL process), had.
        postmasters = [pid for pid in self.saved if parent(pid) not in self.saved]
        fallback = self.saved[postmasters[0]] if postmasters else set(range(os.cpu_count() or 1))
        for pid in postgres_pids():
            try:
                os.sched_setaffinity(pid, self.saved.get(pid, fallback))
            except OSError:
                continue  # it ended, or is not ours to set: nothing to give back
        return False


def run_case(args, backend, case, work):
    """--pairs pairs of one case on one backend, printed as they come; their figures."""
    pairs = []
    for i in range(args.pairs):
        both = pair(args, backend, case, work, i)
        on, off = both[True], both[False]
        figs = {"on": on, "off": off, "rps_cost": (1 - on["rps"] / off["rps"]) * 100,
                "cpu_cost": (on["cpu_us"] / off["cpu_us"] - 1) * 100}
        pairs.append(figs)
        print(f"[{backend}] ({case}) pair {i + 1}: req/s {on['rps']:,.0f} on, {off['rps']:,.0f} off "
              f"({figs['rps_cost']:+.1f}%); CPU/req {on['cpu_us']:.2f} µs on, {off['cpu_us']:.2f} µs off "
              f"({figs['cpu_cost']:+.1f}%): host {on['host_us']:.2f} vs {off['host_us']:.2f} µs "
              f"(its flusher {on['flusher_us']:.2f}), database {on['db_us']:.2f} vs {off['db_us']:.2f} µs; "
              f"host busy {on['host_busy']:.2f} vs {off['host_busy']:.2f} cores",
              flush=True)
    print(f"[{backend}] ({case}) log cost: throughput {spread([q['rps_cost'] for q in pairs])}; "
          f"CPU per request {spread([q['cpu_cost'] for q in pairs])}", flush=True)
    return pairs


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(root, "target", "release", "latchkey-example-host"))
    p.add_argument("--backends", default="postgres,sqlite")
    p.add_argument("--cases", default="a,c")
    p.add_argument("--pairs", type=int, default=6)
    p.add_argument("--duration", type=int, default=8, help="seconds of measured load per run")
    p.add_argument("--warmup", type=int, default=4,
                   help="seconds of load before measuring (default 4: long enough for two flushes, so that the log's "
                        "two queues per shard and the flusher's buffers are in place, as in a host that has run a while)")
    p.add_argument("--awake", action="store_true", help="one 1 ms waker per core throughout")
    p.add_argument("--pin", action="store_true", help="the host on a core of its own; wrk and PostgreSQL on the rest")
    p.add_argument("--together", action="store_true",
                   help="run a pair's two hosts at once, sharing the pinned core (implies --pin)")
    p.add_argument("--json", help="also write every figure to this file")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    args = p.parse_args()
    args.pg = args.pg_url.rstrip("/")
    if not os.path.exists(args.binary) or not os.path.exists(os.path.join(RELEASE, "latchkey-bench-ceiling")):
        raise SystemExit("build first: cargo build --release -p latchkey-example-host -p latchkey-bench-ceiling")
    cores = sorted(os.sched_getaffinity(0))
    args.host_cpus = args.load_cpus = None
    args.pin = args.pin or args.together
    pinned_postgres = contextlib.nullcontext()
    if args.pin:
        if len(cores) < 2:
            raise SystemExit("--pin needs two cores")
        args.host_cpus, args.load_cpus = {cores[-1]}, set(cores[:-1])
        if "postgres" in args.backends.split(","):
            pinned_postgres = PinnedPostgres(args.load_cpus)
    results = {}
    with pinned_postgres:
        if args.pin:
            print(f"pinned: host on core {cores[-1]}; wrk and PostgreSQL on {sorted(args.load_cpus)}", flush=True)
        wakers = start_wakers() if args.awake else []
        try:
            work = tempfile.mkdtemp(prefix="latchkey-usage-cost-")
            for backend in args.backends.split(","):
                for case in args.cases.split(","):
                    results[f"{backend} {case}"] = run_case(args, backend, case, work)
        finally:
            for w in wakers:
                w.kill()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
