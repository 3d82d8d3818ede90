"""Finishing attempts: submit once, close on expiry, and results as they stand (a GET reads
an expired exam's results without writing; the next write touching it closes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ... import qtypes
from ...attempt_rules import time_is_up
from ...database import later_of, write_transaction
from ...models import Attempt, AttemptItem, User, utcnow
from ...vocab import AttemptStatus
from ..report_cache import attempt_changed


def is_over(attempt: Attempt, now: datetime | None = None) -> bool:
    """Submitted, or its time ran out (even if no write has closed it yet)."""
    return attempt.finished or time_is_up(attempt.deadline, now or utcnow())


def time_ran_out(attempt: Attempt, now: datetime | None = None) -> bool:
    """Not submitted, but out of time: shown as submitted with what was saved in time."""
    return not attempt.finished and time_is_up(attempt.deadline, now or utcnow())


class Mark(NamedTuple):
    fraction: float
    points: float
    note: str | None = None  # what grading said besides the mark


Graded = dict[int, tuple[Any, qtypes.Grade]]  # item id -> (the response graded, its grade)


def mark(item: AttemptItem, graded: Graded | None = None) -> Mark:
    """A saved answer's mark, graded now if it was not graded yet (with the grade worked out
    before the lock when `graded` holds one for this very response)."""
    if item.fraction is not None:
        return Mark(item.fraction, item.points, item.note)
    if item.response is None:
        return Mark(0.0, 0.0)
    response, grade = (graded or {}).get(item.id, (None, None))
    if grade is None or response != item.response:
        grade = qtypes.get(item.version.type).grade(item.version.data, item.response)
    return Mark(grade.fraction, grade.fraction * item.max_points, grade.note)


def pregrade(session: Session, attempt_id: int, posted: dict[int, Any] | None = None) -> Graded:
    """Grade an attempt's ungraded answers before the write lock is taken, so that matching
    (an instructor's pattern, typo tolerance) never runs while other writers wait (B7).
    `posted` replaces the saved response of some positions (the answer being submitted)."""
    posted = posted or {}
    items = session.scalars(
        sa.select(AttemptItem)
        .where(AttemptItem.attempt_id == attempt_id, AttemptItem.fraction.is_(None))
        .options(selectinload(AttemptItem.version))
    ).all()
    graded: Graded = {}
    for item in items:
        response = posted.get(item.position, item.response)
        if response is not None:
            qtype = qtypes.get(item.version.type)
            graded[item.id] = (response, qtype.grade(item.version.data, response))
    return graded


@dataclass
class AttemptResults:
    """Score and marks of a finished attempt, or of an expired one as its closing will make them."""

    attempt: Attempt
    score: float
    submitted_at: datetime
    auto_submitted: bool
    marks: dict[int, Mark]  # item id -> its mark


def results(attempt: Attempt, now: datetime | None = None) -> AttemptResults | None:
    """The results of an attempt that is over (None while it is not); reads only."""
    if attempt.finished:
        marks = {
            item.id: Mark(item.fraction or 0.0, item.points, item.note) for item in attempt.items
        }
        return AttemptResults(
            attempt, attempt.score, attempt.submitted_at, attempt.auto_submitted, marks
        )
    if not time_ran_out(attempt, now):
        return None
    marks = {item.id: mark(item) for item in attempt.items}
    score = sum(m.points for m in marks.values())
    return AttemptResults(attempt, score, attempt.deadline, True, marks)


def submit(session: Session, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt and grade it; submitting again changes nothing."""
    now = now or utcnow()
    attempt_id = attempt.id  # read before the transaction expires what was loaded
    graded = pregrade(session, attempt_id)
    with write_transaction(session):
        # The same object as `attempt` (one per row in a session), reloaded under the lock with
        # its items; what close() writes is then what the caller sees, with no reload after.
        locked = lock_attempt(session, attempt_id)
        if locked.open:  # not submitted already, nor closed as abandoned
            # A submit at or after the deadline is the timer's doing (the page submits at zero).
            auto = locked.deadline is not None and now >= locked.deadline
            when = locked.deadline if auto and time_is_up(locked.deadline, now) else now
            close(session, locked, when, auto, graded, items_fresh=True)
    return locked


def lock_attempt(
    session: Session, attempt_id: int, user: User | None = None, items: bool = True
) -> Attempt | None:
    """The attempt (with its questions, unless `items` is False), locked for this
    transaction (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction holds the lock)."""
    params = {"attempt": attempt_id, "user": user.id if user is not None else None}
    return session.scalars(_lock_query(user is not None, items), params).first()


@cache
def _lock_query(of_user: bool, items: bool):
    """lock_attempt's query, built once for each of its four forms."""
    query = (
        sa.select(Attempt)
        .where(Attempt.id == sa.bindparam("attempt"))
        .with_for_update(of=Attempt)
        .execution_options(populate_existing=True)
    )
    if items:
        query = query.options(selectinload(Attempt.items).selectinload(AttemptItem.version))
    if of_user:
        query = query.where(Attempt.user_id == sa.bindparam("user"))
    return query


def close(
    session: Session,
    attempt: Attempt,
    when: datetime,
    auto: bool,
    graded: Graded | None = None,
    items_fresh: bool = False,
) -> None:
    """Grade what is left (with `graded`, worked out before the lock, where it still applies)
    and mark the attempt submitted (inside the caller's transaction). `items_fresh`: the
    attempt's items and their versions were loaded in this transaction (lock_attempt)."""
    if not items_fresh:
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
        item.fraction, item.points, item.note = mark(item, graded)
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
    attempt_changed(session, attempt.id)


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
