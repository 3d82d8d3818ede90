"""For instructors: item analysis per bank, a question's report, regrading. (The class
overview and its CSV are in services/overview.py; their names stay importable from here.)"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes, stats
from ..banks.files import SourceLine
from ..database import write_transaction
from ..markdown import plain_excerpt
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
from .overview import SORT_KEYS, StudentRow, class_csv, class_overview  # noqa: F401
from .queries import bank_versions


@dataclass
class QuestionAnalysis:
    question: Question
    version: QuestionVersion
    location: SourceLine
    item: stats.ItemStats

    @property
    def flags(self) -> list[str]:
        return self.item.flags()

    @property
    def excerpt(self) -> str:
        """The first ~60 characters of the question as plain text."""
        return plain_excerpt(_type(self.version).stem(self.version.data))


@dataclass
class BankAnalysis:
    bank: Bank
    questions: list[QuestionAnalysis] = field(default_factory=list)
    test: stats.TestStats | None = None
    slots: int = 0

    def worth_a_look(self, minimum: int = stats.MIN_RESPONSES_FOR_FLAGS) -> list[QuestionAnalysis]:
        """The questions with reasons for a look, among those with `minimum` responses."""
        return [q for q in self.questions if q.item.flags(minimum)]


def _first_attempt_items(session: Session, question_ids: list[int], scope: Scope):
    """Each student's first finished try at each question (in scope), with that attempt's
    score and maximum, as plain rows (a Core query: thousands of rows, no objects)."""
    query = (
        sa.select(
            AttemptItem.question_id,
            # The mark grading gave, not a student's "I was right" in practice.
            sa.func.coalesce(AttemptItem.overridden_from, AttemptItem.fraction),
            AttemptItem.points,
            AttemptItem.max_points,
            Attempt.score,
            Attempt.max_score,
        )
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(User, Attempt.user_id == User.id)
        .where(
            AttemptItem.question_id.in_(question_ids),
            User.role == Role.STUDENT,
            *scope.counted_answers(),
        )
    )
    return session.connection().execute(query).all()


def _type(version: QuestionVersion) -> qtypes.QuestionType:
    return qtypes.get(version.type)


def location(bank: Bank, question: Question) -> SourceLine:
    """Where the question is defined (pages show the file relative to the questions folder)."""
    return SourceLine(bank.source_path or bank.slug, question.source_line or 1)


def bank_analysis(session: Session, slug: str, scope: Scope = EVERYONE) -> BankAnalysis | None:
    bank = session.scalar(sa.select(Bank).where(Bank.slug == slug))
    if bank is None:
        return None
    questions = list(
        session.scalars(
            sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.position)
        )
    )
    current = bank_versions(session, bank.id)
    rows = _first_attempt_items(session, [q.id for q in questions], scope)
    # One pass over the rows (thousands at scale): per question, marks and rest-of-attempt
    # scores.
    marks: dict[int, list[float]] = defaultdict(list)
    rest: dict[int, list[float]] = defaultdict(list)
    for qid, fraction, points, max_points, score, max_score in rows:
        others = max_score - max_points
        marks[qid].append(fraction or 0.0)
        rest[qid].append((score - points) / others if others > 0 else 0.0)
    result = BankAnalysis(bank)
    for question in questions:
        qid = question.id
        if qid not in marks and question.retired_at is not None:
            continue
        result.questions.append(
            QuestionAnalysis(
                question,
                current[qid],
                location(bank, question),
                stats.item_stats(marks[qid], rest[qid]),
            )
        )
    result.test, result.slots = _bank_test_stats(session, bank, scope)
    return result


def _bank_test_stats(session: Session, bank: Bank, scope: Scope) -> tuple[stats.TestStats, int]:
    """Over each student's first finished attempt drawn only from this bank; attempts have
    random questions, so (as Moodle does for random slots) positions are the items."""
    other_bank = sa.exists(
        sa.select(AttemptItem.id)
        .join(Question, AttemptItem.question_id == Question.id)
        .where(AttemptItem.attempt_id == Attempt.id, Question.bank_id != bank.id)
    )
    firsts = (
        sa.select(
            Attempt.id,
            sa.func.row_number()
            .over(partition_by=Attempt.user_id, order_by=(Attempt.submitted_at, Attempt.id))
            .label("rank"),
        )
        .join(User, Attempt.user_id == User.id)
        .where(
            Attempt.status == AttemptStatus.SUBMITTED,
            User.role == Role.STUDENT,
            ~other_bank,
            *scope.attempt_clauses(),
        )
        .subquery()
    )
    rows = session.connection().execute(
        sa.select(AttemptItem.attempt_id, AttemptItem.fraction)
        .join(firsts, firsts.c.id == AttemptItem.attempt_id)
        .where(firsts.c.rank == 1)
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    )
    attempts: dict[int, list[float]] = {}
    for attempt_id, fraction in rows:
        attempts.setdefault(attempt_id, []).append(fraction or 0.0)
    if not attempts:
        return stats.test_stats([]), 0
    length = Counter(len(m) for m in attempts.values()).most_common(1)[0][0]
    return stats.test_stats([m for m in attempts.values() if len(m) == length]), length


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
                _type(current).grade(current.data, item.response)
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
        for attempt in session.scalars(sa.select(Attempt).where(Attempt.id.in_(touched))):
            if attempt.original_score is None:
                attempt.original_score = attempt.score
            attempt.score = sum(i.points for i in attempt.items)
    return len(items)
