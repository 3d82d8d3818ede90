"""Flashcard study: daily queues, grading through FSRS, undo, suspend, bury, settings."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import scheduling
from ..database import later_of, write_transaction
from ..models import Bank, Card, CardState, Review, User, utcnow
from ..scheduling import NEW, Grade, Memory, Preferences

REVIEW = 2


class StudyError(ValueError):
    """The request cannot be done; the message is for the student."""


class StaleCard(StudyError):
    """The grade was for a state of the card that is no longer current (a repeat or an old tab)."""


def preferences(user: User) -> Preferences:
    return Preferences(desired_retention=user.desired_retention, learning_steps=user.learning_steps)


def memory_of(state: CardState | None) -> Memory:
    if state is None:
        return Memory()
    return Memory(
        state=state.state,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
        reps=state.reps,
        lapses=state.lapses,
    )


def _apply(state: CardState, memory: Memory) -> None:
    state.state, state.step = memory.state, memory.step
    state.stability, state.difficulty = memory.stability, memory.difficulty
    state.due, state.last_review = memory.due, memory.last_review
    state.reps, state.lapses = memory.reps, memory.lapses
    state.version += 1


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
        soon = [
            c for c in self.learning_later if self.states[c.id].due <= now + scheduling.LEARN_AHEAD
        ]
        return soon[0] if soon else None


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


def _active_cards_query(deck: str | None, *columns):
    query = (
        sa.select(*columns)
        .join(Bank, Card.bank_id == Bank.id)
        .where(Card.retired_at.is_(None), Bank.retired_at.is_(None))
        .order_by(Bank.position, Bank.id, Card.position)
    )
    return query.where(Bank.slug == deck) if deck else query


def _active_cards(session: Session, deck: str | None) -> list[CardRef]:
    rows = session.execute(_active_cards_query(deck, Card.id, Card.bank_id))
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
) -> Queue:
    """Today's queue of one deck; `states`, `done` and `cards` may be passed in when the
    caller builds several queues at once."""
    day = scheduling.study_day(now, user.timezone)
    end = scheduling.day_end(day, user.timezone)
    states = _states(session, user) if states is None else states
    new_done, reviews_done = _done_today(session, user, day) if done is None else done
    queue = Queue(states=states)
    for card in _active_cards(session, deck) if cards is None else cards:
        state = states.get(card.id)
        if state is not None and (
            state.suspended or (state.buried_until is not None and state.buried_until >= day)
        ):
            continue
        if state is None or state.state == NEW:
            queue.new.append(card)
        elif state.state == REVIEW:
            if state.due < end:
                queue.reviews.append(card)
        elif state.due <= now:
            queue.learning_now.append(card)
        elif state.due < end:
            queue.learning_later.append(card)
    queue.reviews.sort(key=lambda c: states[c.id].due)
    queue.learning_now.sort(key=lambda c: states[c.id].due)
    queue.learning_later.sort(key=lambda c: states[c.id].due)
    del queue.new[max(0, user.new_per_day - new_done) :]
    del queue.reviews[max(0, user.reviews_per_day - reviews_done) :]
    return queue


def decks(session: Session, user: User, now: datetime | None = None) -> list[Deck]:
    """Every deck (bank) with today's counts, then "all"; limits are per user, across decks."""
    now = now or utcnow()
    states = _states(session, user)
    done = _done_today(session, user, scheduling.study_day(now, user.timezone))
    banks = session.scalars(
        sa.select(Bank).where(Bank.retired_at.is_(None)).order_by(Bank.position, Bank.id)
    )
    every_card = _active_cards(session, None)
    per_bank: dict[int, list[CardRef]] = {}
    for card in every_card:
        per_bank.setdefault(card.bank_id, []).append(card)
    result = []
    for bank in [*banks, None]:
        cards = per_bank.get(bank.id, []) if bank else every_card
        queue = build_queue(session, user, None, now, states, done, cards)
        result.append(
            queue.counts(bank.slug if bank else "all", bank.title if bank else "All decks")
        )
    return result


def deck_counts(session: Session, user: User, deck: str | None, now=None) -> Deck:
    """Today's counts of one deck ("all" when `deck` is None)."""
    queue = build_queue(session, user, deck, now or utcnow())
    return queue.counts(deck or "all", deck_title(session, deck) or "")


@dataclass
class StudyCard:
    card: Card
    memory: Memory
    version: int
    intervals: dict[Grade, timedelta]
    counts: Deck


def deck_title(session: Session, deck: str | None) -> str | None:
    if deck is None:
        return "All decks"
    return session.scalar(sa.select(Bank.title).where(Bank.slug == deck, Bank.retired_at.is_(None)))


def next_card(
    session: Session, user: User, deck: str | None, now=None, show: int | None = None
) -> tuple[StudyCard | None, Deck]:
    """The card to study next (or `show`, e.g. the card just undone, if it is in the deck)."""
    now = now or utcnow()
    queue = build_queue(session, user, deck, now)
    counts = queue.counts(deck or "all", deck_title(session, deck) or "")
    ref = queue.next(now)
    if show is not None:
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
    intervals = scheduling.preview(memory, now, card.id, preferences(user))
    return StudyCard(card, memory, state.version if state else 0, intervals, counts)


def _lock_state(session: Session, user: User, card_id: int) -> CardState | None:
    return session.scalar(
        sa.select(CardState)
        .where(CardState.user_id == user.id, CardState.card_id == card_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _studyable_card(session: Session, card_id: int) -> Card:
    card = session.scalar(
        sa.select(Card)
        .join(Bank, Card.bank_id == Bank.id)
        .where(Card.id == card_id, Card.retired_at.is_(None), Bank.retired_at.is_(None))
    )
    if card is None:
        raise StudyError("That card is not available for study.")
    return card


def grade_card(
    session: Session,
    user: User,
    card_id: int,
    version: int,
    grade: Grade,
    duration_ms: int | None = None,
    now: datetime | None = None,
) -> Review:
    """Record one grade, if `version` is the state the student was shown."""
    now = now or utcnow()
    with write_transaction(session):
        _studyable_card(session, card_id)
        state = _lock_state(session, user, card_id)
        current = state.version if state else 0
        if version != current:
            raise StaleCard("This card was already graded (or changed in another tab).")
        state = state or _new_state(session, user, card_id)
        if state.suspended:
            raise StudyError("This card is suspended.")
        before = memory_of(state)
        outcome = scheduling.review(before, grade, now, card_id, preferences(user))
        _apply(state, outcome.memory)
        _count_activity(session, user, now, studied=1 if before.is_new else 0)
        review = Review(
            user_id=user.id,
            card_id=card_id,
            rating=int(grade),
            reviewed_at=now,
            day=scheduling.study_day(now, user.timezone),
            duration_ms=duration_ms if duration_ms is None else max(0, min(duration_ms, 3_600_000)),
            state_before=before.state,
            state_after=outcome.memory.state,
            interval_days=outcome.interval.total_seconds() / 86400,
            stability=outcome.memory.stability,
            difficulty=outcome.memory.difficulty,
            before=before.snapshot(),
        )
        session.add(review)
    return review


def _count_activity(session: Session, user: User, now: datetime | None, studied: int) -> None:
    values: dict = {"cards_studied": User.cards_studied + studied}
    if now is not None:
        values["last_active_at"] = later_of(User.last_active_at, now)
    session.execute(sa.update(User).where(User.id == user.id).values(**values))


def latest(column, moment: datetime):
    """SQL for the later of a nullable timestamp column and `moment` (portable)."""
    return sa.case((column.is_(None), moment), (column < moment, moment), else_=column)


def last_review_id(session: Session, user: User) -> int | None:
    return session.scalar(
        sa.select(Review.id).where(Review.user_id == user.id).order_by(Review.id.desc()).limit(1)
    )


def undo(session: Session, user: User, review_id: int) -> int:
    """Revert the user's latest review exactly (memory and log); returns the card id.

    `review_id` must be that latest review, so a repeated undo request undoes only once.
    """
    with write_transaction(session):
        review = session.scalar(
            sa.select(Review)
            .where(Review.user_id == user.id)
            .order_by(Review.id.desc())
            .limit(1)
            .with_for_update()
        )
        if review is None or review.id != review_id:
            raise StaleCard("Nothing to undo: that review was already undone or is not the last.")
        state = _lock_state(session, user, review.card_id)
        restored = Memory.from_snapshot(review.before)
        _apply(state, restored)
        if restored.is_new:
            _count_activity(session, user, None, studied=-1)
        card_id = review.card_id
        session.delete(review)
    return card_id


def set_suspended(session: Session, user: User, card_id: int, suspended: bool) -> None:
    with write_transaction(session):
        _studyable_card(session, card_id)
        state = _lock_state(session, user, card_id) or _new_state(session, user, card_id)
        state.suspended = suspended
        state.version += 1


def bury(session: Session, user: User, card_id: int, now: datetime | None = None) -> None:
    """Hide the card until the user's next study day."""
    now = now or utcnow()
    with write_transaction(session):
        _studyable_card(session, card_id)
        state = _lock_state(session, user, card_id) or _new_state(session, user, card_id)
        state.buried_until = scheduling.study_day(now, user.timezone)
        state.version += 1


def _new_state(session: Session, user: User, card_id: int) -> CardState:
    # Column defaults apply only at flush; the scheduler reads these before that.
    state = CardState(
        user_id=user.id, card_id=card_id, state=NEW, reps=0, lapses=0, suspended=False, version=0
    )
    session.add(state)
    return state


def reschedule(session: Session, user: User) -> int:
    """Replay every card's review log under the user's current settings; returns cards changed."""
    prefs = preferences(user)
    changed = 0
    with write_transaction(session):
        logs: dict[int, list[tuple[datetime, Grade]]] = {}
        for card_id, moment, rating in session.execute(
            sa.select(Review.card_id, Review.reviewed_at, Review.rating).where(
                Review.user_id == user.id
            )
        ):
            logs.setdefault(card_id, []).append((moment, Grade(rating)))
        for state in session.scalars(
            sa.select(CardState).where(CardState.user_id == user.id).with_for_update()
        ):
            memory = scheduling.replay(logs.get(state.card_id, []), state.card_id, prefs)
            if memory != memory_of(state):
                _apply(state, memory)
                changed += 1
    return changed


@dataclass
class SettingsChange:
    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    timezone: str
    learning_steps: bool


def update_settings(session: Session, user: User, change: SettingsChange) -> int:
    """Save study settings; retention or learning steps changes reschedule (returns count)."""
    low, high = scheduling.RETENTION_RANGE
    if not low <= change.desired_retention <= high:
        raise StudyError(f"Desired retention must be between {low:.2f} and {high:.2f}.")
    replan = (user.desired_retention, user.learning_steps) != (
        change.desired_retention,
        change.learning_steps,
    )
    with write_transaction(session):
        row = session.get(User, user.id, with_for_update=True)
        row.desired_retention = change.desired_retention
        row.new_per_day, row.reviews_per_day = change.new_per_day, change.reviews_per_day
        row.timezone, row.timezone_set = change.timezone, True
        row.learning_steps = change.learning_steps
    return reschedule(session, user) if replan else 0


def detect_timezone(session: Session, user: User, name: str) -> bool:
    """Take the browser's time zone once, on the first visit; later changes are in settings."""
    if user.timezone_set or not scheduling.valid_zone(name):
        return False
    with write_transaction(session):
        session.execute(
            sa.update(User)
            .where(User.id == user.id, User.timezone_set.is_(False))
            .values(timezone=name, timezone_set=True)
        )
    return True


@dataclass
class CardInfo:
    card: Card
    state: CardState | None
    memory: Memory
    retrievability: float | None
    reviews: list[Review]


def card_info(session: Session, user: User, card_id: int, now: datetime | None = None):
    """A card's memory and history for this user; None for a missing or retired card."""
    try:
        card = _studyable_card(session, card_id)
    except StudyError:
        return None
    state = session.scalar(
        sa.select(CardState).where(CardState.user_id == user.id, CardState.card_id == card_id)
    )
    reviews = list(
        session.scalars(
            sa.select(Review)
            .where(Review.user_id == user.id, Review.card_id == card_id)
            .order_by(Review.reviewed_at)
        )
    )
    memory = memory_of(state)
    now = now or utcnow()
    return CardInfo(
        card, state, memory, scheduling.retrievability(memory, now, preferences(user)), reviews
    )


def cram_order(session: Session, deck: str | None, seed: int) -> list[Card]:
    """Every active card of the deck in a shuffled order that the seed repeats."""
    cards = list(session.scalars(_active_cards_query(deck, Card)))
    random.Random(seed).shuffle(cards)
    return cards
