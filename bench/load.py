"""Load test of the student journeys with Locust, against quizapp under gunicorn, with a bare
Flask "hello" baseline under the same settings, and a check that no acknowledged write is lost.

    .venv/bin/python bench/load.py                        # SQLite, 50 students, 2 cores
    .venv/bin/python bench/load.py --fault                # SIGKILL workers during the load
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://... --instances 2

Everything runs on 127.0.0.1 and stops by itself (bounded users and time). Prints numbers and
the targets beside them; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

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

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def run_locust(hosts: list[str], users: int, seconds: int, env: dict, prefix: Path, **flags):
    """Run Locust headless; students arrive over ten seconds, as a class logs in."""
    env = {
        **env,
        "QUIZAPP_BENCH_HOSTS": ",".join(hosts),
        "QUIZAPP_BENCH_THINK": "1" if flags.get("think") else "0",
        "QUIZAPP_BENCH_HELLO": "1" if flags.get("hello") else "0",
        "QUIZAPP_BENCH_ACKS": str(prefix) + "-acks.json",
    }
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s",
         "--host", hosts[0], "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--stop-timeout", "10"],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(str(prefix) + "_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    acks_file = Path(str(prefix) + "-acks.json")
    acks = (
        json.loads(acks_file.read_text()) if acks_file.exists() else {"answers": [], "reviews": []}
    )
    return rows, acks


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
    print(f"machine: {os.cpu_count()} cores; {args.workers} sync workers per gunicorn; "
          f"{args.users} simulated students; {args.seconds} s per run", flush=True)  # fmt: skip

    hello = Gunicorn("bench.hello:app", args.workers, env)
    hello_rows, _ = run_locust(
        [hello.url], args.users, max(15, args.seconds // 3), env, folder / "hello", hello=True
    )
    hello.stop()
    hello_rps = float(next(r for r in hello_rows if r["Name"] == "Aggregated")["Requests/s"])

    servers = [
        Gunicorn("quizapp:create_app()", args.workers, env, "/healthz")
        for _ in range(args.instances)
    ]
    hosts = [s.url for s in servers]
    before = last_review_id(url)
    busy_rows, busy_acks = run_locust(
        hosts, args.users, max(20, args.seconds // 2), env, folder / "busy"
    )
    busy_ok, busy_check = check_writes(url, busy_acks, before)

    before = last_review_id(url)
    stop, killed = threading.Event(), []
    threads = (
        [threading.Thread(target=killer, args=(s, stop, 3.0, killed)) for s in servers]
        if args.fault
        else []
    )
    for thread in threads:
        thread.start()
    rows, acks = run_locust(hosts, args.users, args.seconds, env, folder / "journeys", think=True)
    stop.set()
    for thread in threads:
        thread.join()
    for server in servers:
        server.stop()
    ok, check = check_writes(url, acks, before)

    busy_rps = float(next(r for r in busy_rows if r["Name"] == "Aggregated")["Requests/s"])
    print_table(
        f"baseline: bare Flask hello under the same gunicorn, {args.users} users, no think time",
        hello_rows,
    )
    print_table(f"saturation: student journeys, {args.users} users, no think time", busy_rows)
    print_table(
        f"realistic: student journeys, {args.users} users thinking 1-2 s between requests"
        + (f", {len(killed)} workers killed with SIGKILL" if args.fault else ""),
        rows,
    )
    aggregated = next(r for r in rows if r["Name"] == "Aggregated")
    submissions = [r for r in rows if r["Name"] in SUBMISSIONS]
    worst_p99 = max((float(r["99%"]) for r in submissions), default=0.0)
    ratio = busy_rps / hello_rps if hello_rps else 0.0
    print("\ntargets")
    print(f"  errors (realistic run): {aggregated['Failure Count']}"
          f"  {'ok' if aggregated['Failure Count'] == '0' else 'expected under --fault' if args.fault else 'MISSED'} (target 0)")  # fmt: skip
    print(f"  p99 of answer and review submissions: {worst_p99:.0f} ms  "
          f"{'ok' if worst_p99 < 100 else 'MISSED'} (target < 100 ms)")  # fmt: skip
    print(f"  journey throughput / hello baseline: {busy_rps:.1f} / {hello_rps:.1f} req/s = {ratio:.0%}  "
          f"{'ok' if ratio >= 0.3 else 'MISSED'} (target >= 30%)")  # fmt: skip
    print(f"  nothing lost (saturation run): {'ok' if busy_ok else 'MISSED'}: {busy_check}")
    print(f"  nothing lost (realistic run): {'ok' if ok else 'MISSED'}: {check}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
