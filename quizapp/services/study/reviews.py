"""Reviewing cards: record a rating through FSRS, undo it exactly, suspend, bury, card info."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import scheduling
from ...database import later_of, write_transaction
from ...models import Bank, Card, CardState, Review, User, utcnow
from ...scheduling import NEW, Memory, Preferences, Rating, Scheduled
from .. import retention
from ..exam_secrecy import PAUSED, sealed_for
from ..queries import driver_rows, rows

MAX_DURATION_MS = 3_600_000


class StudyError(ValueError):
    """The request cannot be done; the message is for the student."""


class SealedCard(StudyError):
    """The card belongs to a question of the student's open exam (see exam_secrecy)."""


class StaleCard(StudyError):
    """The rating was for a state of the card that is no longer current (a repeat, an old tab)."""


def preferences(user: User) -> Preferences:
    """The user's scheduling settings, with their personal FSRS parameters if they have some."""
    return Preferences(
        desired_retention=user.desired_retention,
        learning_steps=user.learning_steps,
        parameters=tuple(user.fsrs_parameters) if user.fsrs_parameters else None,
    )


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


def state_values(memory: Memory) -> dict[str, Any]:
    """The CardState columns that hold a memory (shared with the demo's bulk inserts)."""
    return {
        "state": memory.state,
        "step": memory.step,
        "stability": memory.stability,
        "difficulty": memory.difficulty,
        "due": memory.due,
        "last_review": memory.last_review,
        "reps": memory.reps,
        "lapses": memory.lapses,
    }


def apply_memory(state: CardState, memory: Memory) -> None:
    for column, value in state_values(memory).items():
        setattr(state, column, value)
    state.version += 1


def review_values(
    user: User,
    card_id: int,
    rating: Rating,
    now: datetime,
    duration_ms: int | None,
    before: Memory,
    scheduled: Scheduled,
) -> dict[str, Any]:
    """The columns of one Review row (shared with the demo's bulk inserts)."""
    if duration_ms is not None:
        duration_ms = max(0, min(duration_ms, MAX_DURATION_MS))
    return {
        "user_id": user.id,
        "card_id": card_id,
        "rating": int(rating),
        "reviewed_at": now,
        "day": scheduling.study_day(now, user.timezone),
        "duration_ms": duration_ms,
        "state_before": before.state,
        "state_after": scheduled.memory.state,
        "interval_days": scheduled.interval.total_seconds() / 86400,
        "stability": scheduled.memory.stability,
        "difficulty": scheduled.memory.difficulty,
        "before": before.snapshot(),
    }


_LOCK_STATE = (
    sa.select(CardState)
    .where(CardState.user_id == sa.bindparam("user"), CardState.card_id == sa.bindparam("card"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _lock_state(session: Session, user: User, card_id: int) -> CardState | None:
    return session.scalars(_LOCK_STATE, {"user": user.id, "card": card_id}).first()


def _studyable(*columns):
    return (
        sa.select(*columns)
        .join(Bank, Card.bank_id == Bank.id)
        .where(Card.retired_at.is_(None), Bank.retired_at.is_(None))
    )


_STUDYABLE = _studyable(Card.id).where(Card.id == sa.bindparam("card"))


def studyable_card(session: Session, card_id: int) -> Card:
    card = session.scalar(_studyable(Card).where(Card.id == card_id))
    if card is None:
        raise StudyError("That card is not available for study.")
    return card


def check_studyable(session: Session, card_id: int) -> None:
    """Raise StudyError unless the card is active in an active bank (reads only its id)."""
    if rows(session, _STUDYABLE, card=card_id).first() is None:
        raise StudyError("That card is not available for study.")


# A memory's columns of CardState, in the order of Memory's fields.
MEMORY_COLUMNS = (
    CardState.state,
    CardState.step,
    CardState.stability,
    CardState.difficulty,
    CardState.due,
    CardState.last_review,
    CardState.reps,
    CardState.lapses,
)
# A grade reads and writes the card's state and adds its review as plain SQL, built once: no
# ORM objects to build, track and flush for one row read and two written. The state is read
# only while the card is studyable: one query for both on a card already seen (for a new one,
# check_studyable then tells a missing state from a card gone).
_LOCK_MEMORY = (
    sa.select(CardState.id, CardState.version, CardState.suspended, *MEMORY_COLUMNS)
    .where(
        CardState.user_id == sa.bindparam("user"),
        CardState.card_id == sa.bindparam("card"),
        _STUDYABLE.exists(),
    )
    .with_for_update()
)
# The memory's columns come with the parameters (state_values); the row is locked already.
_SAVE_MEMORY = (
    sa.update(CardState)
    .where(CardState.id == sa.bindparam("state_id"))
    .values(version=CardState.version + 1)
)
_ADD_STATE = sa.insert(CardState)
_ADD_REVIEW = sa.insert(Review).returning(Review.id)


def grade_card(
    session: Session,
    user: User,
    card_id: int,
    version: int,
    rating: Rating,
    duration_ms: int | None = None,
    now: datetime | None = None,
) -> Review:
    """Record one rating, if `version` is the state the student was shown. Returns the review
    as stored (not added to the session)."""
    now = now or utcnow()
    with write_transaction(session, keep=(user,)):
        found = driver_rows(session, _LOCK_MEMORY, user=user.id, card=card_id)
        if not found:
            check_studyable(session, card_id)
        state_id, current, suspended, *stored = found[0] if found else (None, 0, False)
        if version != current:
            raise StaleCard("This card was already graded (or changed in another tab).")
        if suspended:
            raise StudyError("This card is suspended.")
        before = Memory(*stored)  # no state yet: Memory() as a new card has
        scheduled = scheduling.review(before, rating, now, card_id, preferences(user))
        memory = state_values(scheduled.memory)
        if state_id is None:
            rows(session, _ADD_STATE, user_id=user.id, card_id=card_id, suspended=False,
                 version=1, **memory)  # fmt: skip
        else:
            rows(session, _SAVE_MEMORY, state_id=state_id, **memory)
        _count_activity(session, user, now, studied=1 if before.is_new else 0)
        values = review_values(user, card_id, rating, now, duration_ms, before, scheduled)
        review_id = rows(session, _ADD_REVIEW, **values).scalar_one()
        retention.review_added(session, values)
    return Review(id=review_id, **values)


# Built once and run as plain SQL on the connection (no ORM bookkeeping; nothing reads the
# counters from the user object): they change in SQL, so concurrent reviews never lose a count.
_COUNT_STUDIED = (
    sa.update(User)
    .where(User.id == sa.bindparam("user"))
    .values(cards_studied=User.cards_studied + sa.bindparam("studied"))
)
_COUNT_ACTIVITY = _COUNT_STUDIED.values(
    last_active_at=later_of(User.last_active_at, sa.bindparam("now", type_=sa.DateTime))
)


def _count_activity(session: Session, user: User, now: datetime | None, studied: int) -> None:
    if now is None:
        rows(session, _COUNT_STUDIED, user=user.id, studied=studied)
    else:
        rows(session, _COUNT_ACTIVITY, user=user.id, studied=studied, now=now)


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
        apply_memory(state, restored)
        if restored.is_new:
            _count_activity(session, user, None, studied=-1)
        card_id = review.card_id
        retention.review_removed(session, review)
        session.delete(review)
    return card_id


def set_suspended(session: Session, user: User, card_id: int, suspended: bool) -> None:
    with write_transaction(session):
        check_studyable(session, card_id)
        state = _lock_state(session, user, card_id) or _new_state(session, user, card_id)
        state.suspended = suspended
        state.version += 1


def bury(session: Session, user: User, card_id: int, now: datetime | None = None) -> None:
    """Hide the card until the user's next study day."""
    now = now or utcnow()
    with write_transaction(session):
        check_studyable(session, card_id)
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


@dataclass
class CardInfo:
    card: Card
    state: CardState | None
    memory: Memory
    retrievability: float | None
    reviews: list[Review]


def card_info(session: Session, user: User, card_id: int, now: datetime | None = None):
    """A card's memory and history for this user; None for a missing or retired card.
    Raises SealedCard while the card's question is in the student's open exam."""
    try:
        card = studyable_card(session, card_id)
    except StudyError:
        return None
    now = now or utcnow()
    if sealed_for(session, user, now).hides_card(card_id):
        raise SealedCard(PAUSED)
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
    return CardInfo(
        card, state, memory, scheduling.retrievability(memory, now, preferences(user)), reviews
    )
