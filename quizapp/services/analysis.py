"""For instructors: class overview, item analysis per bank (item_analysis.py), regrading,
class CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes
from ..csvfiles import csv_text
from ..database import write_transaction
from ..models import (
    Attempt,
    AttemptItem,
    Bank,
    Question,
    QuestionVersion,
    User,
    utcnow,
)
from ..vocab import AttemptStatus, Role
from .classes.scope import EVERYONE, Scope
from .item_analysis import QuestionAnalysis, bank_analysis, location
from .report_cache import all_stamps, answers_changed, cached

SORT_KEYS = ("name", "attempts", "average", "best", "last_active", "cards")


class Student(NamedTuple):
    """What the class overview shows of a student's account (read as columns, not rows)."""

    id: int
    username: str
    cards_studied: int
    last_active_at: datetime | None


@dataclass
class StudentRow:
    user: Student
    attempts: int = 0
    average: float | None = None
    best: float | None = None
    last_active: datetime | None = None
    cards: int = 0


def class_overview(
    session: Session, sort: str = "name", descending: bool = False, scope: Scope = EVERYONE
):
    """Every student in scope with their attempt figures (of one assignment, if the scope
    says so), cards studied and last activity."""
    students = {
        row.id: StudentRow(Student(*row))
        for row in session.execute(
            sa.select(User.id, User.username, User.cards_studied, User.last_active_at).where(
                User.role == Role.STUDENT, *scope.user_clauses()
            )
        )
    }
    for user_id, count, average, best in attempt_figures(session, scope):
        if user_id in students:
            row = students[user_id]
            row.attempts, row.average, row.best = count, average, best
    for row in students.values():
        # Counters kept by each review and submission: no scan of every review here.
        row.cards = row.user.cards_studied
        row.last_active = row.user.last_active_at
    sort = sort if sort in SORT_KEYS else "name"

    def value(row: StudentRow):
        return row.user.username if sort == "name" else getattr(row, sort)

    # Students without a value (no attempts yet) come last whichever way the column sorts.
    present = sorted((r for r in students.values() if value(r) is not None), key=value)
    missing = sorted(
        (r for r in students.values() if value(r) is None), key=lambda r: r.user.username
    )
    return (present[::-1] if descending else present) + missing


def attempt_figures(
    session: Session, scope: Scope = EVERYONE
) -> tuple[tuple[int, int, float | None, float | None], ...]:
    """(user id, finished attempts, average and best percent) of each student in scope who
    finished one; kept until finished answers change (report_cache)."""
    percent = 100 * Attempt.score / sa.func.nullif(Attempt.max_score, 0)
    query = (
        sa.select(Attempt.user_id, sa.func.count(), sa.func.avg(percent), sa.func.max(percent))
        .where(Attempt.status == AttemptStatus.SUBMITTED, *scope.attempt_clauses())
        .group_by(Attempt.user_id)
    )
    return cached(
        session,
        ("attempt figures", scope, all_stamps(session)),
        lambda: tuple(tuple(row) for row in session.execute(query)),
    )


@dataclass
class QuestionReport:
    question: Question
    bank: Bank
    location: str
    versions: list[QuestionVersion]
    analysis: QuestionAnalysis | None
    regradable: int  # answers graded with an older version


def student(session: Session, user_id: int) -> User | None:
    """A student's account (None for a missing id or a staff account)."""
    user = session.get(User, user_id)
    return user if user is not None and user.role == Role.STUDENT else None


def question_exists(session: Session, question_id: int) -> bool:
    return session.get(Question, question_id) is not None


def question_report(
    session: Session, question_id: int, scope: Scope = EVERYONE
) -> QuestionReport | None:
    question = session.get(Question, question_id)
    if question is None:
        return None
    analysis = bank_analysis(session, question.bank.slug, scope)
    mine = next((q for q in analysis.questions if q.question.id == question_id), None)
    return QuestionReport(
        question,
        question.bank,
        location(question.bank, question),
        list(question.versions),
        mine,
        len(_regradable(session, question)),
    )


def _regradable(session: Session, question: Question) -> list[AttemptItem]:
    current = question.versions[-1]
    return list(
        session.scalars(
            sa.select(AttemptItem)
            .join(Attempt, AttemptItem.attempt_id == Attempt.id)
            .where(
                AttemptItem.question_id == question.id,
                Attempt.status == AttemptStatus.SUBMITTED,
                AttemptItem.version_id != current.id,
                sa.or_(
                    AttemptItem.regraded_version_id.is_(None),
                    AttemptItem.regraded_version_id != current.id,
                ),
            )
        )
    )


def regrade(session: Session, question_id: int, now: datetime | None = None) -> int:
    """Grade earlier answers to this question again with its current version's key.

    The first mark of each answer (and of its attempt) is kept beside the new one."""
    now = now or utcnow()
    with write_transaction(session):
        question = session.get(Question, question_id)
        current = question.versions[-1]
        items = _regradable(session, question)
        touched: set[int] = set()
        for item in items:
            if item.original_points is None:
                item.original_points = item.points
            same_type = item.version.type == current.type
            grade = (
                qtypes.get(current.type).grade(current.data, item.response)
                if same_type and item.response is not None
                else qtypes.Grade(0.0)
            )
            fraction, item.note = grade.fraction, grade.note
            if item.overridden_at is not None:  # the student's "I was right" still stands
                item.overridden_from, fraction = fraction, 1.0
            item.fraction, item.points = fraction, fraction * item.max_points
            item.regraded_at, item.regraded_version_id = now, current.id
            touched.add(item.attempt_id)
        session.flush()
        answers_changed(session, [question.bank_id])
        for attempt in session.scalars(sa.select(Attempt).where(Attempt.id.in_(touched))):
            if attempt.original_score is None:
                attempt.original_score = attempt.score
            attempt.score = sum(i.points for i in attempt.items)
    return len(items)


def class_csv(session: Session, scope: Scope = EVERYONE) -> str:
    rows = class_overview(session, scope=scope)
    header = [
        "username", "attempts", "average_percent", "best_percent", "last_active",
        "cards_studied",
    ]  # fmt: skip
    return csv_text(
        header,
        (
            (
                r.user.username,
                r.attempts,
                "" if r.average is None else round(r.average, 1),
                "" if r.best is None else round(r.best, 1),
                r.last_active.isoformat() if r.last_active else "",
                r.cards,
            )  # fmt: skip
            for r in rows
        ),
    )
