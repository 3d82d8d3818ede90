"""Moodle's "analysis of responses" for instructors: per question, every option picked (each
choice, matching row, ordering position or cloze blank) or every distinct normalised typed
response, with the credit it got, its count and frequency, whether the current key takes it and
how many students overrode it; and the bank edit an instructor's verdict on a typed response
makes ("accept" or "reject"), which goes through the usual upload, preview and confirm, then
regrades the answers (first marks are kept)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes
from ..banks.edits import EditError, apply_edit, apply_to_data
from ..banks.files import SourceLine
from ..banks.loader import parse_file_text
from ..models import Attempt, AttemptItem, Question, QuestionVersion, Upload, User
from ..qtypes.helpers import MAX_TEXT_ANSWER
from ..vocab import Role
from .analysis import location
from .bank_edits import edited_bank, store_edit


@dataclass
class ResponseRow:
    """One option, or one distinct normalised response (to the whole question or one part)."""

    part: str  # "", or a blank's number, a matching row, an ordering position
    normalised: str
    spellings: Counter = field(default_factory=Counter)
    count: int = 0
    scores: set[float] = field(default_factory=set)  # the credit grading gave it (fractions)
    overrides: int = 0  # students who said "I was right"
    right_now: bool = False  # the current key gives it credit (the row is highlighted)
    example: Any = None  # one whole response holding it
    frequency: float = 0.0  # count / the responses counted (0..1)

    @property
    def shown(self) -> str:
        """The most common spelling."""
        return self.spellings.most_common(1)[0][0] if self.spellings else self.normalised


@dataclass
class ResponseReport:
    question: Question
    version: QuestionVersion
    location: SourceLine
    rows: list[ResponseRow]
    editable: bool  # an instructor's verdict can become a bank edit
    responses: int = 0  # the answers counted
    part_label: str = ""  # what a part is called ("Blank", "Row", "Position"), "" for none
    overridable: bool = False  # students may say "I was right" (the column is shown)


def _rows(session: Session, question_id: int, user_ids, attempt_ids):
    query = (
        sa.select(
            AttemptItem.response,
            AttemptItem.version_id,
            AttemptItem.regraded_version_id,
            AttemptItem.fraction,
            AttemptItem.overridden_from,
            AttemptItem.overridden_at.is_not(None),
        )
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(User, Attempt.user_id == User.id)
        .where(
            AttemptItem.question_id == question_id,
            AttemptItem.response.is_not(None),
            AttemptItem.fraction.is_not(None),
            User.role == Role.STUDENT,
        )
    )
    if user_ids is not None:
        query = query.where(Attempt.user_id.in_(list(user_ids)))
    if attempt_ids is not None:
        query = query.where(Attempt.id.in_(list(attempt_ids)))
    return session.execute(query).all()


def response_report(
    session: Session,
    question_id: int,
    user_ids: Collection[int] | None = None,
    attempt_ids: Collection[int] | None = None,
) -> ResponseReport | None:
    """Every graded answer to the question, counted by option or distinct response (None for
    a missing question or a type without a responses table). `user_ids` / `attempt_ids`
    narrow it (a class, an assignment)."""
    question = session.get(Question, question_id)
    if question is None:
        return None
    versions = {version.id: version for version in question.versions}
    current = question.versions[-1]
    qtype = qtypes.get(current.type)
    if qtype.response_parts(current.data, None) is None:
        return None
    options = {(o.part, o.normalised): o for o in qtype.response_options(current.data)}
    rows = {
        key: ResponseRow(o.part, o.normalised, Counter({o.raw: 0}), scores={round(o.credit, 4)})
        for key, o in options.items()
        if o.credit is not None
    }
    answers = _rows(session, question_id, user_ids, attempt_ids)
    for response, version_id, regraded_id, fraction, before, overridden in answers:
        graded_by = versions[regraded_id or version_id]
        kind = qtypes.get(graded_by.type)
        parts = kind.response_parts(graded_by.data, response) or []
        marks = {p.part: p.right for p in kind.grade(graded_by.data, response).parts}
        machine = before if overridden else fraction
        for part in parts:
            score = part.credit
            if score is None:
                score = machine if not part.part else float(marks.get(part.part, False))
            row = rows.setdefault(
                (part.part, part.normalised), ResponseRow(part.part, part.normalised)
            )
            row.count += 1
            row.spellings[part.raw] += 1
            row.scores.add(round(score, 4))
            row.overrides += overridden and score < 1
            row.example = response
    for key, row in rows.items():
        credit = options[key].credit if key in options else None
        row.right_now = credit > 0 if credit is not None else _right_now(current, row)
        row.frequency = row.count / len(answers) if answers else 0.0
    # The key's options in the order the question shows them, then the rest by count.
    part_order = {part: n for n, part in enumerate(dict.fromkeys(part for part, _ in options))}
    listed = {key: n for n, key in enumerate(options)}

    def place(row: ResponseRow):
        key = (row.part, row.normalised)
        return (part_order.get(row.part, len(part_order)), row.part.zfill(3),
                listed.get(key, len(listed)), -row.count, row.normalised)  # fmt: skip

    editable = qtype.bank_edit(current.data, "1", "x", True) is not None
    return ResponseReport(
        question,
        current,
        location(question.bank, question),
        sorted(rows.values(), key=place),
        editable,
        len(answers),
        qtype.part_label,
        qtype.overridable,
    )


def _right_now(current: QuestionVersion, row: ResponseRow) -> bool:
    grade = qtypes.get(current.type).grade(current.data, row.example)
    if not row.part:
        return grade.correct
    return any(p.part == row.part and p.right for p in grade.parts)


# ---- an instructor's verdict becomes an upload ------------------------------------------------


class VerdictError(ValueError):
    """The verdict cannot become a bank edit; the message says why."""


def verdict_upload(
    session: Session,
    user: User,
    question_id: int,
    part: str,
    text: str,
    accept: bool,
    questions_dir: str | None,
) -> Upload:
    """An upload (awaiting preview and confirmation) of the bank with `text` accepted (or
    rejected) for `part` of the question; VerdictError when that cannot be done."""
    question = session.get(Question, question_id)
    text = (text or "").strip()
    if question is None or not text or len(text) > MAX_TEXT_ANSWER:
        raise VerdictError("There is no such response to this question.")
    current = question.versions[-1]
    edit = qtypes.get(current.type).bank_edit(current.data, part, text, accept)
    if edit is None:
        raise VerdictError("Responses to this question cannot be accepted from here.")
    bank, slug = question.bank, question.slug
    try:
        edited = edited_bank(
            session,
            question,
            lambda base, name: apply_edit(base, name, bank.slug, slug, edit),
            lambda data: apply_to_data(data, edit),
            questions_dir,
        )
    except EditError as exc:
        raise VerdictError(f"The bank cannot take this change: {exc}.") from None
    if edited.exported:
        problems: list = []
        parse_file_text(edited.text, edited.name, problems)
        if any(p.severity == "error" for p in problems):
            raise VerdictError(f"The bank cannot take this change: {problems[0].message}.")
    return store_edit(session, user, edited, {"questions": [question.id]})
