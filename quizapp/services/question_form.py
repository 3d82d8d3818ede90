"""The browser's question form: the fields a question's type lets an instructor edit, the
bank file with the posted values written into it (as a text editor would), the question as it
would be imported, and the upload that takes the change to the usual preview and confirm."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes
from ..banks.document import Problem, QuestionSpec
from ..banks.edits import EditError
from ..banks.loader import parse_file_text
from ..banks.rewrite import rewrite_question
from ..markdown import plain_excerpt
from ..models import Bank, Question, QuestionVersion, Upload, User
from ..qtypes.editing import COMMON_EDITABLE, Editable, FieldError
from .bank_edits import EditedBank, edited_bank, store_edit
from .queries import bank_versions


def form_fields(type_key: str) -> tuple[Editable, ...]:
    """The form's fields: the keys every question has, then the type's own."""
    return COMMON_EDITABLE + tuple(qtypes.get(type_key).editable)


def question_in_bank(session: Session, bank_slug: str, question_slug: str) -> Question | None:
    """A question still in its bank (not retired), by the slugs its file gives."""
    return session.scalar(
        sa.select(Question)
        .join(Bank, Question.bank_id == Bank.id)
        .where(
            Bank.slug == bank_slug,
            Question.slug == question_slug,
            Question.retired_at.is_(None),
            Bank.retired_at.is_(None),
        )
    )


@dataclass
class BankQuestion:
    """A question of the bank's authoring page."""

    question: Question
    version: QuestionVersion

    @property
    def excerpt(self) -> str:
        return plain_excerpt(qtypes.get(self.version.type).stem(self.version.data))


def bank_questions(session: Session, slug: str) -> tuple[Bank, list[BankQuestion]] | None:
    """An active bank and its questions (not retired), in file order."""
    bank = session.scalar(sa.select(Bank).where(Bank.slug == slug, Bank.retired_at.is_(None)))
    if bank is None:
        return None
    current = bank_versions(session, bank.id)
    return bank, [BankQuestion(q, current[q.id]) for q in bank.questions if q.active]


def current_text(question: Question) -> dict[str, str]:
    """The form filled with the question as it is."""
    data = question.versions[-1].data
    return {f.key: f.to_text(data.get(f.key)) for f in form_fields(data["type"])}


@dataclass
class QuestionEdit:
    """What the posted form would change, and what the bank would then hold."""

    question: Question
    errors: dict[str, str] = field(default_factory=dict)  # field key -> what is wrong
    changes: dict[str, Any] = field(default_factory=dict)  # key -> value (None: removed)
    edited: EditedBank | None = None
    problems: list[Problem] = field(default_factory=list)  # the loader's, about the file
    spec: QuestionSpec | None = None  # the question as the edited file gives it
    refused: str | None = None  # why the file cannot take the change
    lines: tuple[int, int] = (0, 0)  # the question's first and last line in the edited file

    @property
    def errors_in_file(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def shown_problems(self) -> list[Problem]:
        """Every error in the file, and the warnings about this question."""
        first, last = self.lines
        return [
            p for p in self.problems if p.severity == "error" or first <= p.location.line <= last
        ]

    @property
    def ok(self) -> bool:
        """Ready to become an upload: something changed and everything checks."""
        return bool(
            self.changes
            and not self.errors
            and not self.refused
            and self.spec is not None
            and not self.errors_in_file
        )


def _read(fields: tuple[Editable, ...], data: Mapping[str, Any], posted, edit: QuestionEdit):
    for item in fields:
        try:
            value = item.from_text(posted(item.key))
        except FieldError as exc:
            edit.errors[item.key] = str(exc)
            continue
        old = data.get(item.key)
        if item.to_text(value) == item.to_text(old):
            continue
        # A block of text keeps its final line break, so the file's style stays as it was.
        if isinstance(value, str) and isinstance(old, str) and old.endswith("\n"):
            value += "\n"
        edit.changes[item.key] = value


def propose(
    session: Session, question: Question, posted, questions_dir: str | None
) -> QuestionEdit:
    """The change the posted form makes (`posted(key)` gives a field's text): checked field by
    field, written into the bank file, and the file read back as an import would."""
    data = question.versions[-1].data
    edit = QuestionEdit(question)
    _read(form_fields(data["type"]), data, posted, edit)
    if edit.errors or not edit.changes:
        return edit
    # New keys go in the order a bank file has them: the prompt, the type's keys, the rest.
    order = ["prompt", *qtypes.get(data["type"]).keys, "explanation", "tags", "points"]
    edit.changes = dict(sorted(edit.changes.items(), key=lambda item: order.index(item[0])))
    bank = question.bank

    def with_changes(values: dict[str, Any]) -> dict[str, Any]:
        changed = dict(values)
        for key, value in edit.changes.items():
            if value is None:
                changed.pop(key, None)
            else:
                changed[key] = value
        return changed

    try:
        edit.edited = edited_bank(
            session,
            question,
            lambda text, name: rewrite_question(text, name, bank.slug, question.slug, edit.changes),
            with_changes,
            questions_dir,
            export_if_refused=False,  # a file that cannot take it is edited by hand instead
        )
    except EditError as exc:
        edit.refused = str(exc)
        return edit
    banks = parse_file_text(edit.edited.text, edit.edited.name, edit.problems)
    mine = next((b for b in banks if b.id == bank.slug), None)
    starts = sorted(q.line for q in mine.questions) if mine else []
    for spec in mine.questions if mine else []:
        if spec.id == question.slug:
            later = [line for line in starts if line > spec.line]
            edit.spec, edit.lines = spec, (spec.line, later[0] - 1 if later else 10**9)
    return edit


def save(session: Session, user: User, edit: QuestionEdit) -> Upload:
    """The edited bank as an upload to preview and confirm (no regrade is made for you: the
    question's page offers one once it is imported)."""
    assert edit.ok and edit.edited is not None
    return store_edit(session, user, edit.edited, {"questions": [], "edited": edit.question.id})
