"""The databases of bench/cpu.py, made through quizapp's CLI (`quizapp demo`, `quizapp users
create`), plus one student's long study history, which only the study service can write (HTTP
cannot grade in the past)."""

from __future__ import annotations

import ast
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inprocess import BenchError, Browser, Practice, bank_slugs, metered

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-cpu-secret"
INSTRUCTOR = "benchprof"
HEAVY = "benchheavy"
PASSWORD = "bench password, not a secret"


def quizapp(url: str, folder: Path, *command: str, stdin: str = "", wait: bool = True):
    """Run the `quizapp` command on the database at `url`; its output, or the running process
    when not waiting (pass it to finish())."""
    env = {**os.environ, "QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": SECRET,
           "QUIZAPP_INSTANCE_PATH": str(folder)}  # fmt: skip
    process = subprocess.Popen(
        [str(BIN / "quizapp"), *command], cwd=ROOT, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    process.args_text, process.stdin_text = " ".join(command), stdin
    return finish(process) if wait else process


def finish(process) -> str:
    out, err = process.communicate(process.stdin_text)
    if process.returncode:
        raise BenchError(f"quizapp {process.args_text} failed:\n{err}")
    return out.strip()


def copy_database(source: Path, target: Path) -> None:
    # A consistent copy even if a WAL file is left over.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def add_study_history(app, username: str, days: int, per_day: int, seed: int) -> int:
    """`days` days of flashcard study ending yesterday, `per_day` grades a day, through the study
    service's public functions (the HTTP app cannot grade in the past). Returns the reviews added.

    Each day: up to half of them new cards (by id, until every card has been seen, so a
    short and a long history hold the same cards), then the cards that are due (earliest first),
    then reviews ahead of the earliest due: a diligent student who studies a fixed amount."""
    from quizapp.extensions import db
    from quizapp.scheduling import Rating
    from quizapp.services import accounts, study
    from quizapp.services.study import StaleCard

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    grades = list(Rating)
    added = 0
    with app.app_context():
        cards = sorted(card.id for card in study.cram_order(db.session, None, 0))
        unseen, due, version = list(cards), {}, {}
        for day in range(days, 0, -1):
            moment = (now - timedelta(days=day)).replace(hour=8) + timedelta(
                minutes=rng.randint(0, 600)
            )
            todo = [unseen.pop(0) for _ in range(min(len(unseen), max(1, per_day // 2)))]
            seen = sorted((when, card) for card, when in due.items())
            todo += [card for _, card in seen][: per_day - len(todo)]
            for card in todo:
                db.session.remove()  # a fresh session per grade, as per request
                user = accounts.find_user(db.session, username)
                rating = rng.choices(grades, [1, 1, 7, 1])[0]
                try:
                    review = study.grade_card(
                        db.session, user, card, version.get(card, 0), rating, 5000, now=moment
                    )
                except StaleCard:  # our count of the card's version is off: ask the service
                    shown, _ = study.next_card(db.session, user, None, now=moment, show=card)
                    review = study.grade_card(
                        db.session, user, card, shown.version, rating, 5000, now=moment
                    )
                version[card] = version.get(card, 0) + 1
                due[card] = moment + timedelta(days=review.interval_days)
                moment += timedelta(seconds=rng.randint(5, 25))
                added += 1
        db.session.remove()
    return added


@dataclass
class Databases:
    base: Path  # `quizapp demo` class + the instructor + the heavy student with a normal history
    heavy: Path  # the same, but the heavy student has ten times the history
    large_class: Path  # the base class + more demo students
    history: dict = field(default_factory=dict)
    demo_password: str = ""  # as `quizapp demo` prints it
    reused: bool = False  # prepared by an earlier run (--keep)


def prepare(args, folder: Path) -> Databases:
    dbs = Databases(folder / "base.db", folder / "heavy.db", folder / "class.db")
    stamp = folder / "prepared.json"
    wanted = {k: getattr(args, k) for k in ("students", "class_students", "seed", "days",
              "history_days", "history_per_day", "history_attempts", "history_factor")}  # fmt: skip
    if stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved["options"] == wanted:
            print(f"reusing the databases prepared in {folder} on {saved['at']} "
                  f"(commit {saved['commit']}); delete the folder to rebuild them", flush=True)  # fmt: skip
            dbs.history, dbs.demo_password = saved["history"], saved["demo_password"]
            dbs.reused = True
            return dbs
    for path in folder.glob("*.db*"):
        path.unlink()
    url = f"sqlite:///{dbs.base}"
    started = time.perf_counter()
    print(f"preparing databases in {folder} ...", flush=True)
    quizapp(url, folder, "db", "upgrade")
    quizapp(url, folder, "questions", "import", "questions")
    demo = quizapp(url, folder, "demo", "--students", str(args.students), "--days", str(args.days),
                   "--seed", str(args.seed))  # fmt: skip
    print("  " + demo.splitlines()[0], flush=True)
    dbs.demo_password = ast.literal_eval(re.search(r"password[^:\n]*: (.+)$", demo, re.M).group(1))
    # An admin: the class overview and item analysis then cover every demo student (an
    # instructor sees only the students of their own classes).
    quizapp(url, folder, "users", "create", INSTRUCTOR, "--role", "admin", stdin=PASSWORD)
    quizapp(url, folder, "users", "create", HEAVY, stdin=PASSWORD)
    copy_database(dbs.base, dbs.heavy)
    copy_database(dbs.base, dbs.large_class)
    # The bigger class is made in another process while this one writes the heavy student's
    # history (the CPU is not being measured yet).
    more = args.class_students - args.students
    growing = quizapp(f"sqlite:///{dbs.large_class}", folder, "demo", "--students", str(more),
                      "--days", str(args.days), "--seed", str(args.seed + 1), wait=False)  # fmt: skip
    factor = args.history_factor
    for path, scale in ((dbs.base, 1), (dbs.heavy, factor)):
        app, meter = metered(make_app(path))
        reviews = add_study_history(
            app, HEAVY, args.history_days * scale, args.history_per_day, args.seed
        )
        student = Browser(app, meter).login(HEAVY, PASSWORD)
        Practice(student, bank_slugs(student), random.Random(args.seed)).whole_attempts(
            args.history_attempts * scale
        )
        dispose(app)
        dbs.history[path.name] = {"reviews": reviews, "attempts": args.history_attempts * scale}
    print("  " + finish(growing).splitlines()[0] + " more", flush=True)
    print(f"  prepared in {time.perf_counter() - started:.0f} s", flush=True)
    stamp.write_text(json.dumps({"options": wanted, "history": dbs.history, "commit": commit(),
                                 "demo_password": dbs.demo_password,
                                 "at": datetime.now(UTC).isoformat(timespec="seconds")}))  # fmt: skip
    return dbs


def working_copies(dbs: Databases, folder: Path) -> Databases:
    """Runs write (answers, grades): they write to copies, so --keep stays reusable."""
    copies = Databases(folder / "run-base.db", folder / "run-heavy.db", folder / "run-class.db")
    pairs = ((dbs.base, copies.base), (dbs.heavy, copies.heavy),
             (dbs.large_class, copies.large_class))  # fmt: skip
    for source, target in pairs:
        copy_database(source, target)
        if dbs.reused:  # the code may have moved on since
            quizapp(f"sqlite:///{target}", folder, "db", "upgrade")
    copies.history, copies.demo_password = dbs.history, dbs.demo_password
    return copies


def make_app(path: Path):
    from quizapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": SECRET})


def dispose(app) -> None:
    from quizapp.extensions import db

    with app.app_context():
        db.engine.dispose()


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True, check=False)  # fmt: skip
    return out.stdout.strip() or "unknown"
