"""Item analysis of a bank for instructors: facility and discrimination per question, over
each student's first finished try, and the bank as a test. The figures are
worked out from the answers once and kept until those answers change (report_cache: the bank's
answers stamp is part of the key, with the scope and the questions' current versions)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes, stats
from ..banks.files import SourceLine
from ..markdown import plain_excerpt
from ..models import Attempt, AttemptItem, Bank, Question, QuestionVersion, User
from ..vocab import AttemptStatus, Role
from .classes.scope import EVERYONE, Scope
from .queries import bank_versions
from .report_cache import cached


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


@dataclass(frozen=True)
class QuestionFigures:
    """What the answers say about one question (kept: numbers only)."""

    answered: bool
    item: stats.ItemStats


@dataclass(frozen=True)
class BankFigures:
    """What the answers say about a bank, as kept between views (never changed once made)."""

    questions: dict[int, QuestionFigures]
    test: stats.TestStats
    slots: int


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
    # Whatever the figures depend on: the answers (the bank's stamp), whose answers (the
    # scope) and what the questions are now (their current versions: options, types).
    key = (
        "item analysis",
        bank.id,
        bank.answers_stamp,
        scope.user_ids,
        scope.assignment_id,
        tuple((q.id, current[q.id].id) for q in questions),
    )
    figures = cached(session, key, lambda: _figures(session, bank, questions, scope))
    result = BankAnalysis(bank, test=figures.test, slots=figures.slots)
    for question in questions:
        found = figures.questions[question.id]
        if not found.answered and question.retired_at is not None:
            continue
        result.questions.append(
            QuestionAnalysis(question, current[question.id], location(bank, question), found.item)
        )
    return result


def _figures(
    session: Session,
    bank: Bank,
    questions: list[Question],
    scope: Scope,
) -> BankFigures:
    """The bank's figures worked out from the answers."""
    rows = _first_attempt_items(session, [q.id for q in questions], scope)
    # One pass over the rows (thousands at scale): per question, marks and rest-of-attempt
    # scores.
    marks: dict[int, list[float]] = defaultdict(list)
    rest: dict[int, list[float]] = defaultdict(list)
    for qid, fraction, points, max_points, score, max_score in rows:
        others = max_score - max_points
        marks[qid].append(fraction or 0.0)
        rest[qid].append((score - points) / others if others > 0 else 0.0)
    figures = {
        q.id: QuestionFigures(q.id in marks, stats.item_stats(marks[q.id], rest[q.id]))
        for q in questions
    }
    return BankFigures(figures, *_bank_test_stats(session, bank, scope))


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
