"""Answering: read a posted answer, decode and grade it outside the write lock, then check the
attempt under the lock and store it. The decision itself is quizapp.attempt_rules.decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

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
from ...models import Attempt, AttemptItem, Bank, Question, QuestionVersion, User, utcnow
from ...vocab import AttemptStatus, Mode
from ..exam_secrecy import sealed_for
from ..queries import rows
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
    one question, see load_content; the results page shows them all)."""
    query = _ATTEMPT_WITH_VERSIONS if versions else _ATTEMPT_WITH_ITEMS
    return session.scalars(query, {"attempt": attempt_id, "user": user.id}).first()


_ATTEMPT = sa.select(Attempt).where(
    Attempt.id == sa.bindparam("attempt"), Attempt.user_id == sa.bindparam("user")
)
_ATTEMPT_WITH_ITEMS = _ATTEMPT.options(selectinload(Attempt.items))
_ATTEMPT_WITH_VERSIONS = _ATTEMPT.options(
    selectinload(Attempt.items).selectinload(AttemptItem.version)
)
_CONTENT = (
    sa.select(QuestionVersion, Question, Bank)
    .join(Question, QuestionVersion.question_id == Question.id)
    .join(Bank, Question.bank_id == Bank.id)
    .where(QuestionVersion.id == sa.bindparam("version"))
)


@dataclass
class QuestionPage:
    """What one question's page reads of an attempt: the attempt, the question at the position
    (None past the end) with its content, and whether each question has an answer saved."""

    attempt: Attempt
    item: AttemptItem | None
    answered: list[bool]


# A question's page in one query: the user's attempt, the item at the position (None past
# the end) and its content (as _CONTENT). Fresh from the database, as _ITEM.
_PAGE = (
    sa.select(Attempt, AttemptItem, QuestionVersion, Question, Bank)
    .outerjoin(
        AttemptItem,
        (AttemptItem.attempt_id == Attempt.id) & (AttemptItem.position == sa.bindparam("position")),
    )
    .outerjoin(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
    .outerjoin(Question, QuestionVersion.question_id == Question.id)
    .outerjoin(Bank, Question.bank_id == Bank.id)
    .where(Attempt.id == sa.bindparam("attempt"), Attempt.user_id == sa.bindparam("user"))
    .execution_options(populate_existing=True)
)
_RESPONSES = (
    sa.select(AttemptItem.response, AttemptItem.fraction)
    .where(AttemptItem.attempt_id == sa.bindparam("attempt"))
    .order_by(AttemptItem.position)
)


def question_page(
    session: Session, user: User, attempt_id: int, position: int
) -> QuestionPage | None:
    """The user's attempt as one question's page shows it (None for another user's or a
    missing attempt): two queries, and only the shown question's content."""
    found = session.execute(
        _PAGE, {"attempt": attempt_id, "user": user.id, "position": position}
    ).first()
    if found is None:
        return None
    attempt, item, version, question, bank = found
    if item is not None:
        _attach_content(item, version, question, bank)
    # In an exam a saved answer counts; in practice a checked one (an "I don't know" too).
    checked = attempt.mode != Mode.EXAM
    answered = [
        (fraction if checked else response) is not None
        for response, fraction in rows(session, _RESPONSES, attempt=attempt_id)
    ]
    return QuestionPage(attempt, item, answered)


def load_content(session: Session, item: AttemptItem) -> None:
    """Load one answer's question (its version, the question and its bank) in one query: the
    page then reads item.version, item.question and its bank without a query each."""
    _attach_content(item, *session.execute(_CONTENT, {"version": item.version_id}).one())


def _attach_content(item: AttemptItem, version, question, bank) -> None:
    set_committed_value(question, "bank", bank)
    set_committed_value(item, "question", question)
    set_committed_value(item, "version", version)


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


def _item_at(
    session: Session, attempt_id: int, position: int, content: bool = True
) -> AttemptItem | None:
    """Only the answered question (with its content, unless `content` is False: a version
    never changes, so what was read before the lock serves), not the whole attempt."""
    query = _ITEM_WITH_CONTENT if content else _ITEM
    return session.scalars(query, {"attempt": attempt_id, "position": position}).first()


_ITEM = (
    sa.select(AttemptItem)
    .where(
        AttemptItem.attempt_id == sa.bindparam("attempt"),
        AttemptItem.position == sa.bindparam("position"),
    )
    .execution_options(populate_existing=True)
)
_ITEM_WITH_CONTENT = _ITEM.options(joinedload(AttemptItem.version))
_ITEM_COUNT = sa.select(sa.func.count()).where(AttemptItem.attempt_id == sa.bindparam("attempt"))


@dataclass
class _Read:
    """What the form says, worked out before the lock: decoded and (for a check) graded."""

    response: Any = None
    message: str = ""  # why the form could not be read as an answer
    grade: qtypes.Grade | None = None  # a practice "check"
    graded: Graded | None = None  # a submit: every answer of the attempt


def _read(session, user, attempt_id, position, values, action) -> _Read | None:
    attempt = session.scalars(_ATTEMPT, {"attempt": attempt_id, "user": user.id}).first()
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
    with write_transaction(session, keep=(user,)):
        attempt = lock_attempt(session, attempt_id, user, items=False)
        if attempt is None:
            return AnswerResult(Outcome.MISSING)
        item = None if not attempt.open else _item_at(session, attempt.id, position, False)
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
    count = rows(session, _ITEM_COUNT, attempt=attempt.id).scalar_one()
    attempt.current = next_position(count, item.position, action, checked)
    if action == "submit":
        # Submitting at or after the deadline is the timer's doing (the page does it at zero).
        deadline = attempt.deadline
        close(session, attempt, now, deadline is not None and now >= deadline, read.graded)
