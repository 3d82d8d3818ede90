"""Spaced repetition on top of the `fsrs` package (py-fsrs). No Flask, no database.

A card's memory is a plain dataclass that the database stores column by column. New cards
have state NEW (py-fsrs has no such state: it starts them in Learning at step 0).
Fuzz is ours and deterministic (seeded by card and review count), so the interval a grade
button shows is exactly the one that grade gives.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import IntEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import fsrs
from fsrs import Scheduler, State
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

NEW = 0
REVIEW = int(State.Review)
DAY_STARTS_AT = time(4)  # like Anki: a late-night session still counts for the same day
LEARN_AHEAD = timedelta(minutes=20)
RETENTION_RANGE = (0.70, 0.97)


class Rating(IntEnum):
    """The four answer buttons (fsrs's Rating)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Memory:
    """What the scheduler knows about one user's card."""

    state: int = NEW  # NEW, or fsrs State: 1 learning, 2 review, 3 relearning
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # UTC, naive (as stored)
    last_review: datetime | None = None  # UTC, naive
    reps: int = 0
    lapses: int = 0

    @property
    def is_new(self) -> bool:
        return self.state == NEW

    def snapshot(self) -> dict:
        """A JSON-able copy, kept with each review so undo restores it exactly."""
        data = asdict(self)
        for key in ("due", "last_review"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_snapshot(cls, data: dict) -> Memory:
        values = dict(data)
        for key in ("due", "last_review"):
            values[key] = datetime.fromisoformat(values[key]) if values[key] else None
        return cls(**values)


@dataclass(frozen=True)
class Preferences:
    desired_retention: float = 0.90
    learning_steps: bool = True
    fuzz: bool = True
    # Personal FSRS parameters (a tuple, so scheduler() can cache); None: FSRS's defaults.
    parameters: tuple[float, ...] | None = None


def checked_parameters(values: Sequence[float]) -> tuple[float, ...]:
    """FSRS-6 parameters as the scheduler accepts them: 21 finite numbers, each held within
    py-fsrs's bounds (fsrs-rs fits in 32-bit floats, so a bound may be missed by a hair).
    Raises ValueError for anything else."""
    values = tuple(float(value) for value in values)
    if len(values) != len(LOWER_BOUNDS_PARAMETERS) or not all(map(math.isfinite, values)):
        raise ValueError(f"FSRS needs {len(LOWER_BOUNDS_PARAMETERS)} finite parameters")
    return tuple(
        min(high, max(low, value))
        for value, low, high in zip(
            values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )


@dataclass(frozen=True)
class Scheduled:
    """A review's result: the new memory and the interval until the card is due."""

    memory: Memory
    interval: timedelta


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _naive(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment is not None else None


@lru_cache(maxsize=64)
def scheduler(preferences: Preferences) -> Scheduler:
    steps = (timedelta(minutes=1), timedelta(minutes=10)) if preferences.learning_steps else ()
    relearning = (timedelta(minutes=10),) if preferences.learning_steps else ()
    personal = {"parameters": preferences.parameters} if preferences.parameters else {}
    return Scheduler(
        **personal,
        desired_retention=preferences.desired_retention,
        learning_steps=steps,
        relearning_steps=relearning,
        enable_fuzzing=False,
    )


def _to_fsrs(memory: Memory, card_id: int, now: datetime) -> fsrs.Card:
    if memory.is_new:
        return fsrs.Card(card_id=card_id, state=State.Learning, step=0, due=_aware(now))
    return fsrs.Card(
        card_id=card_id,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_aware(memory.due),
        last_review=_aware(memory.last_review),
    )


def _fuzzed(interval: timedelta, card_id: int, reps: int) -> timedelta:
    """Spread day-long intervals a little (about ±5%, at least ±1 day from 7 days on), the
    same way every time for the same card and review count."""
    days = interval.total_seconds() / 86400
    if days < 3:
        return interval
    spread = max(1.0, days * 0.05) if days >= 7 else days * 0.05
    digest = hashlib.sha256(f"{card_id}:{reps}".encode()).digest()
    unit = int.from_bytes(digest[:8], "big") / 2**64  # 0 <= unit < 1
    return timedelta(days=max(1, round(days + (2 * unit - 1) * spread)))


def review(
    memory: Memory, rating: Rating, now: datetime, card_id: int, preferences: Preferences
) -> Scheduled:
    """The memory after grading the card at `now` (UTC, naive or aware)."""
    now_aware = _aware(now)
    card, _ = scheduler(preferences).review_card(
        _to_fsrs(memory, card_id, now_aware), fsrs.Rating(int(rating)), review_datetime=now_aware
    )
    interval = card.due - now_aware
    if preferences.fuzz and card.state == State.Review:
        interval = _fuzzed(interval, card_id, memory.reps)
    lapsed = memory.state == State.Review and rating == Rating.AGAIN
    result = Memory(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_naive(now_aware + interval),
        last_review=_naive(now_aware),
        reps=memory.reps + 1,
        lapses=memory.lapses + (1 if lapsed else 0),
    )
    return Scheduled(result, interval)


def intervals_by_rating(
    memory: Memory, now: datetime, card_id: int, preferences: Preferences
) -> dict[Rating, timedelta]:
    """The interval each rating would give now, for the labels on the rating buttons."""
    return {rating: review(memory, rating, now, card_id, preferences).interval for rating in Rating}


def retrievability(memory: Memory, now: datetime, preferences: Preferences) -> float | None:
    """Predicted probability of recall now; None for a card never reviewed."""
    if memory.is_new or memory.stability is None:
        return None
    card = _to_fsrs(memory, 0, _aware(now))
    return scheduler(preferences).get_card_retrievability(card, current_datetime=_aware(now))


def recall_at(
    now: datetime, preferences: Preferences
) -> Callable[[int, float | None, datetime | None], float | None]:
    """retrievability() of many cards at one moment, from a card's state, stability and last
    review alone: chance(state, stability, last_review). The same forgetting curve py-fsrs
    computes (get_card_retrievability, whole days since the last review), without building an
    fsrs card for each; tests/unit/test_scheduling.py checks that the two agree exactly."""
    decay = -scheduler(preferences).parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    moment = _aware(now).astimezone(UTC).replace(tzinfo=None)

    def chance(state: int, stability: float | None, last_review: datetime | None):
        if state == NEW or stability is None:
            return None
        if last_review is None:
            return 0
        return (1 + factor * max(0, (moment - last_review).days) / stability) ** decay

    return chance


def replay(
    ratings: Iterable[tuple[datetime, Rating]], card_id: int, preferences: Preferences
) -> Memory:
    """Rebuild a card's memory from its review log under `preferences` (e.g. a new retention)."""
    memory = Memory()
    for moment, rating in sorted(ratings, key=lambda entry: entry[0]):
        memory = review(memory, rating, moment, card_id, preferences).memory
    return memory


def format_interval(interval: timedelta) -> str:
    """Short labels like Anki's: 10m, 1h, 1d, 12d, 3.5mo, 1.2y."""
    seconds = max(0, interval.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        months = days / 30.4
        return f"{months:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_zone(name: str) -> bool:
    return name in time_zones()


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return UTC


def study_day(now: datetime, timezone: str) -> date:
    """The user's study day at `now`: local date, turning over at 04:00 local time."""
    local = _aware(now).astimezone(zone(timezone))
    return (local - timedelta(hours=DAY_STARTS_AT.hour)).date()


def day_end(day: date, timezone: str) -> datetime:
    """When `day` ends (04:00 local of the next date), as naive UTC."""
    local = datetime.combine(day + timedelta(days=1), DAY_STARTS_AT, tzinfo=zone(timezone))
    return _naive(local)


def due_day_counts(dues: Iterable[datetime], today: date, days: int, timezone: str) -> list[int]:
    """How many of `dues` (naive UTC) fall on each of the `days` study days from `today`
    (earlier ones count today; later ones nowhere): max(today, study_day(due)) per due.

    While the zone's UTC offset stays the same over those days (no DST change), each day
    ends at a fixed moment and a due's day is found by bisecting those ends, not by a
    time-zone conversion per due; tests/unit/test_scheduling.py checks the two agree."""
    ends = [day_end(today + timedelta(days=i), timezone) for i in range(-1, days)]
    tz = zone(timezone)
    offsets = {end.replace(tzinfo=UTC).astimezone(tz).utcoffset() for end in ends}
    horizon, ends = ends[-1], ends[1:]
    if len(offsets) == 1:
        found = Counter(bisect_right(ends, due) for due in dues if due < horizon)
    else:
        found = Counter(
            (max(today, study_day(due, timezone)) - today).days for due in dues if due < horizon
        )
    return [found.get(i, 0) for i in range(days)]
