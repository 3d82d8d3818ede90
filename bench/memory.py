"""How long the memory features take on realistic sizes: optimise a student's log, simulate a
year's workload on their deck, predict readiness. Prints numbers; asserts nothing.

    .venv/bin/python bench/memory.py [--cards 387] [--days 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from fsrs_rs_python import optimal_retention

from quizapp.memory import (
    DEFAULT_PARAMETERS,
    compare,
    habits,
    optimise,
    readiness,
    usable_reviews,
    workload,
)
from quizapp.memory.synthetic import student_log
from quizapp.memory.workload import simulator_config

# A student who forgets faster than the defaults assume, so cards come back often.
STUDENT = (0.1, 0.45, 1.2, 4.0, 7.5, 0.6, 2.2, 0.01, 1.3, 0.25, 1.0, 1.8, 0.1, 0.35, 2.0, 0.4,
           2.2, 0.6, 0.15, 0.1, 0.3)  # fmt: skip


def timed(function, repeat: int):
    """(median seconds, last result) over `repeat` calls."""
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=387)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    log = student_log(STUDENT, cards=args.cards, days=args.days, seed=1)
    print(
        f"log: {len(log)} reviews of {len({r.card_id for r in log})} cards, {usable_reviews(log)} usable"
    )

    seconds, fit = timed(lambda: optimise(log), args.repeat)
    print(f"optimise: {seconds * 1000:.0f} ms (5 time-series splits + the final fit)")
    print(
        f"  held-out log loss {fit.fitted.log_loss:.4f} vs defaults {fit.current.log_loss:.4f}; RMSE(bins) {fit.fitted.rmse_bins:.4f} vs {fit.current.rmse_bins:.4f}; better: {fit.better}"
    )
    seconds, change = timed(lambda: compare(DEFAULT_PARAMETERS, fit.parameters, log), args.repeat)
    print(
        f"compare: {seconds * 1000:.0f} ms — {change.sentence} (median {change.old_days:.1f} -> {change.new_days:.1f} days)"
    )

    student = habits(log)
    seconds, year = timed(lambda: workload(fit.parameters, args.cards, habits=student), args.repeat)
    print(
        f"workload: {seconds * 1000:.0f} ms for {len(year.rows)} retentions x 8 seeds, {args.cards}-card deck, 365 days"
    )
    print("  retention  reviews/day  minutes/day  remembered  min/remembered")
    for row in year.rows:
        print(
            f"  {row.retention:9.2f}  {row.reviews_per_day:11.1f}  {row.minutes_per_day:11.1f}  {row.remembered:10.0f}  {row.minutes_per_remembered:14.2f}"
        )
    print(f"  suggested (least time per remembered card, from the table): {year.suggested:.2f}")
    config = simulator_config(
        args.cards,
        days=365,
        new_per_day=20,
        reviews_per_day=200,
        habits=student,
        learning_steps=True,
    )
    seconds, best = timed(lambda: optimal_retention(config, list(fit.parameters)), 1)
    print(f"  fsrs-rs optimal_retention for comparison: {best:.2f} ({seconds * 1000:.0f} ms)")

    rng = random.Random(2)
    bank = [rng.random() if rng.random() < 0.7 else None for _ in range(args.cards)]
    for size in (10, 20, 50, args.cards):
        seconds, result = timed(
            lambda size=size: readiness(bank, quiz_size=size, unseen_recall=0.3), args.repeat
        )
        print(
            f"readiness, {args.cards}-question bank, quiz of {size}: {seconds * 1000:.1f} ms — {result.sentence}"
        )


if __name__ == "__main__":
    main()
