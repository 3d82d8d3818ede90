"""What a desired retention costs: fsrs-rs's simulator run on the student's parameters and deck.

Each retention is simulated with fixed seeds and averaged, so the table is the same on every
page load. The suggestion is read off the same table (the row with the least time per
remembered card), so it is always one of the retentions the student is shown.

The simulator of fsrs-rs-python starts every card as new: cards already studied are treated as
if learned again from day one. With daily limits a deck of a few hundred cards is introduced
within weeks, so this shifts mainly the first weeks of the year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import mean, median

from fsrs_rs_python import SimulatorConfig, default_simulator_config, simulate

from .history import ReviewRecord, by_card

# Steps wider than the simulator's noise once SEEDS runs are averaged, so rows keep their order.
RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.93, 0.95, 0.97)
SEEDS = 8
LEARNING, REVIEW, RELEARNING = range(3)  # rows of the simulator's seconds table
PRIOR_WEIGHT = 10  # the defaults count as this many reviews when the log is short
MIN_SAMPLES = 5  # reviews of one kind before their median time replaces the default
LONGEST_ANSWER_S = 300  # longer means the student walked away; such times are ignored


@dataclass(frozen=True)
class Habits:
    """How the student answers: seconds per answer by card state and rating, and how often each
    rating is pressed. From their log, blended with fsrs-rs's defaults where it is thin."""

    seconds: tuple[tuple[float, float, float, float], ...]  # learning, review, relearning
    first_rating: tuple[float, float, float, float]  # again, hard, good, easy on a new card
    review_rating: tuple[float, float, float]  # hard, good, easy when recalled


_DEFAULTS = default_simulator_config()
DEFAULT_HABITS = Habits(
    seconds=tuple(tuple(row) for row in _DEFAULTS.state_rating_costs),
    first_rating=tuple(_DEFAULTS.first_rating_prob),
    review_rating=tuple(_DEFAULTS.review_rating_prob),
)


@dataclass(frozen=True)
class WorkloadRow:
    retention: float
    reviews_per_day: float  # reviews of cards already learned
    new_per_day: float  # new cards learned
    minutes_per_day: float  # all study time, learning steps included
    remembered: float  # cards expected to be recalled on the last day
    minutes_per_remembered: float  # all the period's study time over `remembered`


@dataclass(frozen=True)
class Workload:
    rows: tuple[WorkloadRow, ...]
    deck_size: int
    days: int

    @property
    def suggested(self) -> float:
        """The retention with the least study time per remembered card."""
        return min(self.rows, key=lambda row: row.minutes_per_remembered).retention


def habits(reviews: Iterable[ReviewRecord]) -> Habits:
    """The student's answering habits, from their review log."""
    times: dict[tuple[int, int], list[float]] = {}
    first, recalled = Counter(), Counter()
    for history in by_card(reviews).values():
        first[history[0].rating] += 1
        kind = LEARNING
        for index, record in enumerate(history):
            if index and record.day != history[index - 1].day:
                kind = REVIEW
                if record.rating > 1:
                    recalled[record.rating] += 1
            elif index and kind != LEARNING:
                kind = RELEARNING
            if record.duration_ms and 0 < record.duration_ms <= LONGEST_ANSWER_S * 1000:
                times.setdefault((kind, record.rating), []).append(record.duration_ms / 1000)
    return Habits(
        seconds=_seconds(times),
        first_rating=_blend(first, (1, 2, 3, 4), DEFAULT_HABITS.first_rating),
        review_rating=_blend(recalled, (2, 3, 4), DEFAULT_HABITS.review_rating),
    )


def _seconds(times: dict[tuple[int, int], list[float]]) -> tuple[tuple[float, ...], ...]:
    defaults = DEFAULT_HABITS.seconds
    measured = {
        cell: median(values) for cell, values in times.items() if len(values) >= MIN_SAMPLES
    }
    # A student who is twice as slow where we can see it is likely twice as slow elsewhere.
    scale = (
        median(value / defaults[k][r - 1] for (k, r), value in measured.items()) if measured else 1
    )
    return tuple(
        tuple(
            measured.get((kind, rating), defaults[kind][rating - 1] * scale)
            for rating in range(1, 5)
        )
        for kind in (LEARNING, REVIEW, RELEARNING)
    )


def _blend(counts: Counter, ratings: Sequence[int], prior: Sequence[float]) -> tuple[float, ...]:
    total = sum(counts[rating] for rating in ratings) + PRIOR_WEIGHT
    return tuple(
        (counts[rating] + PRIOR_WEIGHT * share) / total
        for rating, share in zip(ratings, prior, strict=True)
    )


def simulator_config(
    deck_size: int,
    *,
    days: int,
    new_per_day: int,
    reviews_per_day: int,
    habits: Habits,
    learning_steps: bool,
) -> SimulatorConfig:
    config = default_simulator_config()
    config.deck_size = deck_size
    config.learn_span = days
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    config.max_cost_perday = 86_400.0  # quizapp limits counts, not minutes
    config.max_ivl = 36_500.0  # py-fsrs's maximum interval
    config.learning_step_count = 2 if learning_steps else 0  # quizapp: 1 and 10 minutes
    config.relearning_step_count = 1 if learning_steps else 0  # and 10 minutes
    config.state_rating_costs = [list(row) for row in habits.seconds]
    config.first_rating_prob = list(habits.first_rating)
    config.review_rating_prob = list(habits.review_rating)
    return config


def workload(
    parameters: Sequence[float],
    deck_size: int,
    desired_retentions: Sequence[float] = RETENTIONS,
    *,
    days: int = 365,
    new_per_day: int = 20,
    reviews_per_day: int = 200,
    habits: Habits = DEFAULT_HABITS,
    learning_steps: bool = True,
    seeds: int = SEEDS,
) -> Workload:
    """Expected daily reviews, minutes and cards remembered after `days`, per retention."""
    if deck_size < 1:
        raise ValueError("the deck has no cards to simulate")
    config = simulator_config(
        deck_size,
        days=days,
        new_per_day=new_per_day,
        reviews_per_day=reviews_per_day,
        habits=habits,
        learning_steps=learning_steps,
    )
    rows = []
    for retention in desired_retentions:
        runs = [simulate(list(parameters), retention, config, seed) for seed in range(seeds)]
        minutes_per_day = mean(sum(run.cost_per_day) / days / 60 for run in runs)
        remembered = mean(run.memorized_cnt_per_day[-1] for run in runs)
        rows.append(
            WorkloadRow(
                retention=retention,
                reviews_per_day=mean(sum(run.review_cnt_per_day) / days for run in runs),
                new_per_day=mean(sum(run.learn_cnt_per_day) / days for run in runs),
                minutes_per_day=minutes_per_day,
                remembered=remembered,
                minutes_per_remembered=minutes_per_day * days / remembered,
            )
        )
    return Workload(rows=tuple(rows), deck_size=deck_size, days=days)
