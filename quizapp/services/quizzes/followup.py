"""Where a finished attempt leads: practising again the questions it missed, and how it
compares with the student's previous try at the same selection."""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...models import Attempt, User
from ...vocab import AttemptStatus, Mode
from ..review import shown
from .practice import practise, selection
from .start import QuizError, QuizRequest


def missed_questions(attempt: Attempt) -> list[int]:
    """The questions of a finished attempt not answered fully right, in the order shown."""
    return [item.question_id for item in attempt.items if (item.fraction or 0) < 1 - 1e-9]


def retry_missed(
    session: Session,
    user: User,
    attempt_id: int,
    idle: timedelta,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> tuple[Attempt, bool] | None:
    """A practice of the questions a finished attempt missed, or the unfinished practice of
    those same questions (resumed); None: no such attempt of this student."""
    attempt = session.scalar(
        sa.select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
    if attempt is None:
        return None
    if not attempt.finished or not shown(session, attempt, now).score:
        raise QuizError("The marks of this attempt are not shown yet.")
    missed = missed_questions(attempt)
    if not missed:
        raise QuizError("Nothing to retry: every answer of this attempt was right.")
    title = f"Retry: {attempt.title.removeprefix('Retry: ')}"[:200]
    request = QuizRequest(count=len(missed), mode=Mode.PRACTICE, title=title, question_ids=missed)
    return practise(session, user, request, idle, rng, now)


@dataclass(frozen=True)
class PreviousTry:
    percent: float
    submitted_at: datetime


def previous_try(
    session: Session, user: User, attempt: Attempt, hidden: Collection[int] = ()
) -> PreviousTry | None:
    """The student's latest finished attempt before this one with the same selection (banks,
    topics, number of questions, questions and mode), whose score they may see."""
    if not attempt.finished or attempt.submitted_at is None:
        return None
    earlier = session.scalars(
        sa.select(Attempt)
        .where(
            Attempt.user_id == user.id,
            Attempt.id != attempt.id,
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.mode == attempt.mode,
            Attempt.submitted_at <= attempt.submitted_at,
            Attempt.id.not_in(hidden),
        )
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(50)
    )
    wanted = selection(attempt.settings or {})
    for other in earlier:
        if (
            selection(other.settings or {}) == wanted
            and other.assignment_id == attempt.assignment_id
        ):
            percent = 100 * other.score / other.max_score if other.max_score else 0.0
            return PreviousTry(percent, other.submitted_at)
    return None
