"""A change to one question made in the browser (a verdict on a response, the question form)
becomes an upload of its bank: the bank's own file edited as text, as a text editor would
leave it, or, when no such file is at hand, the whole bank exported as YAML with the change
made. It then goes through the usual preview and confirm; confirming writes the file back
(if it is unchanged since the edit was made) and regrades what the change asks for."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..banks.edits import EditError
from ..banks.export import dump_yaml
from ..banks.loader import parse_file_text
from ..database import write_transaction
from ..models import Bank, Question, Upload, User
from .analysis import regrade
from .exporter import export_banks
from .importer import FILE

TEXT_SUFFIXES = (".yaml", ".yml")


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


def bank_source(
    session: Session, bank: Bank, questions_dir: str | None
) -> tuple[str, str | None, Path | None]:
    """(name, text, file) of the bank as last imported: its file under the questions folder,
    the text of the upload that brought it, or None for the text when neither is at hand."""
    name = bank.source_path or f"upload/{bank.slug}.yaml"
    # A browser upload's name is never a file on disk.
    file = _file_under(name, questions_dir) if bank.source_kind == FILE else None
    if file is not None:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return name, handle.read(), file
    return name, _uploaded_text(session, name), None


@dataclass
class EditedBank:
    """A bank file with one question changed, not yet stored."""

    name: str  # the file's name in the upload (a bank file's own path stays its source)
    text: str
    file: Path | None  # the bank file to write once the upload is confirmed
    base: str | None  # the text the edit was made from (the write checks it is unchanged)
    exported: bool = False  # no file was at hand: the whole bank, exported as YAML


def edited_bank(
    session: Session,
    question: Question,
    text_edit: Callable[[str, str], str],
    data_edit: Callable[[dict[str, Any]], dict[str, Any]],
    questions_dir: str | None,
    export_if_refused: bool = True,
) -> EditedBank:
    """The question's bank with one change: `text_edit(text, name)` on its file's text, or
    (when no YAML file is at hand, or, if `export_if_refused`, it cannot take the edit)
    `data_edit` on the question's data in an export of the bank. EditError when neither can."""
    bank = question.bank
    name, base, file = bank_source(session, bank, questions_dir)
    if base is not None and name.lower().endswith(TEXT_SUFFIXES):
        try:
            return EditedBank(name, text_edit(base, name), file, base)
        except EditError:
            if not export_if_refused:
                raise
    (data,) = [b for b in export_banks(session) if b["bank"]["id"] == bank.slug]
    data["questions"] = [data_edit(q) if q["id"] == question.slug else q for q in data["questions"]]
    return EditedBank(f"upload/{bank.slug}.yaml", dump_yaml([data]), None, None, True)


def store_edit(session: Session, user: User, edited: EditedBank, origin: dict) -> Upload:
    """The edited bank as an upload awaiting preview and confirmation. `origin` says what
    confirming does besides importing ({"questions": [...]} to regrade)."""
    origin = {**origin, "path": str(edited.file) if edited.file else None}
    if edited.file is not None:
        origin["sha256"] = _digest(edited.base)
    with write_transaction(session):
        upload = Upload(
            user_id=user.id, files=[{"name": edited.name, "text": edited.text}], origin=origin
        )
        session.add(upload)
    return upload


def after_confirm(session: Session, upload: Upload) -> list[str]:
    """Once an edit's upload is imported: write the bank file (if it is unchanged since the
    edit was made) and regrade the questions the edit asks for. What was done, as messages."""
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


def unchanged_source(
    session: Session, slug: str, exported: dict[str, Any], questions_dir: str | None
) -> str | None:
    """The bank's own YAML text when it still holds exactly what the database has (so a
    download is the file as its author, or the browser's editor, left it); else None."""
    bank = session.scalar(sa.select(Bank).where(Bank.slug == slug))
    if bank is None:
        return None
    name, text, _file = bank_source(session, bank, questions_dir)
    if text is None or not name.lower().endswith(TEXT_SUFFIXES):
        return None
    problems: list = []
    banks = [b for b in parse_file_text(text, name, problems) if b.id == slug]
    if len(banks) != 1 or any(p.severity == "error" for p in problems):
        return None
    return text if banks[0].to_data() == exported else None
