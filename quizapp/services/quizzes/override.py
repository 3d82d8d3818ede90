""" "I was right": in practice, a student overrules a rejected typed answer (Quizlet's
"Override: I was correct"). Recorded once, counted as right from then on (the attempt's score,
retry-my-mistakes, mastery), shown to instructors, and never allowed in an exam."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ... import qtypes
from ...attempt_rules import Override, may_override
from ...database import write_transaction
from ...models import AttemptItem, User, utcnow
from ...vocab import Mode
from ..report_cache import attempt_changed
from .finish import lock_attempt

MESSAGES = {
    Override.RECORDED: "Marked right: this answer now counts as correct.",
    Override.ALREADY: "You already marked this answer right.",
    Override.REFUSED: "Only a rejected typed answer in a practice quiz can be marked right.",
}


def _rule(item: AttemptItem, mode: str) -> Override:
    return may_override(
        mode == Mode.PRACTICE,
        qtypes.get(item.version.type).overridable,
        item.response is not None,
        item.fraction,
        item.overridden_at is not None,
    )


def can_override(item: AttemptItem, mode: str) -> bool:
    """Whether the page may offer "I was right" for this answer."""
    return _rule(item, mode) is Override.RECORDED


def override(
    session: Session, user: User, attempt_id: int, position: int, now: datetime | None = None
) -> tuple[Override, bool]:
    """Overrule the grade of the answer at `position`: (what happened, whether the attempt is
    finished). The rules are checked under the lock, so a double post is recorded once."""
    now = now or utcnow()
    with write_transaction(session):
        attempt = lock_attempt(session, attempt_id, user, items=False)
        if attempt is None:
            return Override.MISSING, False
        item = session.scalar(
            sa.select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position)
            .options(joinedload(AttemptItem.version))
            .execution_options(populate_existing=True)
        )
        if item is None:
            return Override.MISSING, attempt.finished
        outcome = _rule(item, attempt.mode)
        if outcome is Override.RECORDED:
            item.overridden_from, item.overridden_at = item.fraction, now
            item.fraction, item.points = 1.0, item.max_points
            if attempt.finished:
                attempt_changed(session, attempt.id)
                session.flush()
                attempt.score = session.scalar(
                    sa.select(sa.func.sum(AttemptItem.points)).where(
                        AttemptItem.attempt_id == attempt.id
                    )
                )
        return outcome, attempt.finished
