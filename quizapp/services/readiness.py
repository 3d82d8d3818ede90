"""Exam readiness: the quiz score a student's memory predicts (quizapp.memory.readiness), from
each question's card and its retrievability now; and, for instructors, how such predictions
matched the scores that followed (each attempt keeps the prediction made when it started).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import memory, scheduling
from ..memory import Calibration, Readiness
from ..models import Attempt, Bank, Card, CardState, Question, Review, User, utcnow
from ..scheduling import NEW, Memory
from ..vocab import AttemptStatus
from .queries import active_banks
from .study import preferences

QUIZ_SIZE = 10  # the one-click practice quiz the prediction speaks of
PREDICTION = "predicted_score"  # the key of an attempt's settings that holds its prediction
# CardState's columns that hold a Memory, in the order of its fields.
MEMORY_COLUMNS = tuple(getattr(CardState, field.name) for field in fields(Memory))


@dataclass(frozen=True)
class BankReadiness:
    slug: str
    title: str
    readiness: Readiness


def first_try_recall(session: Session, user: User) -> float | None:
    """Share of new cards the student did not fail on first sight (None before any review):
    the chance given to a question never studied. A card's first review is its one review
    from the NEW state."""
    total, recalled = session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(Review.rating > 1)).where(
            Review.user_id == user.id, Review.state_before == NEW
        )
    ).one()
    return recalled / total if total else None


def _retrievabilities(
    session: Session, user: User, question_ids: Iterable[int], now: datetime
) -> dict[int, float | None]:
    """Each question's card's retrievability now (None: never studied, or no card)."""
    question_ids = list(question_ids)
    # Columns, not rows: a dashboard reads a few hundred card states.
    rows = session.execute(
        sa.select(Card.question_id, *MEMORY_COLUMNS)
        .join(CardState, (CardState.card_id == Card.id) & (CardState.user_id == user.id))
        .where(Card.question_id.in_(question_ids), Card.retired_at.is_(None))
    ).all()
    prefs = preferences(user)
    found: dict[int, float | None] = dict.fromkeys(question_ids)
    for question_id, *values in rows:
        found[question_id] = scheduling.retrievability(Memory(*values), now, prefs)
    return found


def predicted_score(
    session: Session, user: User, question_ids: list[int], now: datetime | None = None
) -> float | None:
    """The expected score (0..1) on these questions now; None for a student with no review."""
    unseen = first_try_recall(session, user)
    if unseen is None or not question_ids:
        return None
    chances = _retrievabilities(session, user, question_ids, now or utcnow())
    return sum(unseen if r is None else r for r in chances.values()) / len(chances)


def _bank_questions(session: Session) -> dict[int, list[int]]:
    questions: dict[int, list[int]] = {}
    for question_id, bank_id in session.execute(
        sa.select(Question.id, Question.bank_id)
        .join(Bank, Question.bank_id == Bank.id)
        .where(Question.retired_at.is_(None), Bank.retired_at.is_(None))
        .order_by(Question.bank_id, Question.position)
    ):
        questions.setdefault(bank_id, []).append(question_id)
    return questions


def readiness_by_bank(
    session: Session, user: User, now: datetime | None = None, slug: str | None = None
) -> list[BankReadiness]:
    """The predicted score of a quiz on each active bank (or on the bank `slug`)."""
    now = now or utcnow()
    banks = [bank for bank in active_banks(session) if slug is None or bank.slug == slug]
    questions = _bank_questions(session)
    chances = _retrievabilities(
        session, user, [q for bank in banks for q in questions.get(bank.id, [])], now
    )
    unseen = first_try_recall(session, user) or 0.0
    return [
        BankReadiness(
            bank.slug,
            bank.title,
            memory.readiness(
                [chances[q] for q in questions.get(bank.id, [])],
                quiz_size=QUIZ_SIZE,
                unseen_recall=unseen,
            ),
        )
        for bank in banks
    ]


def bank_readiness(session: Session, user: User, slug: str) -> Readiness | None:
    found = readiness_by_bank(session, user, slug=slug)
    return found[0].readiness if found else None


def prediction_pairs(session: Session, where: Sequence = ()) -> list[tuple[float, float]]:
    """(predicted, actual) score of every submitted attempt that kept a prediction, among the
    attempts `where` (clauses on Attempt, e.g. a Scope's) selects."""
    rows = session.execute(
        sa.select(Attempt.settings, Attempt.score, Attempt.max_score).where(
            Attempt.status == AttemptStatus.SUBMITTED, Attempt.max_score > 0, *where
        )
    )
    return [
        (settings[PREDICTION], score / top)
        for settings, score, top in rows
        if isinstance(settings, dict) and isinstance(settings.get(PREDICTION), int | float)
    ]


def class_calibration(session: Session, where: Sequence = ()) -> Calibration:
    """Predicted against actual quiz scores, in bins of prediction (for instructors: `where`
    keeps their students' attempts)."""
    return memory.calibration(prediction_pairs(session, where))
