"""Server-side CPU per request of quizapp's hot requests, against a floor request on the same stack.

    make bench-cpu                                      # or: .venv/bin/python bench/cpu.py
    .venv/bin/python bench/cpu.py --rounds 100 --warmup 20
    .venv/bin/python bench/cpu.py --keep /tmp/quizapp-cpu  # reuse the prepared databases next time
    .venv/bin/python bench/cpu.py --profile bench/profiles  # also profile the slowest requests

Every request goes through the WSGI app in-process (Flask's test client: real cookies, real
CSRF tokens read from the pages) and is timed by a WSGI middleware with time.process_time(), so
the figure is the server's CPU for the whole request (routing, session, database, template,
response body), not the client's. The databases are made by the CLI (`quizapp demo`, `quizapp
users create`); the requests use only HTTP, so the script keeps working while the app's
internals change. Only the extra history of one student (below) goes through the services'
public functions, because `quizapp demo` has no option for it.

Method: warm-up rounds, then timed rounds; in each round every request runs once, in a shuffled
order, each one right after a floor request (bench/floor.py). Reported: median and p90 of each
request's CPU, the ratio of its median to the floor's median, the issue's target for it and
whether it is met. Writes are real and fresh: each answer is a new practice question's first
answer, each grade is of the card the previous reply handed out.

Scaling: the same student's next card and dashboard on two databases that differ only in that
student's history (ten times the reviews and attempts); and the item analysis of the busiest bank
at 200 and 600 students. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from floor import create_floor_app, fill
from pages import csrf_token, question_form

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-cpu-secret"
INSTRUCTOR = "benchprof"
HEAVY = "benchheavy"
PASSWORD = "bench password, not a secret"
JSON = {"Accept": "application/json"}
TIMED = "bench.timed"  # WSGI environ key of the requests whose figures are reported

# The targets: the most each request may cost, as a multiple of the floor.
TARGETS = {
    "question page (GET)": 1.5,
    "answer (practice check, POST)": 2.0,
    "next flashcard (GET /study/all)": 1.5,
    "grade a flashcard (JSON POST)": 2.0,
    "progress dashboard": 3.0,
    "class overview (instructor)": 3.0,
    "item analysis, busiest bank": 4.0,
}
SCALING_TARGET = 1.15


class BenchError(RuntimeError):
    """The app did not answer as a browser would expect: the run stops, no number is printed."""


class Meter:
    """WSGI middleware: the process CPU time of the last request, response body included; with a
    profiler set, it also profiles the requests that are timed (not the set-up ones)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.last = 0.0
        self.profiler = None

    def __call__(self, environ, start_response):
        profiler = self.profiler if environ.get(TIMED) else None
        if profiler is not None:
            profiler.start()
        start = time.process_time()
        iterable = self.wsgi_app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        self.last = time.process_time() - start
        if profiler is not None:
            profiler.stop()
        return [body]


def metered(app):
    app.wsgi_app = meter = Meter(app.wsgi_app)
    return app, meter


class Browser:
    """One user's cookie jar on one in-process app."""

    def __init__(self, app, meter: Meter, name: str = ""):
        self.client = app.test_client()
        self.meter = meter
        self.name = name

    def request(self, method: str, url: str, expect=(200,), timed=False, **kwargs):
        """The response and the server's CPU time for it, in ms."""
        if timed:
            kwargs["environ_overrides"] = {TIMED: True}
        response = self.client.open(url, method=method, **kwargs)
        if response.status_code not in expect:
            raise BenchError(f"{self.name}: {method} {url} answered {response.status_code}")
        return response, self.meter.last * 1000

    def page(self, url: str) -> str:
        return self.request("GET", url)[0].get_data(as_text=True)

    def login(self, username: str, password: str) -> Browser:
        token = csrf_token(self.page("/login"))
        data = {"csrf_token": token, "username": username, "password": password}
        self.request("POST", "/login", expect=(302, 303), data=data)
        self.name = username
        return self


# ---------------------------------------------------------------- practice questions


@dataclass
class Practice:
    """A student's practice attempts, answered one question at a time."""

    browser: Browser
    slugs: list[str]
    rng: random.Random
    pending: list[tuple[int, int]] = field(default_factory=list)  # (attempt, position)
    started: int = 0

    def start(self, questions: int = 10) -> int:
        token = csrf_token(self.browser.page("/"))
        slug = self.slugs[self.started % len(self.slugs)]
        self.started += 1
        response, _ = self.browser.request(
            "POST", f"/quiz/quick/{slug}", expect=(302, 303), data={"csrf_token": token}
        )
        attempt = int(re.search(r"/quiz/(\d+)", response.headers["Location"]).group(1))
        self.pending.extend((attempt, position) for position in range(questions))
        return attempt

    def open_question(self) -> tuple[str, float, tuple[int, int]]:
        if not self.pending:
            self.start()
        attempt, position = self.pending.pop(0)
        response, cpu = self.browser.request("GET", f"/quiz/{attempt}/q/{position}", timed=True)
        return response.get_data(as_text=True), cpu, (attempt, position)

    def answer(self, page: str, where: tuple[int, int]) -> float:
        """Check a plausible answer; the CPU of the POST (a redirect to the feedback)."""
        form = question_form(page)
        if form is None or "step" not in form.hidden:
            raise BenchError(f"question {where} has no question form")
        response, cpu = self.browser.request(
            "POST", form.action, expect=(302, 303), timed=True, data=form.answer(self.rng)
        )
        # A refused answer re-renders the page (422); an accepted check redirects to the feedback.
        if not response.headers["Location"].endswith(f"/quiz/{where[0]}/q/{where[1]}"):
            raise BenchError(f"answer to {where} went to {response.headers['Location']}")
        return cpu

    def finish(self, attempt: int, last: int) -> None:
        page = self.browser.page(f"/quiz/{attempt}/q/{last}")
        step = re.findall(r'name="step" value="(\d+)"', page)[-1]
        token = csrf_token(page)
        self.browser.request(
            "POST",
            f"/quiz/{attempt}/submit",
            expect=(302, 303),
            data={"csrf_token": token, "step": step},
        )

    def whole_attempts(self, count: int) -> None:
        """`count` attempts of ten questions, each answered and submitted (history)."""
        for _ in range(count):
            attempt = self.start()
            while self.pending:
                page, _, where = self.open_question()
                self.answer(page, where)
            self.finish(attempt, 9)


# ---------------------------------------------------------------- flashcards


@dataclass
class Grader:
    """Students grading the card each reply hands out; the next student takes over when one has
    nothing left today."""

    make_browser: object  # callable: username -> logged-in Browser
    names: list[str]
    rng: random.Random
    browser: Browser | None = None
    card: dict | None = None
    token: str = ""
    graded: int = 0

    def _next_student(self) -> None:
        while self.names:
            self.browser = self.make_browser(self.names.pop(0))
            self.token = csrf_token(self.browser.page("/study/all"))
            self.card = self.browser.request("GET", "/study/all", headers=JSON)[0].json.get("card")
            if self.card:
                return
        raise BenchError("no student has a card left to grade: use more students or fewer rounds")

    def grade(self) -> float:
        if not self.card:
            self._next_student()
        data = {
            "csrf_token": self.token,
            "card_id": self.card["id"],
            "version": self.card["version"],
            "rating": self.rng.choice([3, 3, 3, 4, 1, 2]),
            "duration_ms": self.rng.randint(2000, 9000),
        }
        response, cpu = self.browser.request(
            "POST", "/study/all/grade", timed=True, data=data, headers=JSON
        )
        reply = response.json
        if not reply.get("ok") or not reply.get("review_id"):
            raise BenchError(f"grade not recorded: {reply}")
        self.graded += 1
        self.card = reply.get("card")
        return cpu


# ---------------------------------------------------------------- databases


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

    Each day: cards that are due (earliest first), then new cards, then reviews ahead of the
    earliest due, as a diligent student who studies a fixed amount every day."""
    from quizapp.extensions import db
    from quizapp.scheduling import Grade
    from quizapp.services import accounts, study
    from quizapp.services.study import StaleCard

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    grades = [Grade.AGAIN, Grade.HARD, Grade.GOOD, Grade.EASY]
    added = 0
    with app.app_context():
        cards = sorted(card.id for card in study.cram_order(db.session, None, 0))
        unseen, due, version = list(cards), {}, {}
        for day in range(days, 0, -1):
            moment = (now - timedelta(days=day)).replace(hour=8) + timedelta(
                minutes=rng.randint(0, 600)
            )
            overdue = sorted((when, card) for card, when in due.items() if when <= moment)
            todo = [card for _, card in overdue][:per_day]
            while len(todo) < per_day and unseen:
                todo.append(unseen.pop(0))
            ahead = sorted((when, card) for card, when in due.items() if when > moment)
            todo += [card for _, card in ahead][: per_day - len(todo)]
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
            dbs.history, dbs.reused = saved["history"], True
            return dbs
    for path in folder.glob("*.db*"):
        path.unlink()
    url = f"sqlite:///{dbs.base}"
    started = time.perf_counter()
    print(f"preparing databases in {folder} ...", flush=True)
    quizapp(url, folder, "db", "upgrade")
    quizapp(url, folder, "questions", "import", "questions")
    print("  " + quizapp(url, folder, "demo", "--students", str(args.students), "--days",
                         str(args.days), "--seed", str(args.seed)).splitlines()[0], flush=True)  # fmt: skip
    quizapp(url, folder, "users", "create", INSTRUCTOR, "--role", "instructor", stdin=PASSWORD)
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
    copies.history = dbs.history
    return copies


def make_app(path: Path):
    from quizapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": SECRET})


def dispose(app) -> None:
    from quizapp.extensions import db

    with app.app_context():
        db.engine.dispose()


def bank_slugs(browser: Browser) -> list[str]:
    slugs = re.findall(r'action="/quiz/quick/([^"]+)"', browser.page("/"))
    if not slugs:
        raise BenchError("the home page offers no bank to practise")
    return list(dict.fromkeys(slugs))


def students_by_cards(instructor: Browser) -> list[str]:
    """Every demo student, fewest cards studied first (from the class overview)."""
    page = instructor.page("/class/?sort=cards")
    names = re.findall(r'data-student="([^"]+)"', page)
    return [name for name in names if name != HEAVY]


def busiest_bank(instructor: Browser, slugs: list[str]) -> str:
    """The bank whose item analysis counts the most responses."""

    def responses(slug: str) -> int:
        page = instructor.page(f"/class/items?bank={slug}")
        cells = re.findall(r'<tr data-question=.*?<td class="text-end">(\d+)</td>', page, re.S)
        return sum(int(cell) for cell in cells)

    return max(slugs, key=responses)


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True, check=False)  # fmt: skip
    return out.stdout.strip() or "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ---------------------------------------------------------------- measuring


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return statistics.median(ordered), p90


def run_rounds(units: dict, floor, warmup: int, rounds: int, rng: random.Random) -> dict:
    """Each round runs every unit once, in a shuffled order, each request after a floor request.
    A unit is a list of (name, function -> CPU ms) run in that order."""
    samples: dict[str, list[float]] = {"floor": []}
    for round_number in range(warmup + rounds):
        order = list(units.values())
        rng.shuffle(order)
        for unit in order:
            for name, function in unit():
                floor_cpu = floor()
                cpu = function()
                if round_number >= warmup:
                    samples["floor"].append(floor_cpu)
                    samples.setdefault(name, []).append(cpu)
    return samples


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def report(samples: dict, heavy_history: dict, sizes: tuple[int, int], bank: str) -> None:
    floor_median, floor_p90 = summary(samples["floor"])
    print(f"\nCPU per request in ms (median and p90 of {len(samples['floor'])} floor requests, "
          f"{len(samples['question page (GET)'])} of each other)")  # fmt: skip
    print(f"  {'request':<44} {'median':>7} {'p90':>7} {'/ floor':>8} {'target':>7}  verdict")
    print(f"  {'floor (bench/floor.py)':<44} {floor_median:>7.2f} {floor_p90:>7.2f} {1:>7.2f}x")
    for name, target in TARGETS.items():
        median, p90 = summary(samples[name])
        ratio = median / floor_median
        print(f"  {name:<44} {median:>7.2f} {p90:>7.2f} {ratio:>7.2f}x {target:>6.1f}x  "
              f"{verdict(ratio, target)}")  # fmt: skip
    small, large = heavy_history["base.db"], heavy_history["heavy.db"]
    print(f"\nscaling: the same student with {large['reviews']:,} reviews and {large['attempts']} "
          f"attempts against {small['reviews']:,} and {small['attempts']}")  # fmt: skip
    print(f"  {'request':<44} {'small':>7} {'large':>7} {'large/small':>11} {'target':>7}  verdict")
    for name in ("next flashcard", "progress dashboard"):
        a, b = summary(samples[f"{name}, small"])[0], summary(samples[f"{name}, large"])[0]
        print(f"  {name:<44} {a:>7.2f} {b:>7.2f} {b / a:>10.2f}x {SCALING_TARGET:>6.2f}x  "
              f"{verdict(b / a, SCALING_TARGET)}")  # fmt: skip
    print(f"\nitem analysis of {bank} by class size (no target at {sizes[1]}; shows the growth)")
    at = {sizes[0]: summary(samples["item analysis, busiest bank"])[0],
          sizes[1]: summary(samples[f"item analysis, {sizes[1]} students"])[0]}  # fmt: skip
    for n in sizes:
        print(f"  {n:>4} students {at[n]:>8.2f} ms  {at[n] / floor_median:>6.2f}x floor")
    print(f"  growth {sizes[1]}/{sizes[0]} students: {at[sizes[1]] / at[sizes[0]]:.2f}x")


def profile(units: dict, meters: list[Meter], folder: Path, iterations: int) -> None:
    """pyinstrument over `iterations` timed requests of each unit, one text file per unit."""
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    for key, unit in units.items():
        profiler = Profiler(interval=0.0002)
        for meter in meters:
            meter.profiler = profiler
        for _ in range(iterations):
            steps = unit()
            for _, function in steps:
                function()
        for meter in meters:
            meter.profiler = None
        path = folder / f"{key}.txt"
        path.write_text(
            f"# {steps[0][0]}: pyinstrument over {iterations} requests (bench/cpu.py --profile).\n"
            "# Seconds of wall time summed over the requests; the header gives the CPU time.\n"
            + profiler.output_text(unicode=False, color=False),
            encoding="utf-8",
        )
        print(f"  wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60, help="timed rounds (default 60)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first")
    parser.add_argument("--students", type=int, default=200, help="demo students")
    parser.add_argument("--class-students", type=int, default=600,
                        help="students of the bigger class (item analysis growth)")  # fmt: skip
    parser.add_argument("--days", type=int, default=90, help="days of demo history")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--history-days", type=int, default=90,
                        help="the scaling student's days of study (times the factor when large)")  # fmt: skip
    parser.add_argument("--history-per-day", type=int, default=10, help="grades a day")
    parser.add_argument("--history-attempts", type=int, default=6, help="practice attempts")
    parser.add_argument("--history-factor", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=None,
                        help="prepare the databases in this folder once and reuse them")  # fmt: skip
    parser.add_argument("--profile", type=Path, default=None,
                        help="also write pyinstrument profiles of the slowest requests here")  # fmt: skip
    parser.add_argument("--profile-iterations", type=int, default=40)
    args = parser.parse_args()
    if args.class_students <= args.students:
        parser.error("--class-students must be more than --students")

    load = os.getloadavg()
    print(f"quizapp CPU benchmark, {datetime.now(UTC).isoformat(timespec='seconds')}, "
          f"commit {commit()}")  # fmt: skip
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{platform.system()} {platform.release()}")  # fmt: skip
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)  # fmt: skip

    folder = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-cpu-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["QUIZAPP_INSTANCE_PATH"] = str(folder)
    try:
        dbs = prepare(args, folder)
        measure(args, folder, working_copies(dbs, folder) if args.keep else dbs)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def measure(args, folder: Path, dbs: Databases) -> None:
    """Log in the users, then the timed rounds, the report and (--profile) the profiles."""
    (folder / "floor.db").unlink(missing_ok=True)
    floor_app, floor_meter = metered(create_floor_app(str(folder / "floor.db")))
    fill(floor_app, args.students)
    floor_browser = Browser(floor_app, floor_meter, "floor")
    floor_browser.request("POST", "/login/1")
    note = {"title": "A note", "body": "Six short words of body text", "rating": "4"}

    def floor() -> float:
        return floor_browser.request("POST", "/notes", timed=True, data=note)[1]

    base, base_meter = metered(make_app(dbs.base))
    heavy, heavy_meter = metered(make_app(dbs.heavy))
    bigger, bigger_meter = metered(make_app(dbs.large_class))
    rng = random.Random(args.seed)

    def login(app_meter, username):
        return Browser(*app_meter, username).login(
            username, PASSWORD if username in (INSTRUCTOR, HEAVY) else demo_password()
        )

    instructor = login((base, base_meter), INSTRUCTOR)
    big_instructor = login((bigger, bigger_meter), INSTRUCTOR)
    students = students_by_cards(instructor)
    reader = login((base, base_meter), students[len(students) // 2])
    answerer = Practice(login((base, base_meter), students[0]), [], rng)
    answerer.slugs = bank_slugs(answerer.browser)
    for _ in range(-(-(args.warmup + args.rounds) // 10)):
        answerer.start()
    graders = [n for n in reversed(students) if n not in (reader.name, answerer.browser.name)]
    grader = Grader(lambda name: login((base, base_meter), name), graders, rng)
    heavy_small = login((base, base_meter), HEAVY)
    heavy_large = login((heavy, heavy_meter), HEAVY)
    bank = busiest_bank(instructor, answerer.slugs)
    items_url = f"/class/items?bank={bank}"
    print(f"reader: {reader.name}; answers: {answerer.browser.name}; grades: {graders[0]} and "
          f"the next students; heavy student: {HEAVY}; busiest bank: {bank}", flush=True)  # fmt: skip

    def get(browser: Browser, url: str):
        return lambda: browser.request("GET", url, timed=True)[1]

    def question_and_answer():
        opened = {}

        def open_question() -> float:
            opened["page"], cpu, opened["where"] = answerer.open_question()
            return cpu

        return [
            ("question page (GET)", open_question),
            ("answer (practice check, POST)", lambda: answerer.answer(**opened)),
        ]

    units = {
        "question": question_and_answer,
        "next_card": lambda: [("next flashcard (GET /study/all)", get(reader, "/study/all"))],
        "grade_card": lambda: [("grade a flashcard (JSON POST)", grader.grade)],
        "dashboard": lambda: [("progress dashboard", get(reader, "/progress/"))],
        "class_overview": lambda: [("class overview (instructor)", get(instructor, "/class/"))],
        "item_analysis": lambda: [("item analysis, busiest bank", get(instructor, items_url))],
        "scaling": lambda: [
            ("next flashcard, small", get(heavy_small, "/study/all")),
            ("next flashcard, large", get(heavy_large, "/study/all")),
            ("progress dashboard, small", get(heavy_small, "/progress/")),
            ("progress dashboard, large", get(heavy_large, "/progress/")),
        ],
        "item_analysis_big": lambda: [
            (f"item analysis, {args.class_students} students", get(big_instructor, items_url))
        ],
    }
    # Whatever set-up left behind is not the app's garbage: keep full collections as cheap as
    # in a server process.
    gc.collect()
    gc.freeze()
    samples = run_rounds(units, floor, args.warmup, args.rounds, rng)
    load = os.getloadavg()
    print(f"\n{args.rounds} rounds after {args.warmup} warm-up rounds; {grader.graded} grades "
          f"recorded; load average now {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
    report(samples, dbs.history, (args.students, args.class_students), bank)

    if args.profile:
        print(f"\nprofiling {args.profile_iterations} requests of each of the slowest ...")
        slowest = {
            key: units[key]
            for key in ("dashboard", "grade_card", "next_card", "item_analysis", "class_overview")
        }
        slowest["dashboard_10x_history"] = lambda: [
            ("progress dashboard, 10x history", get(heavy_large, "/progress/"))
        ]
        profile(slowest, [base_meter, heavy_meter], args.profile, args.profile_iterations)
    for app in (base, heavy, bigger):
        dispose(app)


def demo_password() -> str:
    from quizapp.services.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench/cpu.py: {exc}")
