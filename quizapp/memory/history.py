"""A student's review log, as FSRS learns from it.

fsrs-rs trains on items: a card's reviews up to and including one that came on a later study
day than the review before it. That last review is the outcome to predict; the earlier ones,
same-day learning steps included (delta_t 0, FSRS's short-term memory), are its history. A
card's very first review and its same-day repeats are never outcomes, as in Anki's conversion
of its review log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fsrs_rs_python import FSRSItem, FSRSReview

# fsrs-rs `compute_parameters` returns the defaults unchanged for fewer than 8 training items
# and refits only the four initial stabilities for fewer than 64; from 64 it fits all 21
# parameters. Anki (24.06 on) has no threshold of its own and relies on these. We offer
# optimisation from the full-fit threshold, counted in the same training items.
MINIMUM_REVIEWS = 64


@dataclass(frozen=True)
class ReviewRecord:
    """One grade from the review log (the `review` table's columns, nothing else)."""

    card_id: int
    reviewed_at: datetime  # UTC, naive or aware; orders a day's reviews
    day: date  # the student's study day (local date, turning over at 04:00)
    rating: int  # 1 again, 2 hard, 3 good, 4 easy
    duration_ms: int | None = None

    def __post_init__(self) -> None:
        if self.rating not in (1, 2, 3, 4):
            raise ValueError(
                f"review of card {self.card_id}: rating must be 1-4, not {self.rating}"
            )


Step = tuple[int, int]  # (rating, days since the card's previous review; 0 for the first)


@dataclass(frozen=True)
class TrainingSet:
    """FSRS training items, as steps, in the time order of the review each one predicts."""

    histories: tuple[tuple[Step, ...], ...]
    card_ids: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.histories)

    def __getitem__(self, window: slice) -> TrainingSet:
        return TrainingSet(self.histories[window], self.card_ids[window])

    def items(self) -> list[FSRSItem]:
        return [to_item(history) for history in self.histories]


def to_item(steps: Iterable[Step]) -> FSRSItem:
    return FSRSItem([FSRSReview(rating, delta_t) for rating, delta_t in steps])


def _sort_key(record: ReviewRecord) -> tuple:
    moment = record.reviewed_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (record.day, moment)


def by_card(reviews: Iterable[ReviewRecord]) -> dict[int, list[ReviewRecord]]:
    """Each card's reviews, oldest first."""
    cards: dict[int, list[ReviewRecord]] = {}
    for record in reviews:
        cards.setdefault(record.card_id, []).append(record)
    for history in cards.values():
        history.sort(key=_sort_key)
    return cards


def steps(history: list[ReviewRecord]) -> list[Step]:
    """A card's reviews (oldest first) with delta_t in whole study days since the previous one."""
    found = []
    previous: date | None = None
    for record in history:
        found.append(
            (record.rating, 0 if previous is None else max(0, (record.day - previous).days))
        )
        previous = record.day
    return found


def training_set(reviews: Iterable[ReviewRecord]) -> TrainingSet:
    """Every item FSRS can learn from, oldest outcome first (time-series splits need that)."""
    found = []
    for card_id, history in by_card(reviews).items():
        card_steps = steps(history)
        for index in range(1, len(history)):
            if history[index].day != history[index - 1].day:
                found.append((_sort_key(history[index]), card_id, tuple(card_steps[: index + 1])))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return TrainingSet(
        histories=tuple(prefix for _, _, prefix in found),
        card_ids=tuple(card_id for _, card_id, _ in found),
    )


def usable_reviews(reviews: Iterable[ReviewRecord]) -> int:
    """How many reviews FSRS can learn from; optimise needs MINIMUM_REVIEWS of them."""
    return len(training_set(reviews))
