"""Finishing attempts: submit once, close on expiry, and results as they stand (a GET reads
an expired exam's results without writing; the next write touching it closes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ... import qtypes
from ...attempt_rules import time_is_up
from ...database import later_of, write_transaction
from ...models import Attempt, AttemptItem, User, utcnow
from ...vocab import AttemptStatus


def is_over(attempt: Attempt, now: datetime | None = None) -> bool:
    """Submitted, or its time ran out (even if no write has closed it yet)."""
    return attempt.finished or time_is_up(attempt.deadline, now or utcnow())


def time_ran_out(attempt: Attempt, now: datetime | None = None) -> bool:
    """Not submitted, but out of time: shown as submitted with what was saved in time."""
    return not attempt.finished and time_is_up(attempt.deadline, now or utcnow())


def mark(item: AttemptItem) -> tuple[float, float]:
    """(fraction, points) of a saved answer, graded now if it was not graded yet."""
    if item.fraction is not None:
        return item.fraction, item.points
    if item.response is None:
        return 0.0, 0.0
    fraction = qtypes.get(item.version.type).grade(item.version.data, item.response).fraction
    return fraction, fraction * item.max_points


@dataclass
class AttemptResults:
    """Score and marks of a finished attempt, or of an expired one as its closing will make them."""

    attempt: Attempt
    score: float
    submitted_at: datetime
    auto_submitted: bool
    marks: dict[int, tuple[float, float]]  # item id -> (fraction, points)


def results(attempt: Attempt, now: datetime | None = None) -> AttemptResults | None:
    """The results of an attempt that is over (None while it is not); reads only."""
    if attempt.finished:
        marks = {item.id: (item.fraction or 0.0, item.points) for item in attempt.items}
        return AttemptResults(
            attempt, attempt.score, attempt.submitted_at, attempt.auto_submitted, marks
        )
    if not time_ran_out(attempt, now):
        return None
    marks = {item.id: mark(item) for item in attempt.items}
    score = sum(points for _, points in marks.values())
    return AttemptResults(attempt, score, attempt.deadline, True, marks)


def submit(session: Session, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt and grade it; submitting again changes nothing."""
    now = now or utcnow()
    with write_transaction(session):
        locked = lock_attempt(session, attempt.id)
        if locked.open:  # not submitted already, nor closed as abandoned
            # A submit at or after the deadline is the timer's doing (the page submits at zero).
            auto = locked.deadline is not None and now >= locked.deadline
            when = locked.deadline if auto and time_is_up(locked.deadline, now) else now
            close(session, locked, when, auto)
    session.refresh(attempt)
    return attempt


def lock_attempt(
    session: Session, attempt_id: int, user: User | None = None, items: bool = True
) -> Attempt | None:
    """The attempt (with its questions, unless `items` is False), locked for this
    transaction (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction holds the lock)."""
    query = (
        sa.select(Attempt)
        .where(Attempt.id == attempt_id)
        .with_for_update(of=Attempt)
        .execution_options(populate_existing=True)
    )
    if items:
        query = query.options(selectinload(Attempt.items).selectinload(AttemptItem.version))
    if user is not None:
        query = query.where(Attempt.user_id == user.id)
    return session.scalar(query)


def close(session: Session, attempt: Attempt, when: datetime, auto: bool) -> None:
    """Grade what is left and mark the attempt submitted (inside the caller's transaction)."""
    # Fresh rows with their content, in two queries, whatever was loaded before.
    session.scalars(
        sa.select(AttemptItem)
        .where(AttemptItem.attempt_id == attempt.id)
        .options(selectinload(AttemptItem.version))
        .execution_options(populate_existing=True)
    ).all()
    session.refresh(attempt, ["items"])
    tried_before = set(
        session.scalars(
            sa.select(AttemptItem.question_id)
            .join(Attempt, AttemptItem.attempt_id == Attempt.id)
            .where(
                Attempt.user_id == attempt.user_id,
                Attempt.status == AttemptStatus.SUBMITTED,
                Attempt.id != attempt.id,
                AttemptItem.question_id.in_([item.question_id for item in attempt.items]),
            )
        )
    )
    for item in attempt.items:
        item.first_try = item.question_id not in tried_before
        item.fraction, item.points = mark(item)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = when
    attempt.auto_submitted = auto
    attempt.score = sum(item.points for item in attempt.items)
    attempt.step += 1
    session.execute(
        sa.update(User)
        .where(User.id == attempt.user_id)
        .values(last_active_at=later_of(User.last_active_at, when))
    )


def close_expired(session: Session, user: User, now: datetime) -> None:
    """Close this user's attempts whose time ran out (inside the caller's write transaction),
    so their results count before the next quiz is drawn."""
    for attempt in session.scalars(
        sa.select(Attempt)
        .where(
            Attempt.user_id == user.id,
            Attempt.status == AttemptStatus.IN_PROGRESS,
            Attempt.deadline.is_not(None),
        )
        .with_for_update()
    ).all():
        if time_is_up(attempt.deadline, now):
            close(session, attempt, attempt.deadline, auto=True)
