"""Answering: read a posted answer, decode and grade it outside the write lock, then check the
attempt under the lock and store it. The decision itself is quizapp.attempt_rules.decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from ... import qtypes
from ...attempt_rules import (
    ANSWERED_ALREADY,
    CHECKS,
    MESSAGES,
    Current,
    Outcome,
    Posted,
    decide,
    next_position,
    time_is_up,
)
from ...database import write_transaction
from ...models import Attempt, AttemptItem, User, utcnow
from ...vocab import AttemptStatus, Mode
from ..exam_secrecy import sealed_for
from .finish import Graded, close, lock_attempt, pregrade


@dataclass
class AnswerResult:
    outcome: Outcome
    attempt: Attempt | None = None
    item: AttemptItem | None = None
    message: str = ""


def attempt_for(
    session: Session, user: User, attempt_id: int, versions: bool = True
) -> Attempt | None:
    """The attempt if it belongs to `user`; None otherwise (the view answers 404).

    `versions=False` leaves each question's content to load when used (a question page shows
    one question; the results page shows them all)."""
    items = selectinload(Attempt.items)
    return session.scalar(
        sa.select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user.id)
        .options(items.selectinload(AttemptItem.version) if versions else items)
    )


def in_progress(session: Session, user: User, now: datetime | None = None) -> list[Attempt]:
    """Unfinished attempts with time left, newest first (reads only: an attempt whose time
    ran out is closed by the next write that touches it)."""
    now = now or utcnow()
    attempts = session.scalars(
        sa.select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .order_by(Attempt.started_at.desc())
    ).all()
    return [a for a in attempts if not time_is_up(a.deadline, now)]


def _item_at(session: Session, attempt_id: int, position: int) -> AttemptItem | None:
    # Only the answered question is loaded (with its content), not the whole attempt.
    return session.scalar(
        sa.select(AttemptItem)
        .where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
        .options(joinedload(AttemptItem.version))
        .execution_options(populate_existing=True)
    )


@dataclass
class _Read:
    """What the form says, worked out before the lock: decoded and (for a check) graded."""

    response: Any = None
    message: str = ""  # why the form could not be read as an answer
    grade: qtypes.Grade | None = None  # a practice "check"
    graded: Graded | None = None  # a submit: every answer of the attempt


def _read(session, user, attempt_id, position, values, action) -> _Read | None:
    attempt = session.scalar(
        sa.select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
    if attempt is None:
        return None
    item = _item_at(session, attempt.id, position)
    if item is None or not attempt.open:
        return _Read()
    if attempt.mode == Mode.PRACTICE and action == "dont-know":
        # "I don't know": whatever was filled in, nothing is answered and it counts as wrong.
        return _Read(None, grade=qtypes.Grade(0.0))
    qtype = qtypes.get(item.version.type)
    try:
        response = qtype.decode(item.version.data, item.presentation, values)
    except qtypes.InvalidResponse as exc:
        return _Read(message=str(exc))
    read = _Read(response)
    if attempt.mode == Mode.PRACTICE and action == "check" and response is not None:
        read.grade = qtype.grade(item.version.data, response)
    if action == "submit":
        read.graded = pregrade(session, attempt.id, {position: response})
    return read


def record_answer(
    session: Session,
    user: User,
    attempt_id: int,
    position: int,
    step: int,
    values: qtypes.FormValues,
    action: str = "save",
    now: datetime | None = None,
) -> AnswerResult:
    """One answer from the page (and, with it, a move or the final submit).

    The form is decoded and graded before the write lock is taken (a long answer never holds
    other writers up); under the lock the step, the deadline and the attempt being open are
    checked again, so what is checked is what is written."""
    now = now or utcnow()
    read = _read(session, user, attempt_id, position, values, action)
    if read is None:
        return AnswerResult(Outcome.MISSING)
    posted = Posted(step, action, invalid=bool(read.message), empty=read.response is None)
    with write_transaction(session):
        attempt = lock_attempt(session, attempt_id, user, items=False)
        if attempt is None:
            return AnswerResult(Outcome.MISSING)
        item = None if not attempt.open else _item_at(session, attempt.id, position)
        practice = attempt.mode == Mode.PRACTICE
        current = Current(
            finished=not attempt.open,  # submitted, or closed as abandoned
            expired=time_is_up(attempt.deadline, now),
            practice=practice,
            item_found=item is not None,
            checked=item is not None and item.fraction is not None,
            same_answer=item is not None and item.response == read.response,
            step=attempt.step,
            sealed=practice
            and action in CHECKS
            and item is not None
            and sealed_for(session, user, now).hides_question(item.question_id),
        )
        outcome = decide(posted, current)
        if outcome is Outcome.EXPIRED:
            close(session, attempt, attempt.deadline, auto=True)
        if outcome in (Outcome.SAVED, Outcome.SUBMITTED):
            _store(session, attempt, item, read, action, now)
    if outcome is Outcome.INVALID:
        message = read.message
    elif outcome is Outcome.CLOSED and not current.finished:
        message = ANSWERED_ALREADY  # a practice question already checked
    else:
        message = MESSAGES.get(outcome, "")
    return AnswerResult(outcome, attempt, item, message)


def _store(session, attempt: Attempt, item: AttemptItem, read: _Read, action: str, now) -> None:
    checked = read.grade is not None  # a practice "check": graded before the lock
    item.response, item.answered_at = read.response, now
    if checked:
        item.fraction, item.note = read.grade.fraction, read.grade.note
        item.points = read.grade.fraction * item.max_points
    attempt.step += 1
    count = session.scalar(sa.select(sa.func.count()).where(AttemptItem.attempt_id == attempt.id))
    attempt.current = next_position(count, item.position, action, checked)
    if action == "submit":
        # Submitting at or after the deadline is the timer's doing (the page does it at zero).
        deadline = attempt.deadline
        close(session, attempt, now, deadline is not None and now >= deadline, read.graded)
