"""Typed models: the data and its invariants. Behaviour lives in services/ and the pure modules."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Retirable:
    """Rows that are never deleted, only retired: kept for history, out of new quizzes."""

    retired_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.retired_at is None


class BankItem(Retirable):
    """Questions and cards (each has `bank` and `slug`): addressed as "<bank id>/<slug>"."""

    @property
    def key(self) -> str:
        return f"{self.bank.slug}/{self.slug}"


class Bank(Retirable, db.Model):
    """A question bank, loaded from one file; its questions and cards hang off it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    source_path: Mapped[str | None] = mapped_column(sa.String(500))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="bank", order_by="Question.position"
    )
    cards: Mapped[list[Card]] = relationship(back_populates="bank", order_by="Card.position")


class Question(BankItem, db.Model):
    """A question's identity (bank + slug); its content lives in versions."""

    __table_args__ = (sa.UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("bank.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    source_line: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


class QuestionVersion(db.Model):
    """One immutable content of a question; answers stay linked to the version a student saw."""

    __table_args__ = (sa.UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    number: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(20))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")


class Card(BankItem, db.Model):
    """A flashcard: derived from a question (question_id set) or an extra card of the bank."""

    __table_args__ = (sa.UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("bank.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    front: Mapped[str] = mapped_column(sa.Text)
    back: Mapped[str] = mapped_column(sa.Text)
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    source_line: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="cards")
    question: Mapped[Question | None] = relationship()
