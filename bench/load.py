"""Load test of the student journeys with Locust, against quizapp under gunicorn, with a bare
Flask "hello" baseline and the floor request (bench/floor.py) under the same settings, and a
check that no acknowledged write is lost.

    make bench-load                                       # or: .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --fault                # SIGKILL workers during the load
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://... --instances 2

The generator is Locust's FastHttpUser in one process per core (--generator-processes), so it is
not what limits the figures: its CPU share is printed for every run, and hello is measured at one
gunicorn worker and at the app's worker count (its throughput rises only if the generator keeps
up). Everything runs on 127.0.0.1 and stops by itself (bounded users and time). Prints numbers
and the targets beside them; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import sqlalchemy as sa

from quizapp.database import configure

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SUBMISSIONS = ("/quiz/[id]/q/[n] answer", "/study/all/grade")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Gunicorn:
    """gunicorn serving `target` on a free loopback port; stopped on exit."""

    def __init__(self, target: str, workers: int, env: dict, check_path: str = "/"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--worker-class", "sync", "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_up(self.url + check_path)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> float:
        """Stop it; returns the CPU seconds it used (master and workers, reaped by now)."""
        before = children_cpu()
        self.process.terminate()
        self.process.wait(timeout=60)
        return children_cpu() - before


@dataclass
class LocustRun:
    rows: list[dict]
    acks: dict
    seconds: float
    cpu_seconds: float  # the generator's CPU, all its processes
    processes: int
    cpu_warnings: int  # Locust's own "CPU usage above 90%" warnings

    def total(self) -> dict:
        return next(r for r in self.rows if r["Name"] == "Aggregated")

    def rps(self) -> float:
        return float(self.total()["Requests/s"])

    def share(self) -> float:
        """The generator's CPU as a share of the cores its processes could use."""
        return self.cpu_seconds / (self.seconds * self.processes) if self.seconds else 0.0

    def load(self) -> str:
        share = self.share()
        return (
            f"generator: {self.processes} Locust process(es) + master used about "
            f"{self.cpu_seconds:.1f} CPU-s in {self.seconds:.0f} s = {share:.0%} of "
            f"{self.processes} core(s); Locust's CPU warnings: {self.cpu_warnings}"
        )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class ProcessTreeCpu:
    """The CPU used by a process and its descendants, sampled every 0.2 s while they run.

    (RUSAGE_CHILDREN would miss Locust's worker processes: the master does not always reap
    them itself.)"""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.used: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(0.2):
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                continue
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                self.used[process.pid] = times.user + times.system

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    def seconds(self) -> float:
        return sum(self.used.values())


@dataclass
class WrkRun:
    rps: float
    errors: int
    cpu_seconds: float
    seconds: int

    def describe(self) -> str:
        return (
            f"wrk (1 thread, same connections): {self.rps:.0f} req/s, {self.errors} errors; wrk "
            f"used {self.cpu_seconds:.1f} CPU-s in {self.seconds} s = "
            f"{self.cpu_seconds / self.seconds:.0%} of a core"
        )


def run_wrk(url: str, connections: int, seconds: int) -> WrkRun | None:
    """Debian's wrk against `url`, if it is installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    before = children_cpu()
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    cpu = children_cpu() - before
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps is None:
        return None
    errors = re.findall(r"(?:connect|read|write|timeout|Non-2xx or 3xx responses:) (\d+)", out)
    return WrkRun(float(rps.group(1)), sum(int(n) for n in errors), cpu, seconds)


def wait_for_group(group: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def run_locust(hosts: list[str], users: int, seconds: int, env: dict, prefix: Path, processes: int,
               **flags) -> LocustRun:  # fmt: skip
    """Run Locust headless in `processes` worker processes; students arrive over ten seconds, as
    a class logs in. The generator's CPU is what its processes used (they are our children)."""
    env = {
        **env,
        "QUIZAPP_BENCH_HOSTS": ",".join(hosts),
        "QUIZAPP_BENCH_THINK": "1" if flags.get("think") else "0",
        "QUIZAPP_BENCH_HELLO": "1" if flags.get("hello") else "0",
        "QUIZAPP_BENCH_FLOOR": str(flags.get("floor_members", 0)),
        "QUIZAPP_BENCH_ACKS": str(prefix) + "-acks.json",
        "QUIZAPP_BENCH_PROCESSES": str(processes),
    }
    log = Path(str(prefix) + "-locust.log")
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as handle:
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s",
             "--host", hosts[0], "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "10", *(["--processes", str(processes)] if processes > 1 else []),
             *(["--reset-stats"] if flags.get("steady") else [])],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True,
        )  # fmt: skip
        cpu = ProcessTreeCpu(locust.pid)
        locust.wait()
        cpu.stop()
    wait_for_group(locust.pid)  # the worker processes write their acknowledgements as they exit
    elapsed = time.monotonic() - started
    with open(str(prefix) + "_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    acks: dict[str, list] = {"answers": [], "reviews": []}
    for part in Path(prefix).parent.glob(Path(prefix).name + "-acks.json.*"):
        for key, values in json.loads(part.read_text()).items():
            acks[key].extend(values)
    warnings = log.read_text(encoding="utf-8").count("CPU usage")
    return LocustRun(rows, acks, elapsed, cpu.seconds(), processes, warnings)


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(
        f"  {'endpoint':<30} {'requests':>8} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}"
    )
    for row in rows:
        print(
            f"  {row['Name'][:30]:<30} {row['Request Count']:>8} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {row['Failure Count']:>6}"
        )


def check_writes(url: str, acks: dict, last_review_before: int) -> tuple[bool, str]:
    """Every acknowledged answer and review is stored, and no grade is stored twice.

    A write can commit just before its worker dies: it is stored but was never acknowledged.
    That is reported, not a failure; storing the same grade of the same card state twice is."""
    engine = configure(sa.create_engine(url))
    with engine.connect() as connection:
        missing_answers = 0
        for attempt_id, position in acks["answers"]:
            saved = connection.execute(
                sa.text(
                    "SELECT response IS NOT NULL FROM attempt_item WHERE attempt_id = :a AND position = :p"
                ),
                {"a": attempt_id, "p": position},
            ).scalar()
            missing_answers += not saved
        ids = acks["reviews"]
        stored = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stored += (
                connection.execute(
                    sa.text("SELECT count(*) FROM review WHERE id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": chunk},
                ).scalar()
                if chunk
                else 0
            )
        new_rows = connection.execute(
            sa.text("SELECT count(*) FROM review WHERE id > :last"), {"last": last_review_before}
        ).scalar()
        twice = connection.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT user_id, card_id, CAST(before AS TEXT) AS b "
                "FROM review WHERE id > :last GROUP BY user_id, card_id, CAST(before AS TEXT) "
                "HAVING count(*) > 1) AS repeated"
            ),
            {"last": last_review_before},
        ).scalar()
        integrity = "n/a"
        if url.startswith("sqlite"):
            integrity = connection.execute(sa.text("PRAGMA integrity_check")).scalar()
    engine.dispose()
    ok = missing_answers == 0 and stored == len(set(ids)) == len(ids) and twice == 0
    return ok, (
        f"acknowledged answers {len(acks['answers'])}, missing {missing_answers}; "
        f"acknowledged reviews {len(ids)}, stored {stored}; grades stored twice: {twice}; "
        f"stored but never acknowledged (worker died after commit): {new_rows - stored}; "
        f"integrity_check: {integrity}"
    )


def last_review_id(url: str) -> int:
    engine = configure(sa.create_engine(url))
    with engine.connect() as connection:
        last = connection.execute(sa.text("SELECT coalesce(max(id), 0) FROM review")).scalar()
    engine.dispose()
    return last


def killer(server: Gunicorn, stop: threading.Event, every: float, log: list) -> None:
    while not stop.wait(every):
        pids = server.worker_pids()
        if pids:
            victim = random.choice(pids)
            os.kill(victim, signal.SIGKILL)
            log.append(victim)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--instances", type=int, default=1, help="gunicorn instances (PostgreSQL)")
    parser.add_argument("--fault", action="store_true", help="SIGKILL a worker every 3 s")
    parser.add_argument("--generator-processes", type=int, default=os.cpu_count() or 1,
                        help="Locust worker processes (default: one per core)")  # fmt: skip
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    url = args.database_url or f"sqlite:///{folder}/load.db"
    env = {**os.environ, "QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": "bench-secret",
           "QUIZAPP_INSTANCE_PATH": str(folder)}  # fmt: skip
    quizapp = [str(BIN / "quizapp")]
    print(f"preparing {url} ...", flush=True)
    for command in (["db", "upgrade"], ["questions", "import", "questions"],
                    ["demo", "--students", str(args.users), "--days", "30", "--seed", "1"]):  # fmt: skip
        subprocess.run(quizapp + command, cwd=ROOT, env=env, check=True, capture_output=True)
    engine = configure(sa.create_engine(url))
    with engine.connect() as connection:
        users = (
            connection.execute(sa.text("SELECT username FROM \"user\" WHERE role = 'student'"))
            .scalars()
            .all()
        )
        banks = connection.execute(sa.text("SELECT slug FROM bank")).scalars().all()
    engine.dispose()
    from quizapp.services.demo import DEMO_PASSWORD

    env.update(QUIZAPP_BENCH_USERS=",".join(users), QUIZAPP_BENCH_PASSWORD=DEMO_PASSWORD,
               QUIZAPP_BENCH_BANKS=",".join(banks))  # fmt: skip
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"{args.workers} sync workers per gunicorn; {args.users} simulated students; "
          f"{args.seconds} s per run; {args.generator_processes} Locust processes", flush=True)  # fmt: skip

    # The hello app at one worker and at the app's worker count, driven by Locust and (when
    # installed) by wrk, a C generator that needs a fraction of Locust's CPU per request: if
    # Locust's figure matches wrk's, Locust is not what caps it.
    hello_runs: dict[int, tuple[LocustRun, WrkRun | None, float]] = {}
    for workers in sorted({1, args.workers}):
        hello = Gunicorn("bench.hello:app", workers, env)
        seconds = max(15, args.seconds // 3)
        run = run_locust([hello.url], args.users, seconds, env, folder / f"hello-{workers}",
                         args.generator_processes, hello=True)  # fmt: skip
        wrk = run_wrk(hello.url + "/", args.users, seconds)
        hello_runs[workers] = (run, wrk, hello.stop())
    hello_run, hello_wrk, _ = hello_runs[args.workers]
    hello_rps = max(hello_run.rps(), hello_wrk.rps if hello_wrk else 0.0)

    # The floor request (bench/floor.py, what bench/cpu.py measures against) under the same
    # gunicorn and Locust: the most any request doing real work on this stack can reach.
    from bench.floor import create_floor_app, fill

    floor_members = 200
    fill(create_floor_app(str(folder / "floor.db")), members=floor_members)
    floor_server = Gunicorn(f"bench.floor:serve({str(folder / 'floor.db')!r})", args.workers, env,
                            "/up")  # fmt: skip
    floor_run = run_locust([floor_server.url], args.users, max(15, args.seconds // 3), env,
                           folder / "floor", args.generator_processes, steady=True,
                           floor_members=floor_members)  # fmt: skip
    floor_server.stop()

    servers = [
        Gunicorn("quizapp:create_app()", args.workers, env, "/healthz")
        for _ in range(args.instances)
    ]
    hosts = [s.url for s in servers]
    before = last_review_id(url)
    # Throughput once every student has logged in (--reset-stats after the ramp-up): the
    # journeys, not a burst of argon2 logins.
    busy = run_locust(hosts, args.users, max(20, args.seconds // 2), env, folder / "busy",
                      args.generator_processes, steady=True)  # fmt: skip
    busy_ok, busy_check = check_writes(url, busy.acks, before)

    before = last_review_id(url)
    stop, killed = threading.Event(), []
    threads = (
        [threading.Thread(target=killer, args=(s, stop, 3.0, killed)) for s in servers]
        if args.fault
        else []
    )
    for thread in threads:
        thread.start()
    realistic = run_locust(hosts, args.users, args.seconds, env, folder / "journeys",
                           args.generator_processes, think=True)  # fmt: skip
    stop.set()
    for thread in threads:
        thread.join()
    server_cpu = sum(server.stop() for server in servers)
    ok, check = check_writes(url, realistic.acks, before)

    for workers, (run, wrk, cpu) in hello_runs.items():
        print_table(f"baseline: bare Flask hello under gunicorn with {workers} sync worker(s), "
                    f"{args.users} users, no think time", run.rows)  # fmt: skip
        print(f"  {run.load()}; server (both generators): {cpu:.1f} CPU-s")
        print(f"  {wrk.describe() if wrk else 'wrk: not installed (make bench-load installs it)'}")
    print_table(f"floor: bench/floor.py's POST under gunicorn with {args.workers} sync workers, "
                f"{args.users} users, no think time", floor_run.rows)  # fmt: skip
    print(f"  {floor_run.load()}")
    print_table(f"saturation: student journeys, {args.users} users, no think time "
                "(counted from the end of the ramp-up)", busy.rows)  # fmt: skip
    print(f"  {busy.load()}")
    print_table(
        f"realistic: student journeys, {args.users} users thinking 1-2 s between requests"
        + (f", {len(killed)} workers killed with SIGKILL" if args.fault else ""),
        realistic.rows,
    )
    print(f"  {realistic.load()}; server (both journey runs): {server_cpu:.1f} CPU-s")

    aggregated = realistic.total()
    submissions = [r for r in realistic.rows if r["Name"] in SUBMISSIONS]
    worst_p99 = max((float(r["99%"]) for r in submissions), default=0.0)
    ratio = busy.rps() / hello_rps if hello_rps else 0.0
    print(f"\ngenerator (machine load average now {os.getloadavg()[0]:.2f})")
    for workers, (run, wrk, _) in hello_runs.items():
        print(f"  hello with {workers} worker(s): Locust {run.rps():.0f} req/s, "
              f"wrk {f'{wrk.rps:.0f} req/s' if wrk else 'not run'}")  # fmt: skip
    if hello_wrk:
        print(f"  Locust's hello is {hello_run.rps() / hello_wrk.rps:.0%} of wrk's: on shared cores "
              "a Python generator takes CPU from the server, so the baseline is the higher figure")  # fmt: skip
    # A journey request costs the server 10-100 times what it costs Locust: a generator using a
    # small share of its cores, without Locust's CPU warning, is not what limits them.
    limited = any(run.cpu_warnings or run.share() >= 0.5 for run in (busy, realistic))
    print(f"  Locust during the journeys: {busy.share():.0%} and {realistic.share():.0%} of its cores, "
          f"{busy.cpu_warnings + realistic.cpu_warnings} CPU warnings: "
          f"{'it may be what limits them' if limited else 'not the bottleneck'}")  # fmt: skip
    print("\ntargets")
    print(f"  errors (realistic run): {aggregated['Failure Count']}"
          f"  {'ok' if aggregated['Failure Count'] == '0' else 'expected under --fault' if args.fault else 'MISSED'} (target 0)")  # fmt: skip
    print(f"  p99 of answer and review submissions: {worst_p99:.0f} ms  "
          f"{'ok' if worst_p99 < 100 else 'MISSED'} (target < 100 ms)")  # fmt: skip
    print(f"  journey throughput / hello baseline (the higher of Locust's and wrk's): {busy.rps():.1f} / {hello_rps:.1f} req/s = {ratio:.0%}  "
          f"{'ok' if ratio >= 0.3 else 'MISSED'} (target >= 30%)")  # fmt: skip
    floor_ratio = floor_run.rps() / hello_rps if hello_rps else 0.0
    print(f"  the floor request itself / hello: {floor_run.rps():.1f} / {hello_rps:.1f} req/s = "
          f"{floor_ratio:.0%}; journeys / floor: {busy.rps() / max(floor_run.rps(), 1e-9):.0%}")  # fmt: skip
    print(f"  nothing lost (saturation run): {'ok' if busy_ok else 'MISSED'}: {busy_check}")
    print(f"  nothing lost (realistic run): {'ok' if ok else 'MISSED'}: {check}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
