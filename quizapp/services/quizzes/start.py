"""Starting attempts: draw questions (never seen first), fix their presentation, retry mistakes."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import qtypes
from ...database import write_transaction
from ...models import Attempt, AttemptItem, Bank, Question, QuestionVersion, User, utcnow
from ...vocab import Mode
from ..exam_secrecy import sealed_for
from ..queries import BANK_ORDER, current_versions_query, driver_rows
from ..readiness import PREDICTION, predicted_score
from ..review import hidden_attempt_ids
from .finish import close_expired

MODES = tuple(mode.value for mode in Mode)
QUICK_EXAM_MINUTES = 10  # a one-click exam from a bank: ten questions, a minute each


class QuizError(ValueError):
    """The request cannot be done as asked; the message is for the student."""


@dataclass
class QuizRequest:
    banks: list[str] = field(default_factory=list)  # bank slugs; empty means all
    tags: list[str] = field(default_factory=list)
    count: int = 10
    mode: str = Mode.PRACTICE
    time_limit_minutes: float | None = None
    title: str | None = None
    question_ids: list[int] = field(default_factory=list)  # these questions only
    shuffle: bool = True  # False: the first `count` questions in bank order, for everyone
    assignment_id: int | None = None
    # Called under the write lock before the attempt is made (an assignment checks its dates
    # and attempts there): raises QuizError to refuse, else returns the attempt's deadline.
    admit: Callable[[Session, datetime], datetime | None] | None = None
    retry: bool = False  # the student's latest mistakes, whatever the banks


def available_tags(session: Session) -> list[str]:
    versions = session.scalars(current_versions_query())
    return sorted({tag for version in versions for tag in version.data.get("tags", [])})


def _last_seen(session: Session, user: User) -> dict[int, datetime]:
    """When the student last had each question they have seen in an attempt."""
    return dict(driver_rows(session, _LAST_SEEN, user=user.id))


_LAST_SEEN = (
    sa.select(AttemptItem.question_id, sa.func.max(Attempt.started_at))
    .join(Attempt, AttemptItem.attempt_id == Attempt.id)
    .where(Attempt.user_id == sa.bindparam("user"))
    .group_by(AttemptItem.question_id)
)


def start_quiz(
    session: Session,
    user: User,
    request: QuizRequest,
    rng: random.Random | None = None,
    now: datetime | None = None,
    resume: Callable[[Session], Attempt | None] | None = None,
) -> Attempt:
    """Draw questions (never seen first, then least recently seen; random among equals).
    `resume`, called under the write lock, may return an attempt to carry on instead."""
    if request.mode not in MODES:
        raise QuizError(f"Unknown mode '{request.mode}'.")
    query = current_versions_query()
    if request.banks:
        query = query.where(Bank.slug.in_(request.banks))
    if request.question_ids:
        query = query.where(Question.id.in_(request.question_ids))
    versions = session.scalars(query.order_by(*BANK_ORDER, Question.position)).all()
    if request.tags:
        wanted = set(request.tags)
        versions = [v for v in versions if wanted & set(v.data.get("tags", []))]
    if not versions:
        raise QuizError("No questions match that choice of banks and topics.")
    if request.mode == Mode.PRACTICE:
        versions = _unsealed(session, user, versions, now)
    return _create_attempt(session, user, versions, request, rng, now, resume)


IN_OPEN_EXAM = (
    "Every question you chose is in your open exam; practise them after you submit the exam."
)


def _unsealed(session: Session, user: User, versions, now) -> list[QuestionVersion]:
    """Practice leaves out the questions of the student's open exam (its feedback would give
    the answers away)."""
    sealed = sealed_for(session, user, now or utcnow())
    kept = [v for v in versions if not sealed.hides_question(v.question_id)]
    if not kept:
        raise QuizError(IN_OPEN_EXAM)
    return kept


def item_values(
    version: QuestionVersion, position: int, presentation: dict[str, Any]
) -> dict[str, Any]:
    """The columns of a new attempt item (shared with the demo's bulk inserts)."""
    return {
        "position": position,
        "question_id": version.question_id,
        "version_id": version.id,
        "presentation": presentation,
        "max_points": float(version.data.get("points", 1)),
    }


def _create_attempt(session, user, versions, request: QuizRequest, rng, now, resume=None):
    rng = rng or random.Random()
    now = now or utcnow()
    if request.shuffle:
        seen = _last_seen(session, user)
        never = datetime.min
        keyed = [(seen.get(v.question_id, never), rng.random(), v) for v in versions]
        keyed.sort(key=lambda entry: entry[:2])
        chosen = [v for _, _, v in keyed[: max(1, request.count)]]
        rng.shuffle(chosen)  # least-recently-seen decides which, not the order shown
    else:
        chosen = list(versions[: max(1, request.count)])
    # What the student's memory predicts, kept to check predictions against scores.
    predicted = predicted_score(session, user, [v.question_id for v in chosen], now)

    # Each item as shown, worked out before the lock: versions never change once stored, and
    # the write transaction reloads what was read before it (each version, one by one).
    items = [
        item_values(version, position, qtypes.get(version.type).present(version.data, rng))
        for position, version in enumerate(chosen)
    ]
    deadline = None
    if request.mode == Mode.EXAM and request.time_limit_minutes:
        deadline = now + timedelta(minutes=request.time_limit_minutes)
    with write_transaction(session, keep=(user,)):
        close_expired(session, user, now)
        if resume is not None and (unfinished := resume(session)) is not None:
            return unfinished
        if request.admit is not None:
            deadline = request.admit(session, now)
        attempt = Attempt(
            user_id=user.id,
            assignment_id=request.assignment_id,
            mode=request.mode,
            title=request.title or _title(session, request),
            settings={
                "banks": request.banks,
                "tags": request.tags,
                "count": request.count,
                "time_limit_minutes": request.time_limit_minutes,
                "retry": request.retry,
                **({"questions": request.question_ids} if request.question_ids else {}),
                **({PREDICTION: predicted} if predicted is not None else {}),
            },
            started_at=now,
            deadline=deadline,
        )
        attempt.items = [AttemptItem(**values) for values in items]
        attempt.max_score = sum(values["max_points"] for values in items)
        session.add(attempt)
    return attempt


def _title(session: Session, request: QuizRequest) -> str:
    label = "Practice" if request.mode == Mode.PRACTICE else "Exam"
    if not request.banks:
        return f"{label}: all banks"
    titles = session.scalars(
        sa.select(Bank.title).where(Bank.slug.in_(request.banks)).order_by(*BANK_ORDER)
    ).all()
    return f"{label}: {', '.join(titles)}" if len(titles) <= 2 else f"{label}: {len(titles)} banks"


def latest_marks(session: Session, user: User, exclude: Collection[int] = ()) -> dict[int, float]:
    """Each question's mark (0..1) on this user's most recent graded answer to it (leaving
    out the attempts `exclude`: assigned ones whose marks are not released yet)."""
    # Oldest first, so each question's latest answer is the one the dict keeps.
    found = driver_rows(session, _MARKS_IN_ORDER, user=user.id)
    if exclude:
        exclude = set(exclude)
        return {question: mark for question, mark, attempt in found if attempt not in exclude}
    return {question: mark for question, mark, _ in found}


# Every graded answer in the order answered: cheaper for SQLite than a window function ranking
# them per question (tests/functional/test_fast_paths.py checks the marks); the excluded
# attempts are left out in Python, so that the statement is compiled once.
_MARKS_IN_ORDER = (
    sa.select(AttemptItem.question_id, AttemptItem.fraction, AttemptItem.attempt_id)
    .join(Attempt, AttemptItem.attempt_id == Attempt.id)
    .where(Attempt.user_id == sa.bindparam("user"), AttemptItem.fraction.is_not(None))
    .order_by(AttemptItem.answered_at, AttemptItem.id)
)


def latest_mistakes(session: Session, user: User, exclude: Collection[int] = ()) -> list[int]:
    """Question ids whose most recent graded answer by this user was not fully right."""
    return [qid for qid, mark in latest_marks(session, user, exclude).items() if mark < 1]


def _retry_request(session: Session, count: int = 10, banks: Collection[str] = ()) -> QuizRequest:
    """Retry my mistakes (of some banks only, if given)."""
    title = "Retry my mistakes"
    if banks:
        titles = session.scalars(
            sa.select(Bank.title).where(Bank.slug.in_(banks)).order_by(*BANK_ORDER)
        ).all()
        title += f": {', '.join(titles)}"[:180]
    return QuizRequest(
        banks=sorted(banks), count=count, mode=Mode.PRACTICE, title=title, retry=True
    )


def start_retry(
    session: Session,
    user: User,
    count: int = 10,
    rng=None,
    now=None,
    banks: Collection[str] = (),
    resume: Callable[[Session], Attempt | None] | None = None,
) -> Attempt:
    """A practice quiz of the questions this student most recently got wrong. `resume` as for
    start_quiz; it is asked also when no mistakes are left, since answering a retry right
    clears them and its unfinished attempt is still there to carry on."""
    mistakes = latest_mistakes(session, user, exclude=hidden_attempt_ids(session, user, now))
    query = current_versions_query().where(Question.id.in_(mistakes))
    if banks:
        query = query.where(Bank.slug.in_(list(banks)))
    versions = session.scalars(query).all()
    if not versions:
        if resume is not None:
            with write_transaction(session):
                unfinished = resume(session)
            if unfinished is not None:
                return unfinished
        raise QuizError("No mistakes to retry: every question you answered last was right.")
    versions = _unsealed(session, user, versions, now)
    request = _retry_request(session, count, banks)
    return _create_attempt(session, user, versions, request, rng, now, resume)
