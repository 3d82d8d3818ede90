"""Today's study queue of a deck, decided from plain rows: which cards are new, due, learning
now or later today, within the daily limits. No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from .scheduling import LEARN_AHEAD, NEW, REVIEW


class CardRef(NamedTuple):
    """Just enough of a card to queue it (whole rows are loaded only for the card shown)."""

    id: int
    bank_id: int


class StateRef(NamedTuple):
    card_id: int
    state: int
    due: datetime | None
    suspended: bool
    buried_until: date | None


@dataclass
class Deck:
    slug: str  # a bank slug, or "all"
    title: str
    new: int = 0
    learning: int = 0
    due: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


@dataclass(frozen=True)
class Limits:
    new_per_day: int
    reviews_per_day: int
    new_done: int = 0  # new cards already introduced this study day
    reviews_done: int = 0  # review-state cards already reviewed this study day


@dataclass
class Queue:
    """What is left to study today in one deck, in the order it will be shown."""

    learning_now: list[CardRef] = field(default_factory=list)
    reviews: list[CardRef] = field(default_factory=list)
    new: list[CardRef] = field(default_factory=list)
    learning_later: list[CardRef] = field(default_factory=list)  # due later today
    states: dict[int, StateRef] = field(default_factory=dict)

    def counts(self, slug: str, title: str) -> Deck:
        learning = len(self.learning_now) + len(self.learning_later)
        return Deck(slug, title, len(self.new), learning, len(self.reviews))

    def next(self, now: datetime) -> CardRef | None:
        if self.learning_now:
            return self.learning_now[0]
        if self.reviews:
            return self.reviews[0]
        if self.new:
            return self.new[0]
        # Nothing else today: show learning cards a little early, as Anki does.
        soon = [c for c in self.learning_later if self.states[c.id].due <= now + LEARN_AHEAD]
        return soon[0] if soon else None


def partition(
    cards: list[CardRef],
    states: dict[int, StateRef],
    limits: Limits,
    day: date,
    day_end: datetime,
    now: datetime,
) -> Queue:
    """Sort a deck's cards (in deck order) into today's queue; suspended and buried cards
    stay out, and the daily limits cut the new cards and the reviews."""
    queue = Queue(states=states)
    for card in cards:
        state = states.get(card.id)
        if state is not None and (
            state.suspended or (state.buried_until is not None and state.buried_until >= day)
        ):
            continue
        if state is None or state.state == NEW:
            queue.new.append(card)
        elif state.state == REVIEW:
            if state.due < day_end:
                queue.reviews.append(card)
        elif state.due <= now:
            queue.learning_now.append(card)
        elif state.due < day_end:
            queue.learning_later.append(card)
    for cards_due in (queue.reviews, queue.learning_now, queue.learning_later):
        cards_due.sort(key=lambda c: states[c.id].due)
    del queue.new[max(0, limits.new_per_day - limits.new_done) :]
    del queue.reviews[max(0, limits.reviews_per_day - limits.reviews_done) :]
    return queue
