"""Simulated students whose recall follows FSRS with known parameters.

The app schedules them with other parameters (the defaults, as before any optimisation), so
their log looks like a real one: reviews when due, a lapse relearned the same day. Used by the
tests and the benchmark; deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from fsrs_rs_python import FSRS

from .history import ReviewRecord
from .model import DEFAULT_PARAMETERS, next_interval, retrievability

# Anki's simulator defaults (fsrs-rs `SimulatorConfig::default`), rounded.
FIRST_RATING = (0.24, 0.094, 0.495, 0.171)  # again, hard, good, easy on a new card
REVIEW_RATING = (0.224, 0.631, 0.145)  # hard, good, easy when recalled
SECONDS = {1: 20.0, 2: 15.0, 3: 10.0, 4: 7.0}  # typical answer time by rating

START = date(2026, 1, 5)


def _state(next_states, rating: int):
    return (next_states.again, next_states.hard, next_states.good, next_states.easy)[
        rating - 1
    ].memory


def student_log(
    parameters: Sequence[float],
    *,
    cards: int,
    days: int,
    new_per_day: int = 10,
    seed: int = 0,
    first_card_id: int = 1,
    scheduled_with: Sequence[float] = DEFAULT_PARAMETERS,
    desired_retention: float = 0.9,
) -> list[ReviewRecord]:
    """Every review a simulated student makes over `days` days."""
    rng = random.Random(seed)
    truth, scheduler = FSRS(list(parameters)), FSRS(list(scheduled_with))
    decay = parameters[20]
    # card id -> (true memory, scheduler's memory, last study day, due day)
    cards_seen: dict[int, tuple] = {}
    log: list[ReviewRecord] = []
    next_new = first_card_id
    for day in range(days):
        for _ in range(new_per_day):
            if next_new < first_card_id + cards:
                cards_seen[next_new] = (None, None, None, day)
                next_new += 1
        clock = datetime.combine(START + timedelta(days=day), time(9))
        for card_id, (memory, scheduled, last, due) in cards_seen.items():
            if due != day:
                continue
            if memory is None:
                first = rng.choices((1, 2, 3, 4), FIRST_RATING)[0]
                ratings = [first] if first > 2 else [first, 3]  # learning steps until Good
            elif rng.random() < retrievability(day - last, memory.stability, decay):
                ratings = [rng.choices((2, 3, 4), REVIEW_RATING)[0]]
            else:
                ratings = [1, 3]  # a lapse, relearned the same day
            for step, rating in enumerate(ratings):
                elapsed = day - last if last is not None and step == 0 else 0
                memory = _state(truth.next_states(memory, desired_retention, elapsed), rating)
                scheduled = _state(
                    scheduler.next_states(scheduled, desired_retention, elapsed), rating
                )
                seconds = SECONDS[rating] * rng.uniform(0.6, 1.6)
                clock += timedelta(seconds=seconds + rng.uniform(5, 60))
                log.append(
                    ReviewRecord(
                        card_id, clock, START + timedelta(days=day), rating, round(seconds * 1000)
                    )
                )
                last = day
            interval = next_interval(scheduled.stability, desired_retention, scheduled_with[20])
            cards_seen[card_id] = (memory, scheduled, day, day + max(1, round(interval)))
    return log
