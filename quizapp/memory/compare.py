"""What new parameters change for the student, in plain words.

Each card's memory is rebuilt from its history under both parameter sets, and its next interval
at the student's desired retention is compared. The change is the geometric mean of the
per-card ratios, so a card going from 2 to 4 days weighs as much as one going from 50 to 100.
Without any history, a typical card (Good at every review, three reviews) stands in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from fsrs_rs_python import FSRS, FSRSItem

from .history import ReviewRecord, by_card, steps, to_item
from .model import next_interval

SAME = 0.05  # changes under 5% are "about the same"


@dataclass(frozen=True)
class Comparison:
    ratio: float  # new interval / old interval; 1.2 means 20% later
    old_days: float  # median next interval before
    new_days: float  # and after
    cards: int  # cards compared; 0 means the typical card
    sentence: str


def compare(
    old: Sequence[float],
    new: Sequence[float],
    reviews: Iterable[ReviewRecord] = (),
    desired_retention: float = 0.9,
) -> Comparison:
    """How much later (or sooner) cards come back under `new` than under `old`."""
    histories = list(by_card(reviews).values())
    if histories:
        items = [to_item(steps(history)) for history in histories]
        before = _intervals(old, items, desired_retention)
        after = _intervals(new, items, desired_retention)
    else:
        before = [_typical_interval(old, desired_retention)]
        after = [_typical_interval(new, desired_retention)]
    ratio = math.exp(sum(math.log(b / a) for a, b in zip(before, after, strict=True)) / len(before))
    return Comparison(
        ratio=ratio,
        old_days=median(before),
        new_days=median(after),
        cards=len(histories),
        sentence=describe(ratio),
    )


def describe(ratio: float) -> str:
    change = round(abs(ratio - 1) * 100)
    if abs(ratio - 1) < SAME:
        return "Your cards will come back at about the same time as before."
    if ratio >= 2:
        return f"Your cards will come back after about {ratio:.1f} times as long as before."
    if ratio > 1:
        return f"Your cards will come back about {change}% later than before."
    return f"Your cards will come back about {change}% sooner than before."


def _intervals(
    parameters: Sequence[float], items: list[FSRSItem], desired_retention: float
) -> list[float]:
    states = FSRS(list(parameters)).memory_state_batch(items)
    return [_days(state.stability, parameters, desired_retention) for state in states]


def _days(stability: float, parameters: Sequence[float], desired_retention: float) -> float:
    # A whole day at least, as the scheduler gives, so ratios stay meaningful.
    return max(1.0, next_interval(stability, desired_retention, parameters[20]))


def _typical_interval(parameters: Sequence[float], desired_retention: float) -> float:
    fsrs = FSRS(list(parameters))
    history = [(3, 0)]
    for _ in range(2):
        state = fsrs.memory_state(to_item(history))
        history.append((3, round(_days(state.stability, parameters, desired_retention))))
    state = fsrs.memory_state(to_item(history))
    return _days(state.stability, parameters, desired_retention)
