"""The workload simulator on the student's own deck, parameters, limits and habits.

A simulation takes about half a second, so its table is kept in the database per student
(WorkloadEstimate) and shown while what it was computed from is unchanged; the student
recomputes it with a button. Nothing is cached in the process.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import memory
from ...database import write_transaction
from ...memory import Workload, WorkloadRow
from ...models import Bank, Card, CardState, User, WorkloadEstimate, utcnow
from .optimise import review_log


@dataclass(frozen=True)
class WorkloadTable:
    workload: Workload
    computed_at: datetime
    current: bool  # computed from the student's present parameters, deck and limits


def deck_size(session: Session, user: User) -> int:
    """Cards the student can study: active cards of active banks that they have not suspended."""
    suspended = sa.select(CardState.card_id).where(
        CardState.user_id == user.id, CardState.suspended.is_(True)
    )
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(Card)
        .join(Bank, Card.bank_id == Bank.id)
        .where(Card.retired_at.is_(None), Bank.retired_at.is_(None), Card.id.not_in(suspended))
    )


def _key(user: User, cards: int) -> str:
    inputs = [
        list(user.fsrs_parameters or memory.DEFAULT_PARAMETERS),
        cards,
        user.new_per_day,
        user.reviews_per_day,
        user.learning_steps,
    ]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def saved_workload(session: Session, user: User) -> WorkloadTable | None:
    """The student's last simulation, if any, and whether it still fits their settings."""
    saved = session.scalar(sa.select(WorkloadEstimate).where(WorkloadEstimate.user_id == user.id))
    if saved is None:
        return None
    result = saved.result
    workload = Workload(
        rows=tuple(WorkloadRow(**row) for row in result["rows"]),
        deck_size=result["deck_size"],
        days=result["days"],
    )
    current = saved.key == _key(user, deck_size(session, user))
    return WorkloadTable(workload, saved.computed_at, current)


def estimate_workload(session: Session, user: User, now: datetime | None = None) -> WorkloadTable:
    """Simulate a year for each retention and keep the table. ValueError without cards."""
    cards = deck_size(session, user)
    log = review_log(session, user)
    workload = memory.workload(
        tuple(user.fsrs_parameters or memory.DEFAULT_PARAMETERS),
        cards,
        new_per_day=user.new_per_day,
        reviews_per_day=user.reviews_per_day,
        habits=memory.habits(log),
        learning_steps=user.learning_steps,
    )
    result = {
        "deck_size": workload.deck_size,
        "days": workload.days,
        "rows": [asdict(row) for row in workload.rows],
    }
    now = now or utcnow()
    with write_transaction(session):
        session.get(User, user.id, with_for_update=True)  # one writer per student's row
        saved = session.scalar(
            sa.select(WorkloadEstimate).where(WorkloadEstimate.user_id == user.id).with_for_update()
        )
        if saved is None:
            saved = WorkloadEstimate(user_id=user.id)
            session.add(saved)
        saved.key, saved.computed_at, saved.result = _key(user, cards), now, result
    return WorkloadTable(workload, now, True)
