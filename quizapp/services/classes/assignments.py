"""Assignments: setting a quiz or a flashcard goal, starting an assigned quiz with its own
settings (dates and attempts checked under the write lock), per-student overrides, and
reopening a submitted attempt."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import qtypes
from ...assignment_rules import (
    DEFAULT_REVIEW,
    Window,
    attempt_deadline,
    clean_review,
    why_not_start,
    window_problem,
)
from ...attempt_rules import time_is_up
from ...database import write_transaction
from ...models import (
    Assignment,
    AssignmentOverride,
    Attempt,
    Bank,
    CourseMember,
    Question,
    User,
    utcnow,
)
from ...vocab import AssignmentKind, AttemptStatus, CourseRole, GoalTarget, GradingMethod, Mode
from ..queries import BANK_ORDER, current_versions_query
from ..quizzes import QuizError, QuizRequest, start_quiz
from ..quizzes.finish import close, lock_attempt
from ..report_cache import attempt_changed
from ..review import override_for, window_of
from .courses import ClassError, is_student_of


@dataclass(frozen=True)
class QuizSettings:
    """An assigned quiz as the instructor sets it (times in naive UTC)."""

    title: str
    banks: list[str] = field(default_factory=list)  # empty, with no questions: every bank
    question_ids: list[int] = field(default_factory=list)
    count: int = 10
    shuffle: bool = True
    mode: str = Mode.EXAM
    time_limit_minutes: int | None = None
    opens_at: datetime | None = None
    due_at: datetime | None = None
    closes_at: datetime | None = None
    attempts_allowed: int = 1  # 0: unlimited
    grading_method: str = GradingMethod.HIGHEST
    review: dict = field(default_factory=lambda: dict(DEFAULT_REVIEW))


@dataclass(frozen=True)
class GoalSettings:
    """A flashcard goal: review deck `deck` (a bank slug) to `target` by `due_at`."""

    title: str
    deck: str
    target: str = GoalTarget.SEEN
    opens_at: datetime | None = None
    due_at: datetime | None = None


class ResumeAttempt(QuizError):
    """The student already has this assignment's attempt running: go back to it."""

    def __init__(self, attempt_id: int):
        super().__init__("You have an attempt running: here it is.")
        self.attempt_id = attempt_id


def question_choices(session: Session) -> list[tuple[str, int, str]]:
    """(bank title, question id, "slug: stem") of every active question, in bank order."""
    rows = session.execute(
        current_versions_query(Bank.title, Question.slug).order_by(*BANK_ORDER, Question.position)
    )
    return [
        (
            title,
            version.question_id,
            f"{slug}: {_short(qtypes.get(version.type).stem(version.data))}",
        )
        for version, title, slug in rows
    ]


def _short(text: str, length: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def assignment_in(session: Session, course_id: int, assignment_id: int) -> Assignment | None:
    assignment = session.get(Assignment, assignment_id)
    return assignment if assignment is not None and assignment.course_id == course_id else None


def attempt_in(session: Session, course_id: int, attempt_id: int) -> Attempt | None:
    """An attempt at one of the class's assignments by one of its (current) students."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.assignment is None or attempt.assignment.course_id != course_id:
        return None
    return attempt if is_student_of(session, course_id, attempt.user_id) else None


def _check_dates(opens_at, due_at, closes_at) -> None:
    problem = window_problem(Window(opens_at, due_at, closes_at))
    if problem:
        raise ClassError(problem)


def _check_quiz(session: Session, settings: QuizSettings) -> None:
    if not settings.title.strip():
        raise ClassError("Give the assignment a title.")
    if settings.mode not in tuple(Mode):
        raise ClassError(f"Unknown mode '{settings.mode}'.")
    if settings.grading_method not in tuple(GradingMethod):
        raise ClassError(f"Unknown grading method '{settings.grading_method}'.")
    known = set(session.scalars(sa.select(Bank.slug).where(Bank.slug.in_(settings.banks))))
    if set(settings.banks) - known:
        raise ClassError("Choose banks from the list.")
    found = session.scalars(sa.select(Question.id).where(Question.id.in_(settings.question_ids)))
    if set(settings.question_ids) - set(found):
        raise ClassError("Choose questions from the list.")
    _check_dates(settings.opens_at, settings.due_at, settings.closes_at)


def save_quiz(
    session: Session,
    course_id: int,
    settings: QuizSettings,
    assignment_id: int | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Create (or change) an assigned quiz; running attempts get the new dates and limits."""
    _check_quiz(session, settings)
    with write_transaction(session):
        assignment = _row(session, course_id, assignment_id, AssignmentKind.QUIZ)
        assignment.title = settings.title.strip()
        for name in ("banks", "question_ids", "count", "shuffle", "mode", "time_limit_minutes"):
            setattr(assignment, name, getattr(settings, name))
        for name in ("opens_at", "due_at", "closes_at", "attempts_allowed", "grading_method"):
            setattr(assignment, name, getattr(settings, name))
        if settings.mode != Mode.EXAM:
            assignment.time_limit_minutes = None
        assignment.review = clean_review(settings.review)
        session.flush()
        _refresh_deadlines(session, assignment, None, now or utcnow())
    return assignment


def save_goal(
    session: Session, course_id: int, settings: GoalSettings, assignment_id: int | None = None
) -> Assignment:
    """Create (or change) a flashcard goal."""
    if not settings.title.strip():
        raise ClassError("Give the goal a title.")
    if settings.target not in tuple(GoalTarget):
        raise ClassError(f"Unknown target '{settings.target}'.")
    if settings.due_at is None:
        raise ClassError("Give the goal a due date.")
    _check_dates(settings.opens_at, settings.due_at, None)
    deck = session.scalar(sa.select(Bank).where(Bank.slug == settings.deck))
    if deck is None:
        raise ClassError("Choose a deck from the list.")
    with write_transaction(session):
        assignment = _row(session, course_id, assignment_id, AssignmentKind.FLASHCARDS)
        assignment.title = settings.title.strip()
        assignment.deck_id, assignment.target = deck.id, settings.target
        assignment.opens_at, assignment.due_at = settings.opens_at, settings.due_at
        assignment.closes_at = None
    return assignment


def _row(session, course_id, assignment_id, kind) -> Assignment:
    if assignment_id is None:
        assignment = Assignment(course_id=course_id, kind=kind, review={})
        session.add(assignment)
        return assignment
    return _lock(session, assignment_id)


def _lock(session, assignment_id: int) -> Assignment:
    """The assignment, its row locked: its overrides change one at a time."""
    return session.scalar(
        sa.select(Assignment).where(Assignment.id == assignment_id).with_for_update()
    )


def _timer_start(attempt: Attempt) -> datetime:
    """When the attempt's time limit started counting (a reopened attempt: its reopening)."""
    reopened = (attempt.settings or {}).get("reopened_at")
    return datetime.fromisoformat(reopened) if reopened else attempt.started_at


def _refresh_deadlines(session, assignment: Assignment, user_id: int | None, now) -> None:
    """Running attempts follow new dates and limits; those whose time is already up are
    closed first with what was saved in time (inside the caller's transaction)."""
    query = sa.select(Attempt).where(
        Attempt.assignment_id == assignment.id, Attempt.status == AttemptStatus.IN_PROGRESS
    )
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    for attempt in session.scalars(query.with_for_update()).all():
        if time_is_up(attempt.deadline, now):
            close(session, attempt, attempt.deadline, auto=True)
            continue
        window = window_of(assignment, override_for(session, assignment.id, attempt.user_id))
        attempt.deadline = attempt_deadline(window, _timer_start(attempt))


def attempts_of(session: Session, assignment_id: int, user_id: int) -> list[Attempt]:
    """One student's attempts at an assignment, oldest first."""
    return list(
        session.scalars(
            sa.select(Attempt)
            .where(Attempt.assignment_id == assignment_id, Attempt.user_id == user_id)
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def running_attempt(session, assignment_id: int, user_id: int, now: datetime) -> Attempt | None:
    for attempt in attempts_of(session, assignment_id, user_id):
        if not attempt.finished and not time_is_up(attempt.deadline, now):
            return attempt
    return None


def student_window(session: Session, assignment: Assignment, user_id: int) -> Window:
    return window_of(assignment, override_for(session, assignment.id, user_id))


def start_assignment(
    session: Session,
    user: User,
    assignment: Assignment,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """Start the assigned quiz with the assignment's settings (the student chooses none).

    Membership, dates and the attempts left are checked again under the write lock, with
    the student's class membership locked, so two clicks never make two attempts."""
    now = now or utcnow()

    def admit(locked: Session, when: datetime) -> datetime | None:
        member = locked.scalar(
            sa.select(CourseMember)
            .where(
                CourseMember.course_id == assignment.course_id,
                CourseMember.user_id == user.id,
                CourseMember.role == CourseRole.STUDENT,
            )
            .with_for_update()
        )
        if member is None:
            raise QuizError("You are not a student of this class.")
        if member.course.archived:
            raise QuizError("This class is archived.")
        running = running_attempt(locked, assignment.id, user.id, when)
        if running is not None:
            raise ResumeAttempt(running.id)
        window = student_window(locked, assignment, user.id)
        used = len(attempts_of(locked, assignment.id, user.id))
        reason = why_not_start(window, used, when)
        if reason:
            raise QuizError(reason)
        return attempt_deadline(window, when)

    request = QuizRequest(
        banks=list(assignment.banks or []),
        question_ids=list(assignment.question_ids or []),
        count=assignment.count,
        shuffle=assignment.shuffle,
        mode=assignment.mode,
        title=assignment.title,
        assignment_id=assignment.id,
        admit=admit,
    )
    return start_quiz(session, user, request, rng=rng, now=now)


def save_override(
    session: Session,
    assignment: Assignment,
    user_id: int,
    closes_at: datetime | None,
    extra_minutes: int = 0,
    extra_attempts: int = 0,
    now: datetime | None = None,
) -> AssignmentOverride:
    """Set one student's override (replacing any earlier one); their running attempt follows."""
    opens = assignment.opens_at
    if closes_at is not None and opens is not None and closes_at <= opens:
        raise ClassError("The new close date must come after the open date.")
    if extra_minutes < 0 or extra_attempts < 0:
        raise ClassError("Extra time and attempts cannot be negative.")
    with write_transaction(session):
        _lock(session, assignment.id)
        override = override_for(session, assignment.id, user_id)
        if override is None:
            override = AssignmentOverride(assignment_id=assignment.id, user_id=user_id)
            session.add(override)
        override.closes_at = closes_at
        override.extra_minutes, override.extra_attempts = extra_minutes, extra_attempts
        session.flush()
        _refresh_deadlines(session, assignment, user_id, now or utcnow())
    return override


def delete_override(session: Session, assignment: Assignment, user_id: int, now=None) -> bool:
    with write_transaction(session):
        _lock(session, assignment.id)
        override = override_for(session, assignment.id, user_id)
        if override is None:
            return False
        session.delete(override)
        session.flush()
        _refresh_deadlines(session, assignment, user_id, now or utcnow())
    return True


def reopen(session: Session, attempt_id: int, now: datetime | None = None) -> Attempt:
    """Give a submitted attempt back to its student, with its answers, as Moodle's "re-open":
    a fresh time limit from now (never past their close date). Marks are worked out again
    when it is submitted."""
    now = now or utcnow()
    with write_transaction(session):
        attempt = lock_attempt(session, attempt_id)
        assignment = session.get(Assignment, attempt.assignment_id)
        if not attempt.finished and time_is_up(attempt.deadline, now):
            close(session, attempt, attempt.deadline, auto=True, items_fresh=True)
        if not attempt.finished:
            raise ClassError("This attempt is still running.")
        window = student_window(session, assignment, attempt.user_id)
        if window.is_closed(now):
            raise ClassError(
                "The assignment is closed for this student: give them a later close date "
                "(an override) first, then reopen the attempt."
            )
        attempt.status, attempt.submitted_at, attempt.auto_submitted = (
            AttemptStatus.IN_PROGRESS,
            None,
            False,
        )
        attempt.score, attempt.current = 0.0, 0
        attempt.step += 1  # pages open from before the reopening are stale
        attempt.settings = {**(attempt.settings or {}), "reopened_at": now.isoformat()}
        attempt.deadline = attempt_deadline(window, now)
        attempt_changed(session, attempt.id)
        for item in attempt.items:
            item.first_try = False  # set again at the next submission
            # A checked practice answer stays as it was; everything else is marked again.
            if attempt.mode != Mode.PRACTICE or item.response is None:
                item.fraction, item.points = None, 0.0
    return attempt
