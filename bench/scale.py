"""How the hot queries grow with the data: fill a database with `quizapp demo` at growing sizes
and time each query at each size. Prints numbers; asserts nothing.

    .venv/bin/python bench/scale.py                   # SQLite file in a temporary folder
    .venv/bin/python bench/scale.py --sizes 20,200,1200 --database-url postgresql+psycopg://...

Target (printed beside each figure): every hot query under 20 ms at the largest size.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa
from benchdb import app_with_banks, median_ms

TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="12,120,600", help="students at each step (cumulative)")
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    app = app_with_banks("scale", args.database_url)
    from quizapp.extensions import db
    from quizapp.models import Attempt, AttemptItem, Review, User, utcnow
    from quizapp.services import analysis, demo, progress, readiness, study

    rows = []
    with app.app_context():
        have = 0
        session = db.session
        for step, students in enumerate(int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            demo.generate(db.session, students - have, args.days, seed=1000 + step)
            fill_seconds = time.perf_counter() - started
            have = students
            count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
            user = db.session.scalar(
                sa.select(User).where(User.role == "student").order_by(User.id).limit(1)
            )
            db.session.expire_all()
            queries = {
                "due cards (one user)": lambda u=user: study.build_queue(
                    session, u, None, utcnow()
                ),
                "student dashboard": lambda u=user: progress.dashboard(session, u),
                "deck list (one user)": lambda u=user: study.decks(session, u),
                "exam readiness (one user)": lambda u=user: readiness.readiness_by_bank(session, u),
                "calibration (class)": lambda: readiness.class_calibration(session),
                "class overview": lambda: analysis.class_overview(session, "average", True),
                "item analysis (one bank)": lambda: analysis.bank_analysis(
                    session, "surge-of-chinese-llms"
                ),
            }
            figures = {name: median_ms(query) for name, query in queries.items()}
            rows.append(
                (students, count(Review), count(Attempt), count(AttemptItem), fill_seconds, figures)
            )
            print(
                f"{students:>6} students  {count(Review):>9,} reviews  "
                f"{count(Attempt):>7,} attempts  {count(AttemptItem):>8,} answers  "
                f"(filled in {fill_seconds:.0f} s)",
                flush=True,
            )
            for name, ms in figures.items():
                flag = "ok" if ms < TARGET_MS else "over target"
                print(f"    {name:<26} {ms:8.1f} ms   {flag}", flush=True)

    print("\nsummary (median ms of 7 runs; target < 20 ms at the largest size)")
    names = list(rows[0][5])
    print(f"{'students':>9} {'reviews':>10} " + " ".join(f"{n[:18]:>19}" for n in names))
    for students, reviews, _, _, _, figures in rows:
        print(f"{students:>9} {reviews:>10,} " + " ".join(f"{figures[n]:>19.1f}" for n in names))


if __name__ == "__main__":
    main()
