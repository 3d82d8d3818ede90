"""Response analysis for instructors (Moodle's Responses report): every distinct normalised
response to a typed question, with its count, the score it got and how many students overrode
it; and the bank edit an instructor's verdict makes ("accept" or "reject"), which goes through
the usual upload, preview and confirm, then regrades the answers (first marks are kept)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import qtypes
from ..banks.edits import EditError, apply_edit, apply_to_data
from ..banks.export import dump_yaml
from ..banks.loader import parse_file_text
from ..database import write_transaction
from ..models import Attempt, AttemptItem, Bank, Question, QuestionVersion, Upload, User
from ..qtypes.helpers import MAX_TEXT_ANSWER
from ..vocab import Role
from .analysis import location, regrade
from .exporter import export_banks
from .importer import FILE

TEXT_SUFFIXES = (".yaml", ".yml")


@dataclass
class ResponseRow:
    """One distinct normalised response (to the whole question, or to one blank)."""

    part: str  # "" or a blank's number
    normalised: str
    spellings: Counter = field(default_factory=Counter)
    count: int = 0
    scores: set[float] = field(default_factory=set)  # the marks grading gave it (0..1)
    overrides: int = 0  # students who said "I was right"
    right_now: bool = False  # under the current key
    example: Any = None  # one whole response holding it

    @property
    def shown(self) -> str:
        """The most common spelling."""
        return self.spellings.most_common(1)[0][0]


@dataclass
class ResponseReport:
    question: Question
    version: QuestionVersion
    location: str
    rows: list[ResponseRow]
    editable: bool  # an instructor's verdict can become a bank edit


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
    """The responses to a short, cloze or numeric question (None for another type or a
    missing question). `user_ids` / `attempt_ids` narrow it (a class, an assignment)."""
    question = session.get(Question, question_id)
    if question is None:
        return None
    versions = {version.id: version for version in question.versions}
    current = question.versions[-1]
    qtype = qtypes.get(current.type)
    if qtype.response_parts(current.data, None) is None:
        return None
    rows: dict[tuple[str, str], ResponseRow] = {}
    for response, version_id, regraded_id, fraction, before, overridden in _rows(
        session, question_id, user_ids, attempt_ids
    ):
        graded_by = versions[regraded_id or version_id]
        kind = qtypes.get(graded_by.type)
        parts = kind.response_parts(graded_by.data, response) or []
        marks = {p.part: p.right for p in kind.grade(graded_by.data, response).parts}
        machine = before if overridden else fraction
        for part in parts:
            score = machine if not part.part else float(marks.get(part.part, False))
            row = rows.setdefault(
                (part.part, part.normalised), ResponseRow(part.part, part.normalised)
            )
            row.count += 1
            row.spellings[part.raw] += 1
            row.scores.add(round(score, 4))
            row.overrides += overridden and score < 1
            row.example = response
    for row in rows.values():
        row.right_now = _right_now(current, row)
    ordered = sorted(rows.values(), key=lambda r: (r.part.zfill(3), -r.count, r.normalised))
    editable = qtype.bank_edit(current.data, "1", "x", True) is not None
    return ResponseReport(question, current, location(question.bank, question), ordered, editable)


def _right_now(current: QuestionVersion, row: ResponseRow) -> bool:
    grade = qtypes.get(current.type).grade(current.data, row.example)
    if not row.part:
        return grade.correct
    return any(p.part == row.part and p.right for p in grade.parts)


# ---- an instructor's verdict becomes an upload ------------------------------------------------


class VerdictError(ValueError):
    """The verdict cannot become a bank edit; the message says why."""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_under(path: str, questions_dir: str | None) -> Path | None:
    """The bank's own file, when it is a YAML file under the questions folder."""
    if not questions_dir or not path.lower().endswith(TEXT_SUFFIXES):
        return None
    file = Path(path).resolve()
    inside = file.is_relative_to(Path(questions_dir).resolve())
    return file if inside and file.is_file() else None


def _uploaded_text(session: Session, name: str) -> str | None:
    for upload in session.scalars(
        sa.select(Upload)
        .where(Upload.applied_at.is_not(None))
        .order_by(Upload.applied_at.desc())
        .limit(50)
    ):
        for entry in upload.files:
            if entry["name"] == name and name.lower().endswith(TEXT_SUFFIXES):
                return entry["text"]
    return None


def _source(session: Session, bank: Bank, questions_dir: str | None):
    """(name, text, file) of the bank as last imported: its file under the questions folder,
    the text of the upload that brought it, or None for the text when neither is at hand."""
    name = bank.source_path or f"upload/{bank.slug}.yaml"
    # A browser upload's name is never a file on disk.
    file = _file_under(name, questions_dir) if bank.source_kind == FILE else None
    if file is not None:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return name, handle.read(), file
    return name, _uploaded_text(session, name), None


def _exported(session: Session, bank: Bank, question: Question, edit) -> str:
    """The whole bank as YAML with the edit made (when no file can be edited as text)."""
    (data,) = [b for b in export_banks(session) if b["bank"]["id"] == bank.slug]
    data["questions"] = [
        apply_to_data(q, edit) if q["id"] == question.slug else q for q in data["questions"]
    ]
    return dump_yaml([data])


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
    bank = question.bank
    name, base, file = _source(session, bank, questions_dir)
    try:
        if base is None:
            raise EditError("the bank's file is not at hand")
        edited = apply_edit(base, name, bank.slug, question.slug, edit)
    except EditError as exc:
        name, file = f"upload/{bank.slug}.yaml", None
        edited = _exported(session, bank, question, edit)
        problems: list = []
        parse_file_text(edited, name, problems)
        if any(p.severity == "error" for p in problems):
            raise VerdictError(f"The bank cannot take this change: {exc}.") from None
    origin = {"questions": [question.id], "path": str(file) if file else None}
    if file is not None:
        origin["sha256"] = _digest(base)
    with write_transaction(session):
        upload = Upload(user_id=user.id, files=[{"name": name, "text": edited}], origin=origin)
        session.add(upload)
    return upload


def after_confirm(session: Session, upload: Upload) -> list[str]:
    """Once a verdict's upload is imported: write the bank file (if it is unchanged since the
    edit was made) and regrade the question's answers. What was done, as messages."""
    origin = upload.origin or {}
    done = []
    path = origin.get("path")
    if path:
        done.append(_write_back(Path(path), upload.files[0]["text"], origin.get("sha256")))
    for question_id in origin.get("questions", []):
        count = regrade(session, question_id)
        done.append(f"Regraded {count} answer(s); their first marks are kept.")
    return done


def _write_back(file: Path, text: str, digest: str | None) -> str:
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            if _digest(handle.read()) != digest:
                return f"{file.name} changed since the edit was made: it was not written."
        # A new file beside it, renamed over it: never half a bank on disk.
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.chmod(temporary, file.stat().st_mode)
            os.replace(temporary, file)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError as exc:
        return f"{file.name} could not be written ({exc.strerror}); edit it by hand."
    return f"Wrote {file.name}."
