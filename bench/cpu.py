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
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cpu_data import (
    HEAVY,
    INSTRUCTOR,
    PASSWORD,
    Databases,
    commit,
    dispose,
    make_app,
    prepare,
    working_copies,
)
from floor import create_floor_app, fill
from inprocess import BenchError, Browser, Grader, Meter, Practice, bank_slugs, metered

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


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


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
            username, PASSWORD if username in (INSTRUCTOR, HEAVY) else dbs.demo_password
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
            for key in (
                "dashboard",
                "grade_card",
                "next_card",
                "item_analysis",
                "class_overview",
                "question",
            )
        }
        slowest["dashboard_10x_history"] = lambda: [
            ("progress dashboard, 10x history", get(heavy_large, "/progress/"))
        ]
        profile(slowest, [base_meter, heavy_meter], args.profile, args.profile_iterations)
    for app in (base, heavy, bigger):
        dispose(app)


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench/cpu.py: {exc}")
