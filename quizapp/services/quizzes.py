"""Quizzes: build an attempt, save answers step by step, grade on the server, submit once."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..answers import make_presentation
from ..database import later_of, write_transaction
from ..grading import grade
from ..models import Attempt, AttemptItem, Bank, Question, QuestionVersion, User, utcnow

MODES = ("practice", "exam")
GRACE = timedelta(seconds=5)  # network delay allowed past an exam's deadline


class QuizError(ValueError):
    """The request cannot be done as asked; the message is for the student."""


class StaleStep(QuizError):
    """The page was out of date (another tab, or an old copy): nothing was overwritten."""


class AttemptClosed(QuizError):
    """The attempt was already submitted (or timed out): answers are no longer taken."""


@dataclass
class QuizRequest:
    banks: list[str] = field(default_factory=list)  # bank slugs; empty means all
    tags: list[str] = field(default_factory=list)
    count: int = 10
    mode: str = "practice"
    time_limit_minutes: float | None = None
    title: str | None = None


def available_tags(session: Session) -> list[str]:
    versions = session.scalars(_current_versions_query())
    return sorted({tag for version in versions for tag in version.data.get("tags", [])})


def _current_versions_query():
    return (
        sa.select(QuestionVersion)
        .join(Question, QuestionVersion.question_id == Question.id)
        .join(Bank, Question.bank_id == Bank.id)
        .where(
            QuestionVersion.number == Question.version,
            Question.retired_at.is_(None),
            Bank.retired_at.is_(None),
        )
    )


def _last_seen(session: Session, user: User) -> dict[int, datetime]:
    rows = session.execute(
        sa.select(AttemptItem.question_id, sa.func.max(Attempt.started_at))
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.user_id == user.id)
        .group_by(AttemptItem.question_id)
    ).all()
    return dict(rows)


def start_quiz(
    session: Session,
    user: User,
    request: QuizRequest,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Draw questions (never seen first, then least recently seen; random among equals)."""
    if request.mode not in MODES:
        raise QuizError(f"Unknown mode '{request.mode}'.")
    query = _current_versions_query()
    if request.banks:
        query = query.where(Bank.slug.in_(request.banks))
    versions = session.scalars(query).all()
    if request.tags:
        wanted = set(request.tags)
        versions = [v for v in versions if wanted & set(v.data.get("tags", []))]
    if not versions:
        raise QuizError("No questions match that choice of banks and topics.")
    return _create_attempt(session, user, versions, request, rng, now)


def _create_attempt(session, user, versions, request: QuizRequest, rng, now) -> Attempt:
    rng = rng or random.Random()
    now = now or utcnow()
    seen = _last_seen(session, user)
    never = datetime.min
    keyed = [(seen.get(v.question_id, never), rng.random(), v) for v in versions]
    keyed.sort(key=lambda entry: entry[:2])
    chosen = [v for _, _, v in keyed[: max(1, request.count)]]
    rng.shuffle(chosen)  # least-recently-seen decides which, not the order shown

    deadline = None
    if request.mode == "exam" and request.time_limit_minutes:
        deadline = now + timedelta(minutes=request.time_limit_minutes)
    with write_transaction(session):
        attempt = Attempt(
            user_id=user.id,
            mode=request.mode,
            title=request.title or _title(session, request),
            settings={
                "banks": request.banks,
                "tags": request.tags,
                "count": request.count,
                "time_limit_minutes": request.time_limit_minutes,
            },
            started_at=now,
            deadline=deadline,
        )
        session.add(attempt)
        for position, version in enumerate(chosen):
            attempt.items.append(
                AttemptItem(
                    position=position,
                    question_id=version.question_id,
                    version_id=version.id,
                    presentation=make_presentation(version.type, version.data, rng),
                    max_points=float(version.data.get("points", 1)),
                )
            )
        attempt.max_score = sum(item.max_points for item in attempt.items)
    return attempt


def _title(session: Session, request: QuizRequest) -> str:
    label = "Practice" if request.mode == "practice" else "Exam"
    if not request.banks:
        return f"{label}: all banks"
    titles = session.scalars(
        sa.select(Bank.title).where(Bank.slug.in_(request.banks)).order_by(Bank.position)
    ).all()
    return f"{label}: {', '.join(titles)}" if len(titles) <= 2 else f"{label}: {len(titles)} banks"


def latest_marks(session: Session, user: User) -> dict[int, float]:
    """Each question's mark (0..1) on this user's most recent graded answer to it."""
    ranked = (
        sa.select(
            AttemptItem.question_id,
            AttemptItem.fraction,
            sa.func.row_number()
            .over(
                partition_by=AttemptItem.question_id,
                order_by=(AttemptItem.answered_at.desc(), AttemptItem.id.desc()),
            )
            .label("rank"),
        )
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.user_id == user.id, AttemptItem.fraction.is_not(None))
        .subquery()
    )
    rows = session.execute(
        sa.select(ranked.c.question_id, ranked.c.fraction).where(ranked.c.rank == 1)
    )
    return dict(rows.all())


def latest_mistakes(session: Session, user: User) -> list[int]:
    """Question ids whose most recent graded answer by this user was not fully right."""
    return [qid for qid, mark in latest_marks(session, user).items() if mark < 1]


def start_retry(session: Session, user: User, count: int = 10, rng=None, now=None) -> Attempt:
    """A practice quiz of the questions this student most recently got wrong."""
    mistakes = latest_mistakes(session, user)
    versions = session.scalars(_current_versions_query().where(Question.id.in_(mistakes))).all()
    if not versions:
        raise QuizError("No mistakes to retry: every question you answered last was right.")
    request = QuizRequest(count=count, mode="practice", title="Retry my mistakes")
    return _create_attempt(session, user, versions, request, rng, now)


def attempt_for(session: Session, user: User, attempt_id: int) -> Attempt | None:
    """The attempt if it belongs to `user`; None otherwise (the view answers 404)."""
    attempt = session.scalar(
        sa.select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user.id)
        .options(selectinload(Attempt.items).selectinload(AttemptItem.version))
    )
    return attempt


def in_progress(session: Session, user: User, now: datetime | None = None) -> list[Attempt]:
    """Unfinished attempts, newest first; ones whose time ran out are submitted on the way."""
    attempts = session.scalars(
        sa.select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.status == "in_progress")
        .order_by(Attempt.started_at.desc())
    ).all()
    return [a for a in attempts if not expire_if_due(session, a, now)]


def time_is_up(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def expire_if_due(session: Session, attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit an attempt whose time ran out, with what was saved in time. True if it did."""
    now = now or utcnow()
    if attempt.finished or not time_is_up(attempt, now):
        return False
    _finalise(session, attempt.id, attempt.deadline, auto=True)
    session.refresh(attempt)
    return True


@dataclass
class SaveResult:
    attempt: Attempt
    item: AttemptItem
    applied: bool  # False when the same answer had already been saved (a repeat)


def save_answer(
    session: Session,
    attempt: Attempt,
    position: int,
    step: int,
    response: Any,
    *,
    check: bool = False,
    go_to: int | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Save one answer (grading it at once when `check`, as practice does).

    Refuses a closed attempt, a late answer and a stale step; a repeat of the answer already
    saved at the previous step is accepted without writing twice.
    """
    now = now or utcnow()
    if expire_if_due(session, attempt, now):
        raise AttemptClosed(
            "Time ran out: the attempt was submitted with the answers saved in time."
        )
    with write_transaction(session):
        locked = _lock_attempt(session, attempt.id)
        if locked.finished:
            raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
        item = next((i for i in locked.items if i.position == position), None)
        if item is None:
            raise QuizError("There is no such question in this attempt.")
        if locked.mode == "practice" and item.fraction is not None:
            if item.response == response:
                return SaveResult(locked, item, applied=False)
            raise AttemptClosed("You already answered this question; its feedback is below.")
        if step != locked.step:
            if step == locked.step - 1 and item.response == response:
                return SaveResult(locked, item, applied=False)
            raise StaleStep(
                "This quiz was changed in another tab or window. Here is its latest state; "
                "nothing was overwritten."
            )
        item.response = response
        item.answered_at = now
        if check:
            _grade_item(item)
        locked.step += 1
        if go_to is not None and 0 <= go_to < len(locked.items):
            locked.current = go_to
        else:
            locked.current = position
    return SaveResult(locked, item, applied=True)


def move_to(session: Session, attempt: Attempt, position: int) -> None:
    """Remember where the student is, so a resumed attempt opens there."""
    if attempt.finished or attempt.current == position:
        return
    with write_transaction(session):
        session.execute(
            sa.update(Attempt)
            .where(Attempt.id == attempt.id, Attempt.status == "in_progress")
            .values(current=position)
        )


def submit(session: Session, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt and grade it; submitting again changes nothing."""
    now = now or utcnow()
    # A submit at or after the deadline is the timer's doing (the page submits at zero).
    auto = attempt.deadline is not None and now >= attempt.deadline
    if auto and time_is_up(attempt, now):
        now = attempt.deadline
    _finalise(session, attempt.id, now, auto=auto)
    session.refresh(attempt)
    return attempt


def _lock_attempt(session: Session, attempt_id: int) -> Attempt:
    # FOR UPDATE serialises writers on PostgreSQL; SQLite already holds the lock (IMMEDIATE).
    return session.scalar(
        sa.select(Attempt)
        .where(Attempt.id == attempt_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _grade_item(item: AttemptItem) -> None:
    if item.response is None:
        item.fraction = 0.0
    else:
        item.fraction = grade(item.version.type, item.version.data, item.response).fraction
    item.points = item.fraction * item.max_points


def _finalise(session: Session, attempt_id: int, when: datetime, auto: bool) -> None:
    with write_transaction(session):
        attempt = _lock_attempt(session, attempt_id)
        if attempt.finished:
            return
        for item in attempt.items:
            if item.fraction is None:
                _grade_item(item)
        attempt.status = "submitted"
        attempt.submitted_at = when
        attempt.auto_submitted = auto
        attempt.score = sum(item.points for item in attempt.items)
        attempt.step += 1
        session.execute(
            sa.update(User)
            .where(User.id == attempt.user_id)
            .values(last_active_at=later_of(User.last_active_at, when))
        )
