"""Read-side queries for listing banks with their counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Bank, Card, Question, QuestionVersion


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
    banks = session.scalars(
        sa.select(Bank).where(Bank.retired_at.is_(None)).order_by(Bank.position, Bank.title)
    )
    return [BankListing(b, question_counts.get(b.id, 0), card_counts.get(b.id, 0)) for b in banks]


@dataclass(frozen=True)
class BankOverview:
    bank: Bank
    questions: int
    cards: int
    types: dict[str, int]
    tags: list[str]


def bank_overview(session: Session, slug: str) -> BankOverview | None:
    bank = session.scalar(sa.select(Bank).where(Bank.slug == slug, Bank.retired_at.is_(None)))
    if bank is None:
        return None
    versions = session.scalars(
        sa.select(QuestionVersion)
        .join(Question)
        .where(
            Question.bank_id == bank.id,
            Question.retired_at.is_(None),
            QuestionVersion.number == Question.version,
        )
    ).all()
    types = Counter(version.type for version in versions)
    tags = sorted({tag for version in versions for tag in version.data.get("tags", [])})
    cards = session.scalar(
        sa.select(sa.func.count()).where(Card.bank_id == bank.id, Card.retired_at.is_(None))
    )
    return BankOverview(bank, len(versions), cards or 0, dict(types), tags)
