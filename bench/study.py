"""How long "Optimise my schedule" and the workload simulator take in the app, database
included: a simulated student's log stored in a fresh SQLite database, then one optimiser run
(read the log, fit and judge, save, replan every card) and one workload simulation. Prints
numbers; asserts nothing.

    .venv/bin/python bench/study.py [--cards 300] [--days 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchdb import app_with_banks

# A student who remembers longer than the defaults assume (tests/unit/test_memory_compat.py).
STUDENT = (0.5, 2.5, 5.0, 15.0, 5.0, 1.0, 1.5, 0.05, 2.3, 0.1, 1.2, 1.0, 0.1, 0.4, 1.2, 0.7,
           2.5, 0.3, 0.05, 0.05, 0.45)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = app_with_banks("study")
    import sqlalchemy as sa

    from quizapp import scheduling
    from quizapp.extensions import db
    from quizapp.memory.synthetic import student_log
    from quizapp.models import Bank, Card, CardState, User
    from quizapp.scheduling import Memory, Rating
    from quizapp.services import retention, study

    with app.app_context():
        user = User(username="bench", password_hash="x")
        db.session.add(user)
        db.session.commit()
        cards = db.session.scalars(
            sa.select(Card.id).join(Bank, Card.bank_id == Bank.id).order_by(Bank.id, Card.position)
        ).all()
        log = student_log(STUDENT, cards=min(args.cards, len(cards)), days=args.days, seed=1)
        ids = dict(zip(sorted({r.card_id for r in log}), cards, strict=False))
        prefs, memories, rows = study.preferences(user), {}, []
        for r in sorted(log, key=lambda r: r.reviewed_at):
            before = memories.get(ids[r.card_id], Memory())
            done = scheduling.review(before, Rating(r.rating), r.reviewed_at, ids[r.card_id], prefs)
            rows.append(study.review_values(user, ids[r.card_id], Rating(r.rating), r.reviewed_at,
                                            r.duration_ms, before, done))  # fmt: skip
            memories[ids[r.card_id]] = done.memory
        retention.add_reviews(db.session, rows)
        db.session.execute(sa.insert(CardState), [
            {"user_id": user.id, "card_id": c, **study.state_values(m), "suspended": False}
            for c, m in memories.items()
        ])  # fmt: skip
        db.session.commit()
        print(
            f"student: {len(rows)} reviews of {len(memories)} cards, "
            f"{study.usable_reviews(db.session, user)} usable; deck of {len(cards)} cards"
        )

        runs = []
        for _ in range(args.repeat):
            study.use_default_parameters(db.session, user)
            start = time.perf_counter()
            run, _ = study.start_run(db.session, user)
            run = study.run_optimiser(db.session, run.id)
            runs.append(time.perf_counter() - start)
        result = run.result
        print(
            f"optimiser run (log read, 5 splits + final fit, save, replan): "
            f"{statistics.median(runs) * 1000:.0f} ms median of {args.repeat}"
        )
        print(
            f"  kept: {result['kept']}; {result['sentence']} "
            f"({result.get('rescheduled', 0)} cards replanned); held-out log loss "
            f"{result['fitted']['log_loss']:.4f} vs {result['current']['log_loss']:.4f}"
        )
        start = time.perf_counter()
        replanned = study.reschedule(db.session, user)
        print(
            f"replan every card alone: {(time.perf_counter() - start) * 1000:.0f} ms "
            f"({replanned} changed)"
        )
        sims = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            table = study.estimate_workload(db.session, user)
            sims.append(time.perf_counter() - start)
        print(
            f"workload simulation (8 retentions x 8 seeds x 365 days, stored): "
            f"{statistics.median(sims) * 1000:.0f} ms; suggested {table.workload.suggested:.2f}"
        )
        start = time.perf_counter()
        study.saved_workload(db.session, user)
        print(
            f"settings page reading the stored table: {(time.perf_counter() - start) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
