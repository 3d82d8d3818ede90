"""Apply loaded banks to the database: add, version, retire; all in one transaction.

An import is planned first (reads only: what is added, updated, retired), then applied (writes
exactly that, in bulk). A dry run and the upload preview stop at the plan, so they never write
and never hold the write lock; a real import plans and applies in one write transaction that
also holds the import lock, so two imports never interleave.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import database
from ..banks.cards import bank_flashcards
from ..banks.document import BankFile, Flashcard
from ..banks.sync import Changes, Stored, compare
from ..database import StorageFault, storage_fault, write_transaction
from ..models import Bank as BankRow
from ..models import Card, Question, QuestionVersion, utcnow

FILE, UPLOAD = "file", "upload"  # where a bank came from; only files are retired by scope
IMPORT_LOCK = 0x717A_696D  # PostgreSQL advisory lock key held by every import


class ImportBusy(StorageFault):
    """Another import holds the import lock (or the write lock) for longer than we wait."""

    def __init__(self):
        super().__init__(
            "busy", "another import is running; nothing was imported: try again when it is done"
        )


@dataclass
class ImportReport:
    """What an import did (or would do): counts over questions and extra cards."""

    changes: Changes = field(default_factory=Changes)
    banks_added: list[str] = field(default_factory=list)
    banks_retired: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return self.changes.summary()


@dataclass(frozen=True)
class StoredItem:
    """A stored question or card, as much as a plan needs to compare it with the file."""

    id: int
    content_hash: str
    active: bool
    # Questions: (version, position, line, active); cards: (hash, position, line, question, active)
    placement: tuple
    question_id: int | None = None  # cards
    version: int = 0  # questions


@dataclass
class BankPlan:
    bank: BankFile
    row: BankRow | None
    questions: dict[str, StoredItem]
    question_hashes: dict[str, str]
    question_changes: Changes
    cards: dict[str, StoredItem]
    flashcards: list[Flashcard]
    card_hashes: dict[str, str]
    card_changes: Changes
    changes: Changes  # what the report counts: questions and extra cards, "<bank>/<slug>"


@dataclass
class ImportPlan:
    banks: list[BankPlan]
    retired: list[BankRow]
    source_kind: str
    report: ImportReport


@contextmanager
def import_transaction(session: Session) -> Iterator[Session]:
    """A write transaction holding the import lock: PostgreSQL's advisory lock, SQLite's write
    lock (BEGIN IMMEDIATE). A second import waits for the first, up to the busy timeout."""
    try:
        with write_transaction(session):
            connection = session.connection()
            if connection.dialect.name == "postgresql":
                timeout = int(database.BUSY_TIMEOUT_MS)
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout}")
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK}
                )
                connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
            yield session
    except (sa.exc.DBAPIError, sqlite3.Error) as exc:
        if storage_fault(exc) == "busy":
            raise ImportBusy from exc
        raise


def import_banks(
    session: Session,
    banks: list[BankFile],
    retire_under: Iterable[str | Path] = (),
    source_kind: str = FILE,
) -> ImportReport:
    """Apply `banks` in one write transaction; file banks whose file lay under `retire_under`
    but that were not loaded are retired."""
    with import_transaction(session):
        return apply_import(session, plan_import(session, banks, retire_under, source_kind))


def plan_import(
    session: Session,
    banks: list[BankFile],
    retire_under: Iterable[str | Path] = (),
    source_kind: str = FILE,
) -> ImportPlan:
    """What importing `banks` would change; reads only."""
    rows = {row.slug: row for row in session.scalars(sa.select(BankRow))}
    report = ImportReport()
    plans = []
    for bank in banks:
        plan = _plan_bank(session, bank, rows.get(bank.id))
        if plan.row is None:
            report.banks_added.append(bank.id)
        report.changes.merge(plan.changes)
        plans.append(plan)
    scopes = [_resolved(p) for p in retire_under]
    loaded = {bank.id for bank in banks}
    retired = [
        row
        for slug, row in rows.items()
        if slug not in loaded
        and row.retired_at is None
        and row.source_kind == FILE
        and _under(row.source_path, scopes)
    ]
    for row in retired:
        report.changes.merge(_retirement(session, row))
        report.banks_retired.append(row.slug)
    return ImportPlan(plans, retired, source_kind, report)


def _plan_bank(session: Session, bank: BankFile, row: BankRow | None) -> BankPlan:
    questions = _stored_questions(session, row.id) if row else {}
    cards = _stored_cards(session, row.id) if row else {}
    question_hashes = {question.id: question.content_hash for question in bank.questions}
    flashcards = bank_flashcards(bank)
    card_hashes = {card.id: card.content_hash for card in flashcards}
    question_changes = compare(_as_stored(questions), question_hashes)
    card_changes = compare(_as_stored(cards), card_hashes)
    # Only extra cards count on their own (derived cards follow their questions): the ones
    # in the file, and retired ones that were extra cards before.
    extra = {card.id for card in bank.cards}
    extra |= {slug for slug, card in cards.items() if card.question_id is None}
    counted = Changes()
    counted.merge(question_changes)
    for name in ("added", "updated", "retired", "unchanged"):
        getattr(counted, name).extend(slug for slug in getattr(card_changes, name) if slug in extra)
    return BankPlan(
        bank,
        row,
        questions,
        question_hashes,
        question_changes,
        cards,
        flashcards,
        card_hashes,
        card_changes,
        _prefixed(counted, bank.id),
    )


def _as_stored(items: dict[str, StoredItem]) -> dict[str, Stored]:
    return {slug: Stored(item.content_hash, item.active) for slug, item in items.items()}


def _stored_questions(session: Session, bank_id: int) -> dict[str, StoredItem]:
    rows = session.execute(
        sa.select(
            Question.slug,
            Question.id,
            QuestionVersion.content_hash,
            Question.retired_at,
            Question.position,
            Question.source_line,
            Question.version,
        )
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == Question.version),
        )
        .where(Question.bank_id == bank_id)
    )
    return {
        slug: StoredItem(
            id_, digest, retired is None, (version, position, line, retired is None), None, version
        )
        for slug, id_, digest, retired, position, line, version in rows
    }


def _stored_cards(session: Session, bank_id: int) -> dict[str, StoredItem]:
    rows = session.execute(
        sa.select(
            Card.slug,
            Card.id,
            Card.content_hash,
            Card.retired_at,
            Card.position,
            Card.source_line,
            Card.question_id,
        ).where(Card.bank_id == bank_id)
    )
    return {
        slug: StoredItem(
            id_,
            digest,
            retired is None,
            (digest, position, line, question, retired is None),
            question,
        )
        for slug, id_, digest, retired, position, line, question in rows
    }


def _retirement(session: Session, row: BankRow) -> Changes:
    """What retiring a whole bank retires: its active questions and active extra cards."""
    changes = Changes()
    changes.retired.extend(
        session.scalars(
            sa.select(Question.slug)
            .where(Question.bank_id == row.id, Question.retired_at.is_(None))
            .order_by(Question.position)
        )
    )
    changes.retired.extend(
        session.scalars(
            sa.select(Card.slug)
            .where(Card.bank_id == row.id, Card.retired_at.is_(None), Card.question_id.is_(None))
            .order_by(Card.position)
        )
    )
    return _prefixed(changes, row.slug)


def _resolved(path: str | Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Path(path).absolute()


def _under(path: str | None, scopes: list[Path]) -> bool:
    if not path:
        return False
    resolved = _resolved(path)
    return any(resolved.is_relative_to(scope) for scope in scopes)


def apply_import(session: Session, plan: ImportPlan) -> ImportReport:
    """Write what `plan` says; call inside `import_transaction`, with a plan made in it."""
    now = utcnow()
    for bank_plan in plan.banks:
        bank, row = bank_plan.bank, bank_plan.row
        if row is None:
            row = BankRow(slug=bank.id, title=bank.title, imported_at=now)
            session.add(row)
            session.flush()
        # A file's absolute path: an import run from another folder must not mistake it.
        source = bank.path if plan.source_kind == UPLOAD else str(_resolved(bank.path))
        header = (bank.title, bank.order, bank.summary, source[:500], plan.source_kind)
        stored = (row.title, row.position, row.summary, row.source_path, row.source_kind)
        if bank_plan.changes.changed or row.retired_at is not None or stored != header:
            row.imported_at = now
        row.title, row.position, row.summary, row.source_path, row.source_kind = header
        row.retired_at = None
        question_ids = _write_questions(session, row.id, bank_plan, now)
        _write_cards(session, row.id, bank_plan, question_ids, now)
    for row in plan.retired:
        for model in (Question, Card):
            session.execute(
                sa.update(model)
                .where(model.bank_id == row.id, model.retired_at.is_(None))
                .values(retired_at=now)
                .execution_options(synchronize_session=False)
            )
        row.retired_at = now
    session.flush()
    # Questions and cards were written in bulk, past the session: drop any stale copies.
    session.expire_all()
    return plan.report


def _write_questions(session: Session, bank_id: int, plan: BankPlan, now) -> dict[str, int]:
    """Insert new questions (as they are, not patched afterwards), add a version where the
    content changed, move the others; returns every question id of the bank by slug."""
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    new_versions = []  # (question, version number)
    for position, question in enumerate(plan.bank.questions):
        stored = plan.questions.get(question.id)
        version = stored.version if stored else 0
        if stored is None or stored.content_hash != plan.question_hashes[question.id]:
            version += 1
            new_versions.append((question, version))
        values = {"version": version, "position": position, "source_line": question.line}
        if stored is None:
            inserts.append({"bank_id": bank_id, "slug": question.id, **values})
        elif stored.placement != (version, position, question.line, True):
            updates.append({"id": stored.id, **values, "retired_at": None})
    retired = [
        {"id": plan.questions[slug].id, "retired_at": now} for slug in plan.question_changes.retired
    ]
    _execute_many(session, (Question, inserts), (Question, updates), (Question, retired))
    ids = dict(
        session.execute(
            sa.select(Question.slug, Question.id).where(Question.bank_id == bank_id)
        ).all()
    )
    versions = [
        {
            "question_id": ids[question.id],
            "number": number,
            "type": question.type,
            "content_hash": plan.question_hashes[question.id],
            "data": question.to_data(),
        }
        for question, number in new_versions
    ]
    _execute_many(session, (QuestionVersion, versions))
    return ids


def _write_cards(session: Session, bank_id: int, plan: BankPlan, question_ids, now) -> None:
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for position, flashcard in enumerate(plan.flashcards):
        question_id = question_ids.get(flashcard.question_id) if flashcard.question_id else None
        digest = plan.card_hashes[flashcard.id]
        values = {
            "question_id": question_id,
            "front": flashcard.front,
            "back": flashcard.back,
            "tags": list(flashcard.tags),
            "content_hash": digest,
            "position": position,
            "source_line": flashcard.line,
            "retired_at": None,
        }
        stored = plan.cards.get(flashcard.id)
        if stored is None:
            inserts.append({"bank_id": bank_id, "slug": flashcard.id, **values})
        elif stored.placement != (digest, position, flashcard.line, question_id, True):
            updates.append({"id": stored.id, **values})
    retired = [{"id": plan.cards[slug].id, "retired_at": now} for slug in plan.card_changes.retired]
    _execute_many(session, (Card, inserts), (Card, updates), (Card, retired))


def _execute_many(session: Session, *batches: tuple[type, list[dict[str, Any]]]) -> None:
    """Bulk writes: rows with an "id" update that row, the others are inserted."""
    for model, rows in batches:
        if rows:
            statement = sa.update(model) if "id" in rows[0] else sa.insert(model)
            session.execute(statement, rows)


def _prefixed(changes: Changes, bank_slug: str) -> Changes:
    result = Changes()
    for name in ("added", "updated", "retired", "unchanged"):
        getattr(result, name).extend(f"{bank_slug}/{slug}" for slug in getattr(changes, name))
    return result
