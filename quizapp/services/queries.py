"""Queries several services share, written once: active banks in their one order, the
current version of each question, active cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes
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


class _DriverStatement(NamedTuple):
    """A statement compiled once for SQLite: its SQL, each positional parameter's name with
    its own value (a literal the statement holds) and its conversion to the database, and the
    conversion of each column that has one, by position."""

    sql: str
    params: tuple[tuple[str, object, Callable | None], ...]
    columns: tuple[tuple[int, Callable], ...]


_DRIVER_STATEMENTS: dict = {}  # by (statement, dialect class)
# Statements are built once (at import or in a cached function), so this stays small; the
# bound only guards against a statement built per request.
MAX_DRIVER_STATEMENTS = 256


def _driver_statement(statement, dialect) -> _DriverStatement | None:
    key = (statement, type(dialect))
    if key not in _DRIVER_STATEMENTS:
        if len(_DRIVER_STATEMENTS) >= MAX_DRIVER_STATEMENTS:
            _DRIVER_STATEMENTS.clear()
        compiled = statement.compile(dialect=dialect)
        binds = [compiled.binds[name] for name in compiled.positiontup]
        if any(bind.expanding for bind in binds):
            _DRIVER_STATEMENTS[key] = None  # SQLAlchemy writes an IN list's SQL per list
            return None
        params = tuple(
            (name, bind.effective_value, bind.type.dialect_impl(dialect).bind_processor(dialect))
            for name, bind in zip(compiled.positiontup, binds, strict=True)
        )
        columns = tuple(
            (index, processor)
            for index, column in enumerate(compiled._result_columns)
            if (processor := column[3].dialect_impl(dialect).result_processor(dialect, None))
        )
        _DRIVER_STATEMENTS[key] = _DriverStatement(str(compiled), params, columns)
    return _DRIVER_STATEMENTS[key]


def driver_rows(session: Session, statement, **params) -> list:
    """`rows(...).all()` of a hot statement with many rows. On SQLite it runs on the driver's
    cursor: SQLAlchemy's execution and its Row per row cost more than the query itself. The
    columns' own types convert the values both ways, as SQLAlchemy would; rows are tuples
    (lists, where a column needs converting). A statement with an IN-list parameter runs
    through SQLAlchemy, as on other databases."""
    connection = session.connection()
    compiled = None
    if connection.dialect.name == "sqlite":
        compiled = _driver_statement(statement, connection.dialect)
    if compiled is None:
        return rows(session, statement, **params).all()
    values = []
    for name, own, to_db in compiled.params:
        value = params.get(name, own)
        values.append(to_db(value) if to_db and value is not None else value)
    found = connection.connection.driver_connection.execute(compiled.sql, values).fetchall()
    if compiled.columns:
        found = [_converted(row, compiled.columns) for row in found]
    return found


def _converted(row: tuple, columns: tuple[tuple[int, Callable], ...]) -> list:
    row = list(row)
    for index, from_db in columns:
        if row[index] is not None:
            row[index] = from_db(row[index])
    return row


def active_banks(session: Session) -> list[Bank]:
    """Banks that are not retired, in bank order."""
    return list(session.scalars(_ACTIVE_BANKS))


_ACTIVE_BANKS = sa.select(Bank).where(Bank.retired_at.is_(None)).order_by(*BANK_ORDER)


class ShelfBank(NamedTuple):
    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class Shelf:
    """The active banks in bank order, with each one's active questions in bank order."""

    banks: list[ShelfBank]
    questions: dict[int, list[int]]  # bank id -> question ids


_BANK_TITLES = (
    sa.select(Bank.id, Bank.slug, Bank.title).where(Bank.retired_at.is_(None)).order_by(*BANK_ORDER)
)


def bank_titles(session: Session) -> list[ShelfBank]:
    """Active banks in bank order, as (id, slug, title) columns: for pickers and filters."""
    return [ShelfBank._make(row) for row in rows(session, _BANK_TITLES)]


# Each active bank with its active questions, one row per question (one for a bank without).
_SHELF = (
    sa.select(Bank.id, Bank.slug, Bank.title, Question.id)
    .outerjoin(Question, (Question.bank_id == Bank.id) & Question.retired_at.is_(None))
    .where(Bank.retired_at.is_(None))
    .order_by(*BANK_ORDER, Question.position, Question.id)
)


def active_shelf(session: Session) -> Shelf:
    """Active banks and their active questions, in one query of columns."""
    banks: list[ShelfBank] = []
    questions: dict[int, list[int]] = {}
    for bank_id, slug, title, question_id in driver_rows(session, _SHELF):
        if bank_id not in questions:
            banks.append(ShelfBank(bank_id, slug, title))
            questions[bank_id] = []
        if question_id is not None:
            questions[bank_id].append(question_id)
    return Shelf(banks, questions)


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


def question_types_of_cards(session: Session, card_ids) -> dict[int, str]:
    """The question type of each card derived from a question (extra cards have none)."""
    rows = session.execute(
        sa.select(Card.id, QuestionVersion.type)
        .join(Question, Card.question_id == Question.id)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(Card.id.in_(list(card_ids)), IS_CURRENT)
    )
    return dict(rows.all())


def card_type(card):
    """A column: the type of the question a card was made from (NULL for an extra card)."""
    return (
        sa.select(QuestionVersion.type)
        .join(Question, QuestionVersion.question_id == Question.id)
        .where(Question.id == card.question_id, IS_CURRENT)
        .scalar_subquery()
    )


def card_cue(session: Session, card_id: int) -> str | None:
    """The line above a card's front that says what to do with it ("True or false?"), from
    the type of the question it was made from; extra cards have none."""
    kind = question_types_of_cards(session, [card_id]).get(card_id)
    return qtypes.get(kind).card_cue if kind else None
