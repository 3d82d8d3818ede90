"""The active banks read back from the database as format-v1 data (what `questions export`
and the authoring downloads write)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..banks.document import ExtraCard
from .queries import active_banks, bank_versions


def export_banks(session: Session) -> list[dict[str, Any]]:
    """The active banks as format-v1 data, in bank order."""
    exported = []
    for row in active_banks(session):
        current = bank_versions(session, row.id)
        data: dict[str, Any] = {
            "bank": {"id": row.slug, "title": row.title, "order": row.position},
            "questions": [current[q.id].data for q in row.questions if q.active],
        }
        if row.summary:
            data["bank"]["summary"] = row.summary
        extra = [c for c in row.cards if c.active and c.question_id is None]
        if extra:
            data["cards"] = [
                ExtraCard(card.slug, card.front, card.back, list(card.tags)).to_data()
                for card in extra
            ]
        exported.append(data)
    return exported
