"""Practice that resumes: "Practise" on the same selection picks up the student's unfinished
practice attempt; the student may discard it or start fresh on purpose. A practice left idle
too long is closed as abandoned: unscored, out of every score. GET requests only compute
that (`idle`); the next quiz start, a discard, or `quizapp quizzes close-abandoned` writes it.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...attempt_rules import time_is_up
from ...database import write_transaction
from ...models import Attempt, AttemptItem, User, utcnow
from ...vocab import AttemptStatus, Mode
from ..queries import rows
from .start import QuizRequest, start_quiz, start_retry


def _last_activity():
    """SQL for when the attempt was last touched: its latest answer, or its start."""
    latest_answer = (
        sa.select(sa.func.max(AttemptItem.answered_at))
        .where(AttemptItem.attempt_id == Attempt.id)
        .scalar_subquery()
    )
    return sa.func.coalesce(latest_answer, Attempt.started_at)


def _open_practice(user: User | None = None):
    query = sa.select(Attempt).where(
        Attempt.mode == Mode.PRACTICE, Attempt.status == AttemptStatus.IN_PROGRESS
    )
    return query if user is None else query.where(Attempt.user_id == user.id)


def _idle_since(cutoff: datetime):
    """SQL: the attempt is still open and untouched since `cutoff`."""
    return (Attempt.status == AttemptStatus.IN_PROGRESS) & (_last_activity() < cutoff)


def _close_idle(session: Session, cutoff: datetime, user: User | None = None) -> int:
    """Inside the caller's write transaction: mark practices idle since `cutoff` abandoned."""
    idle = session.scalars(
        _open_practice(user).where(_idle_since(cutoff)).with_for_update(of=Attempt)
    ).all()
    for attempt in idle:
        attempt.status = AttemptStatus.ABANDONED
        attempt.step += 1  # an open page of it is out of date now
    return len(idle)


def close_abandoned(session: Session, idle: timedelta, now: datetime | None = None) -> int:
    """Close every student's practice attempts idle for longer than `idle`; returns how many."""
    with write_transaction(session):
        return _close_idle(session, (now or utcnow()) - idle)


def abandoned_practice(cutoff: datetime):
    """SQL: the attempt is a practice closed as abandoned (discarded or idle), or one still
    open but untouched since `cutoff` (abandoned, though not yet closed). Never an exam."""
    return (Attempt.mode == Mode.PRACTICE) & (
        (Attempt.status == AttemptStatus.ABANDONED) | _idle_since(cutoff)
    )


def idle_attempts(session: Session, user: User, idle: timedelta, now=None) -> set[int]:
    """Ids of the user's open practices idle too long: abandoned, though not yet closed."""
    cutoff = (now or utcnow()) - idle
    query = _open_practice(user).where(_idle_since(cutoff)).with_only_columns(Attempt.id)
    return set(session.scalars(query))


# A student's attempts in progress with when each was last touched (what in_progress and
# idle_attempts read), as columns: most students have none to resume, and loading ORM rows
# costs even when there are none. The attempts to resume are loaded after, by id.
_OPEN_WITH_ACTIVITY = sa.select(Attempt.id, Attempt.mode, Attempt.deadline, _last_activity()).where(
    Attempt.user_id == sa.bindparam("user"), Attempt.status == AttemptStatus.IN_PROGRESS
)
_NEWEST_FIRST = (
    sa.select(Attempt)
    .where(
        Attempt.id.in_(sa.bindparam("ids", expanding=True)),
        Attempt.status == AttemptStatus.IN_PROGRESS,
    )
    .order_by(Attempt.started_at.desc())
)


def unfinished(session: Session, user: User, idle: timedelta, now=None) -> list[Attempt]:
    """The attempts to resume on the home page: in progress, neither out of time nor idle
    (in_progress without idle_attempts), newest first."""
    now = now or utcnow()
    cutoff = now - idle
    ids = [
        attempt_id
        for attempt_id, mode, deadline, touched in rows(session, _OPEN_WITH_ACTIVITY, user=user.id)
        if not time_is_up(deadline, now) and not (mode == Mode.PRACTICE and touched < cutoff)
    ]
    return list(session.scalars(_NEWEST_FIRST, {"ids": ids})) if ids else []


def selection(settings: dict) -> tuple:
    """What makes two quizzes "the same": banks, topics, count, chosen questions, retry."""
    return (
        sorted(settings.get("banks") or []),
        sorted(settings.get("tags") or []),
        settings.get("count"),
        sorted(settings.get("questions") or []),
        bool(settings.get("retry")),
    )


def _resumer(user: User, cutoff: datetime, same, found: list[Attempt]):
    """The `resume` hook of start_quiz and start_retry: closes the user's practices idle since
    `cutoff`, then returns (and notes in `found`) their newest open practice whose settings
    `same` accepts."""

    def resume(session: Session) -> Attempt | None:
        _close_idle(session, cutoff, user)
        for attempt in session.scalars(_open_practice(user).order_by(Attempt.started_at.desc())):
            if same(attempt.settings or {}):
                found.append(attempt)
                return attempt
        return None

    return resume


def practise(
    session: Session,
    user: User,
    request: QuizRequest,
    idle: timedelta,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> tuple[Attempt, bool]:
    """Resume the student's unfinished practice of this selection, or start one: (attempt,
    resumed). Practices idle longer than `idle` are closed as abandoned first."""
    now = now or utcnow()
    wanted = selection(
        {
            "banks": request.banks,
            "tags": request.tags,
            "count": request.count,
            "questions": request.question_ids,
            "retry": request.retry,
        }
    )
    resumed: list[Attempt] = []
    resume = _resumer(user, now - idle, lambda settings: selection(settings) == wanted, resumed)
    attempt = start_quiz(session, user, request, rng, now, resume=resume)
    return attempt, bool(resumed)


def retry_mistakes(
    session: Session,
    user: User,
    count: int,
    idle: timedelta,
    banks: Collection[str] = (),
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> tuple[Attempt, bool]:
    """Resume the student's unfinished "Retry my mistakes" of the same banks, or start one:
    (attempt, resumed), as practise. The number of questions is not compared: the buttons ask
    for as many as there are mistakes left, which drops as the retry is answered."""
    now = now or utcnow()
    wanted = sorted(banks)

    def same(settings: dict) -> bool:
        return bool(settings.get("retry")) and sorted(settings.get("banks") or []) == wanted

    resumed: list[Attempt] = []
    resume = _resumer(user, now - idle, same, resumed)
    attempt = start_retry(session, user, count, rng, now, banks=wanted, resume=resume)
    return attempt, bool(resumed)


def discard(session: Session, user: User, attempt_id: int) -> Attempt | None:
    """Close the user's unfinished practice as abandoned (None: no such open practice)."""
    with write_transaction(session):
        attempt = session.scalar(
            _open_practice(user).where(Attempt.id == attempt_id).with_for_update()
        )
        if attempt is None:
            return None
        attempt.status = AttemptStatus.ABANDONED
        attempt.step += 1
    return attempt


def start_fresh(session: Session, user: User, attempt_id: int, rng=None) -> Attempt | None:
    """Discard the unfinished practice and start a new one of the same selection."""
    old = discard(session, user, attempt_id)
    if old is None:
        return None
    settings = old.settings or {}
    if settings.get("retry"):
        banks = list(settings.get("banks") or [])
        return start_retry(session, user, settings.get("count") or 10, rng, banks=banks)
    request = QuizRequest(
        banks=list(settings.get("banks") or []),
        tags=list(settings.get("tags") or []),
        count=settings.get("count") or 10,
        mode=Mode.PRACTICE,
        title=old.title if settings.get("questions") else None,
        question_ids=list(settings.get("questions") or []),
    )
    return start_quiz(session, user, request, rng)
