"""Exam secrecy: while a student has an exam open, nothing else shows them its answers.

Flashcards, card info, cram, practice feedback and earlier results would otherwise give away
the key of a question the student is being examined on (security finding B8). The questions
of every open exam are "sealed" for that student until the exam is submitted or its time is up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..attempt_rules import GRACE
from ..models import Attempt, AttemptItem, Card, User, utcnow
from ..vocab import AttemptStatus, Mode
from .queries import driver_rows

PAUSED = (
    "Paused while your exam is open: this is one of its questions. Submit the exam (or let its "
    "time run out) and it comes back."
)


@dataclass(frozen=True)
class Sealed:
    """The questions (and their flashcards) of a student's open exams."""

    question_ids: frozenset[int] = frozenset()
    card_ids: frozenset[int] = frozenset()
    exam_ids: tuple[int, ...] = ()  # the open exams, newest first, to link to

    def __bool__(self) -> bool:
        return bool(self.question_ids)

    def hides_question(self, question_id: int) -> bool:
        return question_id in self.question_ids

    def hides_card(self, card_id: int) -> bool:
        return card_id in self.card_ids


NOTHING_SEALED = Sealed()


# The questions of the student's open exams (those still running, with the same grace as
# answering), newest exam first: one indexed query, built once.
_OPEN_EXAM_QUESTIONS = (
    sa.select(AttemptItem.attempt_id, AttemptItem.question_id)
    .where(
        AttemptItem.attempt_id.in_(
            sa.select(Attempt.id).where(
                Attempt.user_id == sa.bindparam("user"),
                Attempt.mode == Mode.EXAM,
                Attempt.status == AttemptStatus.IN_PROGRESS,
                sa.or_(Attempt.deadline.is_(None), Attempt.deadline >= sa.bindparam("since")),
            )
        )
    )
    .order_by(AttemptItem.attempt_id.desc())
)


def sealed_for(session: Session, user: User, now: datetime | None = None) -> Sealed:
    """What this student may not see right now; one indexed query when no exam is open."""
    now = now or utcnow()
    found = driver_rows(session, _OPEN_EXAM_QUESTIONS, user=user.id, since=now - GRACE)
    if not found:
        return NOTHING_SEALED
    question_ids = frozenset(question_id for _, question_id in found)
    card_ids = session.scalars(sa.select(Card.id).where(Card.question_id.in_(question_ids)))
    exam_ids = tuple(dict.fromkeys(attempt_id for attempt_id, _ in found))
    return Sealed(question_ids, frozenset(card_ids), exam_ids)
