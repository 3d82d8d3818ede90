"""Today's study queue, decided from plain rows: which cards are new, due, learning now or later
today, within the daily limits of each deck and of all decks together. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    """Daily limits and what was done against them today. None: no limit of its own (a deck
    without one is held by the all-decks limit only)."""

    new_per_day: int | None
    reviews_per_day: int | None
    new_done: int = 0  # new cards introduced this study day
    reviews_done: int = 0  # review-state cards reviewed this study day

    @property
    def new_left(self) -> int | None:
        return None if self.new_per_day is None else max(0, self.new_per_day - self.new_done)

    @property
    def reviews_left(self) -> int | None:
        if self.reviews_per_day is None:
            return None
        return max(0, self.reviews_per_day - self.reviews_done)


NO_LIMITS = Limits(None, None)


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

    def only(self, bank_id: int) -> Queue:
        """The part of this queue that belongs to one deck, in the same order."""

        def mine(cards: list[CardRef]) -> list[CardRef]:
            return [card for card in cards if card.bank_id == bank_id]

        return Queue(
            mine(self.learning_now),
            mine(self.reviews),
            mine(self.new),
            mine(self.learning_later),
            self.states,
        )


def _cut(cards: list[CardRef], left: int | None) -> list[CardRef]:
    return cards if left is None else cards[:left]


def plan_day(
    cards: list[CardRef],
    states: dict[int, StateRef],
    limits: Limits,
    deck_limits: Mapping[int, Limits],
    day: date,
    day_end: datetime,
    now: datetime,
) -> Queue:
    """The whole day's queue of every deck (`cards` in study order: deck by deck).

    Suspended and buried cards stay out. Each deck's own limits cut its new cards (in deck
    order) and its reviews (earliest due first); the all-decks `limits` then cut the rest, new
    cards in deck order and reviews by due time across decks, so the all-decks limit caps every
    deck (Anki's rule). A deck studied alone gets exactly its part of this queue
    (`Queue.only`): so the counts of the decks add up to the day's, and each count is what
    studying that deck gives.
    """
    queue = Queue(states=states)
    order = {card.id: index for index, card in enumerate(cards)}
    new_by_deck: dict[int, list[CardRef]] = {}
    reviews_by_deck: dict[int, list[CardRef]] = {}
    for card in cards:
        state = states.get(card.id)
        if state is not None and (
            state.suspended or (state.buried_until is not None and state.buried_until >= day)
        ):
            continue
        if state is None or state.state == NEW:
            new_by_deck.setdefault(card.bank_id, []).append(card)
        elif state.state == REVIEW:
            if state.due < day_end:
                reviews_by_deck.setdefault(card.bank_id, []).append(card)
        elif state.due <= now:
            queue.learning_now.append(card)
        elif state.due < day_end:
            queue.learning_later.append(card)

    def by_due(card: CardRef) -> tuple:
        return states[card.id].due, order[card.id]

    for cards_due in (queue.learning_now, queue.learning_later, *reviews_by_deck.values()):
        cards_due.sort(key=by_due)
    new = [
        card
        for bank_id, deck_new in new_by_deck.items()  # dicts keep the decks' order
        for card in _cut(deck_new, deck_limits.get(bank_id, NO_LIMITS).new_left)
    ]
    reviews = [
        card
        for bank_id, deck_reviews in reviews_by_deck.items()
        for card in _cut(deck_reviews, deck_limits.get(bank_id, NO_LIMITS).reviews_left)
    ]
    queue.new = _cut(new, limits.new_left)
    queue.reviews = _cut(sorted(reviews, key=by_due), limits.reviews_left)
    return queue
