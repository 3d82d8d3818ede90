"""Read-side queries for listing banks with their counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Bank, Card, Question
from .queries import active_bank, active_banks, current_versions_query


@dataclass(frozen=True)
class BankListing:
    bank: Bank
    questions: int
    cards: int


def bank_listing(session: Session) -> list[BankListing]:
    """Active banks in order, with their active question and card counts (two grouped queries)."""
    question_counts = dict(
        session.execute(
            sa.select(Question.bank_id, sa.func.count())
            .where(Question.retired_at.is_(None))
            .group_by(Question.bank_id)
        ).all()
    )
    card_counts = dict(
        session.execute(
            sa.select(Card.bank_id, sa.func.count())
            .where(Card.retired_at.is_(None))
            .group_by(Card.bank_id)
        ).all()
    )
    banks = active_banks(session)
    return [BankListing(b, question_counts.get(b.id, 0), card_counts.get(b.id, 0)) for b in banks]


@dataclass(frozen=True)
class BankOverview:
    bank: Bank
    questions: int
    cards: int
    types: dict[str, int]
    tags: list[str]


def bank_overview(session: Session, slug: str) -> BankOverview | None:
    bank = active_bank(session, slug)
    if bank is None:
        return None
    versions = session.scalars(current_versions_query().where(Question.bank_id == bank.id)).all()
    types = Counter(version.type for version in versions)
    tags = sorted({tag for version in versions for tag in version.data.get("tags", [])})
    cards = session.scalar(
        sa.select(sa.func.count()).where(Card.bank_id == bank.id, Card.retired_at.is_(None))
    )
    return BankOverview(bank, len(versions), cards or 0, dict(types), tags)
