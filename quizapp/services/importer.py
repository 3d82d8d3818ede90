"""Apply loaded banks to the database: add, version, retire; all in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..banks.cards import bank_flashcards
from ..banks.document import BankFile, ExtraCard
from ..banks.sync import Changes, Stored, compare
from ..database import write_transaction
from ..models import Bank as BankRow
from ..models import Card, Question, QuestionVersion, utcnow
from .queries import active_banks


@dataclass
class ImportReport:
    """What an import did (or would do): counts over questions and extra cards."""

    changes: Changes = field(default_factory=Changes)
    banks_added: list[str] = field(default_factory=list)
    banks_retired: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return self.changes.summary()


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after computing its report."""


def import_banks(
    session: Session, banks: list[BankFile], retire_under: Iterable[str | Path] = (), dry_run=False
) -> ImportReport:
    """Apply `banks` in one write transaction; banks whose file lay under `retire_under`
    but that were not loaded are retired. A dry run computes the same report and rolls back."""
    report = ImportReport()
    try:
        with write_transaction(session):
            _apply(session, banks, [Path(p).resolve() for p in retire_under], report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _apply(session: Session, banks: list[BankFile], scopes: list[Path], report: ImportReport):
    rows = {row.slug: row for row in session.scalars(sa.select(BankRow))}
    now = utcnow()
    for bank in banks:
        row = rows.get(bank.id)
        if row is None:
            row = BankRow(slug=bank.id, title=bank.title, imported_at=now)
            session.add(row)
            session.flush()
            report.banks_added.append(bank.id)
        changes = _sync_bank(session, row, bank, now)
        if changes.changed or row.retired_at is not None or _header_differs(row, bank):
            row.imported_at = now
        row.title, row.position, row.summary = bank.title, bank.order, bank.summary
        row.source_path, row.retired_at = bank.path[:500], None
        report.changes.merge(changes)
    loaded = {bank.id for bank in banks}
    for slug, row in rows.items():
        if slug in loaded or row.retired_at is not None or not _under(row.source_path, scopes):
            continue
        report.changes.merge(_retire_bank(session, row, now))
        report.banks_retired.append(slug)


def _header_differs(row: BankRow, bank: BankFile) -> bool:
    return (row.title, row.position, row.summary, row.source_path) != (
        bank.title,
        bank.order,
        bank.summary,
        bank.path,
    )


def _under(path: str | None, scopes: list[Path]) -> bool:
    if not path:
        return False
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(scope) for scope in scopes)


def _current_versions(session: Session, row: BankRow) -> dict[int, QuestionVersion]:
    versions = session.scalars(
        sa.select(QuestionVersion)
        .join(Question)
        .where(Question.bank_id == row.id, QuestionVersion.number == Question.version)
    )
    return {version.question_id: version for version in versions}


def _sync_bank(session: Session, row: BankRow, bank: BankFile, now) -> Changes:
    questions = {q.slug: q for q in session.scalars(sa.select(Question).filter_by(bank_id=row.id))}
    current = _current_versions(session, row)
    stored = {slug: Stored(current[q.id].content_hash, q.active) for slug, q in questions.items()}
    incoming = {q.id: q.content_hash for q in bank.questions}
    question_changes = compare(stored, incoming)

    for position, question in enumerate(bank.questions):
        data = question.to_data()
        existing = questions.get(question.id)
        if existing is None:
            existing = Question(bank_id=row.id, slug=question.id, version=0)
            session.add(existing)
            questions[question.id] = existing
        if existing.version == 0 or current[existing.id].content_hash != incoming[question.id]:
            existing.version += 1
            existing.versions.append(
                QuestionVersion(
                    number=existing.version,
                    type=question.type,
                    content_hash=incoming[question.id],
                    data=data,
                )
            )
        existing.position, existing.source_line, existing.retired_at = position, question.line, None
    for slug in question_changes.retired:
        questions[slug].retired_at = now
    session.flush()

    # Only extra cards count on their own (derived cards follow their questions): the ones
    # in the file, and retired ones that were extra cards before.
    extra = {card.id for card in bank.cards}
    extra |= {card.slug for card in row.cards if card.question_id is None}
    card_changes = _sync_cards(session, row, bank, questions, now)
    counted = Changes()
    counted.merge(question_changes)
    for name in ("added", "updated", "retired", "unchanged"):
        getattr(counted, name).extend(slug for slug in getattr(card_changes, name) if slug in extra)
    return _prefixed(counted, row.slug)


def _sync_cards(session: Session, row: BankRow, bank: BankFile, questions, now) -> Changes:
    cards = {card.slug: card for card in session.scalars(sa.select(Card).filter_by(bank_id=row.id))}
    flashcards = bank_flashcards(bank)
    stored = {slug: Stored(card.content_hash, card.active) for slug, card in cards.items()}
    changes = compare(stored, {card.id: card.content_hash for card in flashcards})
    for position, flashcard in enumerate(flashcards):
        card = cards.get(flashcard.id)
        if card is None:
            card = Card(bank_id=row.id, slug=flashcard.id)
            session.add(card)
        question = questions.get(flashcard.question_id) if flashcard.question_id else None
        card.question_id = question.id if question is not None else None
        card.front, card.back, card.tags = flashcard.front, flashcard.back, list(flashcard.tags)
        card.content_hash, card.position = flashcard.content_hash, position
        card.source_line, card.retired_at = flashcard.line, None
    for slug in changes.retired:
        cards[slug].retired_at = now
    return changes


def _retire_bank(session: Session, row: BankRow, now) -> Changes:
    changes = Changes()
    for question in row.questions:
        if question.active:
            question.retired_at = now
            changes.retired.append(question.slug)
    for card in row.cards:
        if card.active:
            card.retired_at = now
            if card.question_id is None:
                changes.retired.append(card.slug)
    row.retired_at = now
    return _prefixed(changes, row.slug)


def _prefixed(changes: Changes, bank_slug: str) -> Changes:
    result = Changes()
    for name in ("added", "updated", "retired", "unchanged"):
        getattr(result, name).extend(f"{bank_slug}/{slug}" for slug in getattr(changes, name))
    return result


def export_banks(session: Session) -> list[dict[str, Any]]:
    """The active banks as format-v1 data, in bank order."""
    banks = active_banks(session)
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
            data["cards"] = [
                ExtraCard(card.slug, card.front, card.back, list(card.tags)).to_data()
                for card in extra
            ]
        exported.append(data)
    return exported
