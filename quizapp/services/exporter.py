"""The active banks read back from the database as format-v1 data (what `questions export`
and the authoring downloads write)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Bank as BankRow
from ..models import Card, Question, QuestionVersion


def _current_versions(session: Session, row: BankRow) -> dict[int, QuestionVersion]:
    versions = session.scalars(
        sa.select(QuestionVersion)
        .join(Question)
        .where(Question.bank_id == row.id, QuestionVersion.number == Question.version)
    )
    return {version.question_id: version for version in versions}


def export_banks(session: Session) -> list[dict[str, Any]]:
    """The active banks as format-v1 data, in bank order."""
    banks = session.scalars(
        sa.select(BankRow).where(BankRow.retired_at.is_(None)).order_by(BankRow.position)
    )
    exported = []
    for row in banks:
        current = _current_versions(session, row)
        data: dict[str, Any] = {
            "bank": {"id": row.slug, "title": row.title, "order": row.position},
            "questions": [current[q.id].data for q in row.questions if q.active],
        }
        if row.summary:
            data["bank"]["summary"] = row.summary
        extra = [c for c in row.cards if c.active and c.question_id is None]
        if extra:
            data["cards"] = [_card_data(card) for card in extra]
        exported.append(data)
    return exported


def _card_data(card: Card) -> dict[str, Any]:
    data: dict[str, Any] = {"id": card.slug, "front": card.front, "back": card.back}
    if card.tags:
        data["tags"] = list(card.tags)
    return data
