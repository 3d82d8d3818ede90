"""Queries several services share, written once: active banks in their one order, the
current version of each question, active cards."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Bank, Card, Question, QuestionVersion

# Banks are listed in this order everywhere (the file's `order`, then first imported first).
BANK_ORDER = (Bank.position, Bank.id)
# A question's current version: the one its `version` counter points at.
IS_CURRENT = QuestionVersion.number == Question.version


def rows(session: Session, statement, **params) -> sa.CursorResult:
    """The rows of `statement`, built once (at import, with bind parameters) and run on the
    session's connection: a hot path pays neither for building the statement and its cache key
    nor for the ORM's handling of a query that only reads columns."""
    return session.connection().execute(statement, params)


def active_banks(session: Session) -> list[Bank]:
    """Banks that are not retired, in bank order."""
    return list(session.scalars(_ACTIVE_BANKS))


_ACTIVE_BANKS = sa.select(Bank).where(Bank.retired_at.is_(None)).order_by(*BANK_ORDER)


@dataclass(frozen=True)
class Shelf:
    """The active banks in bank order, with each one's active questions in bank order."""

    banks: list[Bank]
    questions: dict[int, list[int]]  # bank id -> question ids


_SHELVED_QUESTIONS = (
    sa.select(Question.id, Question.bank_id)
    .join(Bank, Question.bank_id == Bank.id)
    .where(Question.retired_at.is_(None), Bank.retired_at.is_(None))
    .order_by(Question.bank_id, Question.position)
)


def active_shelf(session: Session) -> Shelf:
    """Active banks and their active questions (two queries, for pages that need both)."""
    questions: dict[int, list[int]] = {}
    for question_id, bank_id in rows(session, _SHELVED_QUESTIONS):
        questions.setdefault(bank_id, []).append(question_id)
    return Shelf(active_banks(session), questions)


def active_bank(session: Session, slug: str) -> Bank | None:
    return session.scalar(sa.select(Bank).where(Bank.slug == slug, Bank.retired_at.is_(None)))


def current_versions_query(*columns):
    """The current version of every active question (with `columns` beside it, if given)."""
    return (
        sa.select(QuestionVersion, *columns)
        .join(Question, QuestionVersion.question_id == Question.id)
        .join(Bank, Question.bank_id == Bank.id)
        .where(IS_CURRENT, Question.retired_at.is_(None), Bank.retired_at.is_(None))
    )


def bank_versions(session: Session, bank_id: int) -> dict[int, QuestionVersion]:
    """The current version of each question of one bank (retired ones too), by question id."""
    versions = session.scalars(
        sa.select(QuestionVersion)
        .join(Question, QuestionVersion.question_id == Question.id)
        .where(Question.bank_id == bank_id, IS_CURRENT)
    )
    return {version.question_id: version for version in versions}


def active_cards_query(deck: str | None, *columns):
    """Active cards of active banks (of one bank, by slug, if `deck`), in study order."""
    query = (
        sa.select(*columns)
        .join(Bank, Card.bank_id == Bank.id)
        .where(Card.retired_at.is_(None), Bank.retired_at.is_(None))
        .order_by(*BANK_ORDER, Card.position)
    )
    return query.where(Bank.slug == deck) if deck else query
