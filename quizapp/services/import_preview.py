"""The preview of an upload: what confirming would change, each added or updated question as
students will see it, the change to its YAML, and how many students answered the version an
update replaces (a regrade can follow). It reads and never writes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from ..banks.document import BankFile, Problem
from ..models import Attempt, AttemptItem, Question, QuestionVersion, Upload, User
from ..models import Bank as BankRow
from ..vocab import AttemptStatus, Role
from .authoring import bank_rows, banks_state, load_upload, source_kind
from .importer import ImportReport, plan_import
from .queries import IS_CURRENT


@dataclass
class ShownQuestion:
    """An added or updated question of a preview: rendered as students will see it, with the
    change to its YAML and how many students answered the version it replaces."""

    key: str  # "<bank>/<question>"
    bank_title: str
    question: Any  # banks.document.QuestionSpec
    diff: list[str] = field(default_factory=list)  # unified diff lines; empty when added
    answered: int = 0  # students with a finished answer to the current version or older

    @property
    def updated(self) -> bool:
        return bool(self.diff)


# A preview shows this much of a big upload; the counts always cover all of it.
SHOWN_KEYS, SHOWN_QUESTIONS = 200, 50


@dataclass
class Preview:
    upload: Upload
    banks: list[BankFile]
    report: ImportReport
    shown: list[ShownQuestion]  # updated questions first, then added ones
    warnings: list[Problem]
    state: str  # what the banks looked like; confirming refuses if they changed since
    changed_since_upload: list[str]  # banks another import changed after this upload
    hidden: int = 0  # added or updated questions not shown

    def questions_among(self, keys) -> int:
        """How many of these changed keys are questions (the others are a bank's extra cards)."""
        questions = {f"{b.id}/{q.id}" for b in self.banks for q in b.questions}
        return sum(key in questions for key in keys)


def preview(session: Session, upload: Upload) -> Preview | None:
    """What confirming would change: the import's plan, which reads and never writes."""
    result = load_upload(upload)
    if not result.ok():
        return None
    report = plan_import(session, result.banks, source_kind=source_kind(upload)).report
    incoming = {f"{b.id}/{q.id}": q for b in result.banks for q in b.questions}
    titles = {b.id: b.title for b in result.banks}
    # Only questions: an extra card's key is counted but has no question to show.
    updated = [key for key in report.changes.updated if key in incoming]
    added = [key for key in report.changes.added if key in incoming]
    shown = [
        ShownQuestion(key, titles[key.split("/")[0]], incoming[key])
        for key in (updated + added)[:SHOWN_QUESTIONS]
    ]
    old = _current_rows(session, [q.key for q in shown if q.key in updated])
    answered = _students_who_answered(session, [qid for qid, _ in old.values()])
    for question in shown:
        if question.key in old:
            question_id, data = old[question.key]
            question.diff = _diff(data, question.question.to_data())
            question.answered = answered.get(question_id, 0)
    rows = bank_rows(session, result.banks)
    changed = [row.slug for row in rows.values() if row.imported_at > upload.created_at]
    return Preview(
        upload,
        result.banks,
        report,
        shown,
        result.warnings,
        banks_state(rows, result.banks),
        changed,
        len(updated) + len(added) - len(shown),
    )


def _diff(old: dict, new: dict) -> list[str]:
    lines = difflib.unified_diff(
        _yaml(old).splitlines(), _yaml(new).splitlines(), "before", "after", lineterm=""
    )
    return list(lines) or ["(no change to the YAML)"]


def _current_rows(session: Session, keys: list[str]) -> dict[str, tuple[int, dict]]:
    """key -> (question id, current data) of the stored questions."""
    if not keys:
        return {}
    banks, slugs = zip(*(key.split("/", 1) for key in keys), strict=True)
    rows = session.execute(
        sa.select(BankRow.slug, Question.slug, Question.id, QuestionVersion.data)
        .join(Question, QuestionVersion.question_id == Question.id)
        .join(BankRow, Question.bank_id == BankRow.id)
        .where(IS_CURRENT, BankRow.slug.in_(set(banks)), Question.slug.in_(set(slugs)))
    )
    found = {f"{bank}/{slug}": (qid, data) for bank, slug, qid, data in rows}
    return {key: found[key] for key in keys if key in found}


def _students_who_answered(session: Session, question_ids: list[int]) -> dict[int, int]:
    """Per question, the students with an answer to it in a finished attempt."""
    if not question_ids:
        return {}
    return dict(
        session.execute(
            sa.select(AttemptItem.question_id, sa.func.count(sa.distinct(Attempt.user_id)))
            .join(Attempt, AttemptItem.attempt_id == Attempt.id)
            .join(User, Attempt.user_id == User.id)
            .where(
                AttemptItem.question_id.in_(question_ids),
                AttemptItem.response.is_not(None),
                Attempt.status == AttemptStatus.SUBMITTED,
                User.role == Role.STUDENT,
            )
            .group_by(AttemptItem.question_id)
        ).all()
    )


def _yaml(data: dict | None) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=90) if data else ""
