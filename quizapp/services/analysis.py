"""For instructors: a question's report and regrading. Item analysis is in item_analysis.py,
the class overview and its CSV in overview.py; their names stay importable from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes
from ..banks.files import SourceLine
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
from .item_analysis import QuestionAnalysis, bank_analysis, location  # noqa: F401
from .overview import SORT_KEYS, StudentRow, class_csv, class_overview  # noqa: F401
from .report_cache import answers_changed


@dataclass
class QuestionReport:
    question: Question
    bank: Bank
    location: SourceLine
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
