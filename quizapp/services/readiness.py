"""Exam readiness: the quiz score a student's memory predicts (quizapp.memory.readiness), from
each question's card and its retrievability now; and, for instructors, how such predictions
matched the scores that followed (each attempt keeps the prediction made when it started).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import memory, scheduling
from ..memory import Calibration, Readiness
from ..models import Attempt, Card, CardState, Review, User, utcnow
from ..scheduling import NEW, REVIEW
from ..vocab import AttemptStatus
from .queries import Shelf, active_shelf, rows
from .report_cache import all_stamps, cached
from .study import preferences

QUIZ_SIZE = 10  # the one-click practice quiz the prediction speaks of
PREDICTION = "predicted_score"  # the key of an attempt's settings that holds its prediction


@dataclass(frozen=True)
class BankReadiness:
    slug: str
    title: str
    readiness: Readiness


@dataclass
class CardMemories:
    """What a student's dashboard needs of their active cards, read in one query and one pass:
    the mastery, the forecast and the readiness all come from it."""

    retained: Counter[int]  # per bank: review cards recalled above the desired retention
    review_dues: list[datetime]  # when each unsuspended review card is due
    recall: dict[int, float | None]  # per question with a card: its chance of recall now


_MEMORIES = (
    sa.select(
        Card.bank_id,
        Card.question_id,
        CardState.state,
        CardState.due,
        CardState.suspended,
        CardState.stability,
        CardState.last_review,
    )
    .join(CardState, CardState.card_id == Card.id)
    .where(CardState.user_id == sa.bindparam("user"), Card.retired_at.is_(None))
)


def card_memories(session: Session, user: User, now: datetime | None = None) -> CardMemories:
    """The student's active cards as the dashboard counts them, at `now`."""
    return memories_of(rows(session, _MEMORIES, user=user.id), user, now)


def memories_of(
    states: Iterable[Sequence], user: User, now: datetime | None = None
) -> CardMemories:
    """card_memories from the rows of _MEMORIES's columns (bank, question, state, due,
    suspended, stability, last review) of each active card the student has a state of."""
    chance = scheduling.recall_at(now or utcnow(), preferences(user))
    retention = user.desired_retention
    found = CardMemories(Counter(), [], {})
    for bank_id, question_id, state, due, suspended, stability, last_review in states:
        recall = chance(state, stability, last_review)
        if question_id is not None:
            found.recall[question_id] = recall
        if state == REVIEW:
            if recall is not None and recall > retention:
                found.retained[bank_id] += 1
            if not suspended:
                found.review_dues.append(due)
    return found


# Each card's first review is its one review from the NEW state (ix_review_first_tries reads
# just these).
_FIRST_TRIES = sa.select(sa.func.count(), sa.func.count().filter(Review.rating > 1)).where(
    Review.user_id == sa.bindparam("user"), Review.state_before == NEW
)


def first_try_recall(session: Session, user: User) -> float | None:
    """Share of new cards the student did not fail on first sight (None before any review):
    the chance given to a question never studied."""
    total, recalled = rows(session, _FIRST_TRIES, user=user.id).one()
    return recalled / total if total else None


def _retrievabilities(
    session: Session, user: User, question_ids: Iterable[int], now: datetime
) -> dict[int, float | None]:
    """Each question's card's retrievability now (None: never studied, or no card)."""
    question_ids = list(question_ids)
    # Columns, not rows: a dashboard reads a few hundred card states.
    found_rows = session.execute(
        sa.select(Card.question_id, CardState.state, CardState.stability, CardState.last_review)
        .join(CardState, (CardState.card_id == Card.id) & (CardState.user_id == user.id))
        .where(Card.question_id.in_(question_ids), Card.retired_at.is_(None))
    ).all()
    chance = scheduling.recall_at(now, preferences(user))
    found: dict[int, float | None] = dict.fromkeys(question_ids)
    for question_id, *state in found_rows:
        found[question_id] = chance(*state)
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


def readiness_by_bank(
    session: Session,
    user: User,
    now: datetime | None = None,
    slug: str | None = None,
    memories: CardMemories | None = None,
    shelf: Shelf | None = None,
) -> list[BankReadiness]:
    """The predicted score of a quiz on each active bank (or on the bank `slug`); `memories`
    (card_memories at `now`) and `shelf` when the caller has read them already."""
    now = now or utcnow()
    shelf = shelf or active_shelf(session)
    banks = [bank for bank in shelf.banks if slug is None or bank.slug == slug]
    questions = shelf.questions
    if memories is not None:
        chances = memories.recall
    else:
        wanted = [q for bank in banks for q in questions.get(bank.id, [])]
        chances = _retrievabilities(session, user, wanted, now)
    unseen = first_try_recall(session, user) or 0.0
    return [
        BankReadiness(
            bank.slug,
            bank.title,
            memory.readiness(
                [chances.get(q) for q in questions.get(bank.id, [])],
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
    attempts `where` (clauses on Attempt, e.g. a Scope's) selects. The prediction is read from
    the settings in SQL: a class's attempts are thousands of JSON documents."""
    predicted = Attempt.settings[PREDICTION].as_float()
    return [
        (prediction, score / top)
        for prediction, score, top in session.execute(
            sa.select(predicted, Attempt.score, Attempt.max_score).where(
                Attempt.status == AttemptStatus.SUBMITTED,
                Attempt.max_score > 0,
                predicted.is_not(None),
                *where,
            )
        )
    ]


def class_calibration(
    session: Session, where: Sequence = (), key: Hashable | None = None
) -> Calibration:
    """Predicted against actual quiz scores, in bins of prediction (for instructors: `where`
    keeps their students' attempts). With a `key` saying what `where` selects (a Scope), the
    result is kept until finished answers change (report_cache)."""
    if key is None:
        return memory.calibration(prediction_pairs(session, where))
    return cached(
        session,
        ("calibration", key, all_stamps(session)),
        lambda: memory.calibration(prediction_pairs(session, where)),
    )
