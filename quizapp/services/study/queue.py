"""Decks and today's queue: load the rows, let quizapp.study_queue decide, show the next card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import scheduling
from ...models import Card, CardState, Review, User, utcnow
from ...scheduling import NEW, REVIEW, Memory, Rating
from ...study_queue import CardRef, Deck, Limits, Queue, StateRef, partition
from ..exam_secrecy import Sealed, sealed_for
from ..queries import active_bank, active_banks, active_cards_query
from .reviews import memory_of, preferences


def _active_cards(session: Session, deck: str | None) -> list[CardRef]:
    rows = session.execute(active_cards_query(deck, Card.id, Card.bank_id))
    return [CardRef(*row) for row in rows]


def _states(session: Session, user: User) -> dict[int, StateRef]:
    rows = session.execute(
        sa.select(
            CardState.card_id,
            CardState.state,
            CardState.due,
            CardState.suspended,
            CardState.buried_until,
        ).where(CardState.user_id == user.id)
    )
    return {row.card_id: StateRef(*row) for row in rows}


def _done_today(session: Session, user: User, day: date) -> tuple[int, int]:
    """(new cards introduced, review-state cards reviewed) on this study day."""
    rows = session.execute(
        sa.select(Review.state_before, sa.func.count())
        .where(Review.user_id == user.id, Review.day == day)
        .group_by(Review.state_before)
    ).all()
    counts = dict(rows)
    return counts.get(NEW, 0), counts.get(REVIEW, 0)


def build_queue(
    session: Session,
    user: User,
    deck: str | None,
    now: datetime,
    states=None,
    done=None,
    cards: list[CardRef] | None = None,
    sealed: Sealed | None = None,
) -> Queue:
    """Today's queue of one deck; `states`, `done`, `cards` and `sealed` may be passed in
    when the caller builds several queues at once. Cards of an open exam's questions are left
    out until the exam ends."""
    day = scheduling.study_day(now, user.timezone)
    states = _states(session, user) if states is None else states
    new_done, reviews_done = _done_today(session, user, day) if done is None else done
    limits = Limits(user.new_per_day, user.reviews_per_day, new_done, reviews_done)
    cards = _active_cards(session, deck) if cards is None else cards
    sealed = sealed_for(session, user, now) if sealed is None else sealed
    if sealed:
        cards = [card for card in cards if not sealed.hides_card(card.id)]
    return partition(cards, states, limits, day, scheduling.day_end(day, user.timezone), now)


def decks(session: Session, user: User, now: datetime | None = None) -> list[Deck]:
    """Every deck (bank) with today's counts, then "all"; limits are per user, across decks."""
    now = now or utcnow()
    states = _states(session, user)
    done = _done_today(session, user, scheduling.study_day(now, user.timezone))
    sealed = sealed_for(session, user, now)
    every_card = [c for c in _active_cards(session, None) if not sealed.hides_card(c.id)]
    per_bank: dict[int, list[CardRef]] = {}
    for card in every_card:
        per_bank.setdefault(card.bank_id, []).append(card)
    result = []
    for bank in [*active_banks(session), None]:
        cards = per_bank.get(bank.id, []) if bank else every_card
        queue = build_queue(session, user, None, now, states, done, cards, sealed)
        result.append(
            queue.counts(bank.slug if bank else "all", bank.title if bank else "All decks")
        )
    return result


def deck_counts(session: Session, user: User, deck: str | None, now=None) -> Deck:
    """Today's counts of one deck ("all" when `deck` is None)."""
    queue = build_queue(session, user, deck, now or utcnow())
    return queue.counts(deck or "all", deck_title(session, deck) or "")


def deck_title(session: Session, deck: str | None) -> str | None:
    if deck is None:
        return "All decks"
    bank = active_bank(session, deck)
    return bank.title if bank else None


@dataclass
class StudyCard:
    card: Card
    memory: Memory
    version: int
    intervals: dict[Rating, timedelta]
    counts: Deck


def next_card(
    session: Session,
    user: User,
    deck: str | None,
    now=None,
    show: int | None = None,
    title: str | None = None,
    sealed: Sealed | None = None,
) -> tuple[StudyCard | None, Deck]:
    """The card to study next (or `show`, e.g. the card just undone, if it is in the deck
    and not sealed by an open exam). `title` is the deck's title when the caller has it."""
    now = now or utcnow()
    sealed = sealed_for(session, user, now) if sealed is None else sealed
    queue = build_queue(session, user, deck, now, sealed=sealed)
    counts = queue.counts(deck or "all", title or deck_title(session, deck) or "")
    ref = queue.next(now)
    if show is not None and not sealed.hides_card(show):
        ref = next((c for c in _active_cards(session, deck) if c.id == show), ref)
    if ref is None:
        return None, counts
    card = session.get(Card, ref.id)
    state = session.scalar(
        sa.select(CardState).where(CardState.user_id == user.id, CardState.card_id == ref.id)
    )
    return study_card(user, card, state, now, counts), counts


def study_card(user: User, card: Card, state: CardState | None, now: datetime, counts: Deck):
    memory = memory_of(state)
    intervals = scheduling.intervals_by_rating(memory, now, card.id, preferences(user))
    return StudyCard(card, memory, state.version if state else 0, intervals, counts)
