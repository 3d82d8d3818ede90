"""Typed models of study beside the schedule: cram (a pass over cards now, with the student's
Know / Still learning marks, kept apart from the FSRS schedule: CardState and Review never
change) and the daily retention tallies of reviews. Data only; the rules are in cram_rules.py,
services/study/cram.py and services/retention.py."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Bank, utcnow


class CramSession(db.Model):
    """One cram session: a deck's cards (or the cards of a quiz's missed questions) in a
    shuffled order, gone through in rounds. Round 1 has every card; each later round has the
    cards marked "still learning" in the round before. `marks` lists [round, card id, known]
    in the order given; `position` counts the cards of this round already passed."""

    __table_args__ = (sa.Index("ix_cram_session_user_id_updated_at", "user_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    bank_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bank.id"))  # None: all decks
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempt.id"))  # its misses
    title: Mapped[str] = mapped_column(sa.String(200))
    cards: Mapped[list] = mapped_column(sa.JSON)  # every card, in the first round's order
    pile: Mapped[list] = mapped_column(sa.JSON)  # this round's cards, in order
    position: Mapped[int] = mapped_column(default=0)
    round: Mapped[int] = mapped_column(default=1)
    marks: Mapped[list] = mapped_column(sa.JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]  # every card known

    bank: Mapped[Bank | None] = relationship()


class RetentionDay(db.Model):
    """Per student and UTC day: reviews of cards already learnt (rated from the Review state)
    and how many of them were not rated Again. Every grade adds to it and every undo takes
    away, so the class overview reads about 30 rows per student, not each review."""

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    reviews: Mapped[int] = mapped_column(default=0)
    remembered: Mapped[int] = mapped_column(default=0)
