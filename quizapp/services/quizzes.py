"""Quizzes: build an attempt, save answers step by step, grade on the server, submit once."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from ..answers import FormValues, InvalidResponse, decode_response, make_presentation
from ..database import later_of, write_transaction
from ..grading import grade
from ..models import Attempt, AttemptItem, Bank, Question, QuestionVersion, User, utcnow
from ..validators import parse_id

MODES = ("practice", "exam")
GRACE = timedelta(seconds=5)  # network delay allowed past an exam's deadline


class QuizError(ValueError):
    """The request cannot be done as asked; the message is for the student."""


@dataclass
class QuizRequest:
    banks: list[str] = field(default_factory=list)  # bank slugs; empty means all
    tags: list[str] = field(default_factory=list)
    count: int = 10
    mode: str = "practice"
    time_limit_minutes: float | None = None
    title: str | None = None


def available_tags(session: Session) -> list[str]:
    versions = session.scalars(current_versions_query())
    return sorted({tag for version in versions for tag in version.data.get("tags", [])})


def current_versions_query(*columns):
    """The current version of every active question (with `columns` beside it, if given)."""
    return (
        sa.select(QuestionVersion, *columns)
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
    query = current_versions_query()
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
    versions = session.scalars(current_versions_query().where(Question.id.in_(mistakes))).all()
    if not versions:
        raise QuizError("No mistakes to retry: every question you answered last was right.")
    request = QuizRequest(count=count, mode="practice", title="Retry my mistakes")
    return _create_attempt(session, user, versions, request, rng, now)


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


class Outcome(StrEnum):
    SAVED = "saved"
    REPEAT = "repeat"  # the same answer again (a double click, a retry): recorded once
    SUBMITTED = "submitted"
    INVALID = "invalid"  # not an answer (not a number, an option never shown, ...)
    EMPTY = "empty"  # "check" with nothing answered
    STALE = "stale"  # an old tab or copy of the page: nothing overwritten
    CLOSED = "closed"  # already submitted
    EXPIRED = "expired"  # time ran out: submitted now with what was saved in time
    MISSING = "missing"  # no such attempt for this user, or no such question in it


@dataclass
class AnswerResult:
    outcome: Outcome
    attempt: Attempt | None = None
    item: AttemptItem | None = None
    message: str = ""


MESSAGES = {
    Outcome.EMPTY: "Give an answer first, then check it.",
    Outcome.STALE: "This quiz was changed in another tab or window. Here is its latest state; "
    "nothing was overwritten.",
    Outcome.CLOSED: "This attempt has been submitted; answers can no longer change.",
    Outcome.EXPIRED: "Time ran out: the attempt was submitted with the answers saved in time.",
}


def record_answer(
    session: Session,
    user: User,
    attempt_id: int,
    position: int,
    step: int,
    values: FormValues,
    action: str = "save",
    now: datetime | None = None,
) -> AnswerResult:
    """One answer from the page (and, with it, a move or the final submit), read, checked,
    graded (practice "check") and saved in a single write transaction, so what is checked is
    what is written: the step, the deadline, the attempt being open."""
    now = now or utcnow()
    with write_transaction(session):
        attempt = _lock_attempt(session, attempt_id, user, items=False)
        if attempt is None:
            return AnswerResult(Outcome.MISSING)
        if not attempt.finished and time_is_up(attempt, now):
            _close(session, attempt, attempt.deadline, auto=True)
            return AnswerResult(Outcome.EXPIRED, attempt, message=MESSAGES[Outcome.EXPIRED])
        if attempt.finished:
            return AnswerResult(Outcome.CLOSED, attempt, message=MESSAGES[Outcome.CLOSED])
        # Only the answered question is loaded (with its content), not the whole attempt.
        item = session.scalar(
            sa.select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position)
            .options(joinedload(AttemptItem.version))
            .execution_options(populate_existing=True)
        )
        if item is None:
            return AnswerResult(Outcome.MISSING, attempt)
        try:
            response = decode_response(
                item.version.type, item.version.data, item.presentation, values
            )
        except InvalidResponse as exc:
            return AnswerResult(Outcome.INVALID, attempt, item, str(exc))
        practice = attempt.mode == "practice"
        if practice and item.fraction is not None:
            if item.response == response:
                return AnswerResult(Outcome.REPEAT, attempt, item)
            return AnswerResult(
                Outcome.CLOSED,
                attempt,
                item,
                "You already answered this question; its feedback is below.",
            )
        if step != attempt.step:
            if step == attempt.step - 1 and item.response == response:
                return AnswerResult(Outcome.REPEAT, attempt, item)
            return AnswerResult(Outcome.STALE, attempt, item, MESSAGES[Outcome.STALE])
        check = practice and action == "check"
        if check and response is None:
            return AnswerResult(Outcome.EMPTY, attempt, item, MESSAGES[Outcome.EMPTY])
        item.response, item.answered_at = response, now
        if check:
            _grade_item(item)
        attempt.step += 1
        count = session.scalar(
            sa.select(sa.func.count()).where(AttemptItem.attempt_id == attempt.id)
        )
        attempt.current = _next_position(count, position, action, check)
        if action == "submit":
            # Submitting at or after the deadline is the timer's doing (the page does it at zero).
            deadline = attempt.deadline
            _close(session, attempt, now, auto=deadline is not None and now >= deadline)
            return AnswerResult(Outcome.SUBMITTED, attempt, item)
    return AnswerResult(Outcome.SAVED, attempt, item)


def _next_position(count: int, position: int, action: str, checked: bool) -> int:
    last = count - 1
    if action == "next" or checked:
        return min(position + 1, last)  # after feedback, a resumed quiz opens on the next one
    if action == "prev":
        return max(position - 1, 0)
    target = parse_id(action[5:]) if action.startswith("goto-") else None
    if target is not None:
        return min(target, last)
    return position


def submit(session: Session, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt and grade it; submitting again changes nothing."""
    now = now or utcnow()
    with write_transaction(session):
        locked = _lock_attempt(session, attempt.id)
        if not locked.finished:
            # A submit at or after the deadline is the timer's doing (the page submits at zero).
            auto = locked.deadline is not None and now >= locked.deadline
            when = locked.deadline if auto and time_is_up(locked, now) else now
            _close(session, locked, when, auto)
    session.refresh(attempt)
    return attempt


def _lock_attempt(
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


def _grade_item(item: AttemptItem) -> None:
    if item.response is None:
        item.fraction = 0.0
    else:
        item.fraction = grade(item.version.type, item.version.data, item.response).fraction
    item.points = item.fraction * item.max_points


def _close(session: Session, attempt: Attempt, when: datetime, auto: bool) -> None:
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
                Attempt.status == "submitted",
                Attempt.id != attempt.id,
                AttemptItem.question_id.in_([item.question_id for item in attempt.items]),
            )
        )
    )
    for item in attempt.items:
        item.first_try = item.question_id not in tried_before
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


def _finalise(session: Session, attempt_id: int, when: datetime, auto: bool) -> None:
    with write_transaction(session):
        attempt = _lock_attempt(session, attempt_id)
        if not attempt.finished:
            _close(session, attempt, when, auto)
