"""Uploading bank files in the browser: check, preview, confirm; downloads in every format."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..banks.anki import write_apkg
from ..banks.document import BankFile, LoadResult, Location, Problem
from ..banks.export import MOODLE_FORMATS, dump_yaml
from ..banks.files import BANK_FILE_SUFFIXES, decode
from ..banks.loader import check_bank_ids, parse_file_text
from ..database import write_transaction
from ..models import Bank as BankRow
from ..models import Question, QuestionVersion, Upload, User, utcnow
from .bank_edits import unchanged_source
from .exporter import export_banks
from .importer import (
    FILE,
    UPLOAD,
    ImportReport,
    apply_import,
    import_transaction,
    plan_import,
)
from .queries import IS_CURRENT, active_banks

MAX_FILES = 20
# Downloads in Moodle's formats: the suffix in the URL -> (export format, mimetype).
MOODLE_DOWNLOADS = {"gift": ("gift", "text/plain"), "xml": ("moodle-xml", "application/xml")}


@dataclass
class UploadedFile:
    name: str  # shown as upload/<name>
    data: bytes


@dataclass
class CheckedFile:
    path: str
    lines: list[str]
    problems: dict[int, list[Problem]] = field(default_factory=dict)


@dataclass
class CheckedUpload:
    result: LoadResult
    files: list[CheckedFile]
    texts: list[dict[str, str]]  # what is stored until the instructor confirms
    general: list[Problem] = field(default_factory=list)  # about the upload, not one file

    @property
    def ok(self) -> bool:
        return self.result.ok()


def upload_path(name: str) -> str:
    return f"upload/{PurePath(name).name or 'bank.yaml'}"


def check_files(uploads: list[UploadedFile], size_limit: int) -> CheckedUpload:
    """Run exactly the checks of `quizapp questions check` on uploaded files."""
    result = LoadResult()
    texts, checked = [], []
    for upload in uploads[:MAX_FILES]:
        path = upload_path(upload.name)
        result.files += 1
        if not path.lower().endswith((*BANK_FILE_SUFFIXES,)):
            result.problems.append(
                Problem(
                    Location(path, 1, 1),
                    "error",
                    "not a bank file: use .yaml, .yml, .json, .gift or .xml (Moodle XML)",
                )
            )
            checked.append(CheckedFile(path, []))
            continue
        if len(upload.data) > size_limit:
            limit = size_limit // (1024 * 1024)
            result.problems.append(
                Problem(Location(path, 1, 1), "error", f"file is larger than {limit} MB")
            )
            checked.append(CheckedFile(path, []))
            continue
        text = decode(upload.data, path, result.problems)
        if text is None:
            checked.append(CheckedFile(path, []))
            continue
        texts.append({"name": path, "text": text})
        result.banks.extend(parse_file_text(text, path, result.problems))
        checked.append(CheckedFile(path, text.split("\n")))
    general = []
    if len(uploads) > MAX_FILES:
        general.append(
            Problem(
                Location("upload", 1, 1),
                "error",
                f"{len(uploads)} files sent, at most {MAX_FILES} at once: only the first "
                f"{MAX_FILES} were checked",
            )
        )
        result.problems.extend(general)
    check_bank_ids(result)
    result.problems.sort()
    by_path = {f.path: f for f in checked}
    for problem in result.problems:
        target = by_path.get(problem.location.path)
        if target is not None:
            target.problems.setdefault(problem.location.line, []).append(problem)
    return CheckedUpload(result, checked, texts, general)


def store_upload(
    session: Session, user: User, checked: CheckedUpload, revises: Upload | None = None
) -> Upload:
    """The checked files as an upload awaiting preview and confirmation. A revision of a
    stored upload (its files edited in the browser) keeps its files' names and what
    confirming it does (a bank file to write, answers to regrade)."""
    files, origin = checked.texts, None
    if revises is not None and len(revises.files) == len(files):
        files = [
            {"name": old["name"], "text": new["text"]}
            for old, new in zip(revises.files, files, strict=True)
        ]
        origin = revises.origin
    with write_transaction(session):
        upload = Upload(user_id=user.id, files=files, origin=origin)
        session.add(upload)
    return upload


def upload_for(session: Session, user: User, upload_id: int) -> Upload | None:
    return session.scalar(
        sa.select(Upload).where(Upload.id == upload_id, Upload.user_id == user.id)
    )


def source_kind(upload: Upload) -> str:
    """An upload made by editing a bank file (an accepted response) stays a file bank: the
    file is written back once the upload is confirmed."""
    return FILE if (upload.origin or {}).get("path") else UPLOAD


def load_upload(upload: Upload) -> LoadResult:
    result = LoadResult(files=len(upload.files))
    for entry in upload.files:
        result.banks.extend(parse_file_text(entry["text"], entry["name"], result.problems))
    check_bank_ids(result)
    return result


class StalePreview(Exception):
    """The banks changed after the preview the instructor confirmed."""


class InvalidUpload(Exception):
    """The stored files no longer pass the checks (stored by an older, laxer version)."""


def check_stored(upload: Upload, size_limit: int) -> CheckedUpload:
    """The checks of an upload's stored files, for the problems page."""
    files = [UploadedFile(PurePath(f["name"]).name, f["text"].encode()) for f in upload.files]
    return check_files(files, size_limit)


def bank_rows(session: Session, banks: list[BankFile]) -> dict[str, BankRow]:
    slugs = [bank.id for bank in banks]
    return {
        row.slug: row for row in session.scalars(sa.select(BankRow).where(BankRow.slug.in_(slugs)))
    }


def banks_state(rows: dict[str, BankRow], banks: list[BankFile]) -> str:
    """A fingerprint of when each bank was last imported or retired (or that it is new)."""
    parts = []
    for bank in sorted(banks, key=lambda b: b.id):
        row = rows.get(bank.id)
        stamps = (row.imported_at, row.retired_at) if row else ("new",)
        parts.append(f"{bank.id}:{'|'.join(str(stamp) for stamp in stamps)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def confirm(session: Session, upload: Upload, state: str) -> ImportReport | None:
    """Import the upload, once: None if it was imported already (by this or another request).
    Raises StalePreview if the banks changed after the preview whose `state` was confirmed,
    InvalidUpload if the stored files do not pass the checks."""
    result = load_upload(upload)  # parsing needs no lock
    if not result.ok():
        raise InvalidUpload
    with import_transaction(session):
        # Read again under the lock: a second confirmation waits here, then sees the first.
        row = session.scalar(sa.select(Upload).where(Upload.id == upload.id).with_for_update())
        if row.applied_at is not None:
            return None
        if state != banks_state(bank_rows(session, result.banks), result.banks):
            raise StalePreview
        plan = plan_import(session, result.banks, source_kind=source_kind(upload))
        report = apply_import(session, plan)
        row.applied_at, row.summary = utcnow(), report.summary()
    return report


@dataclass
class BankSummary:
    bank: BankRow
    types: dict[str, int]
    questions: int


def bank_summaries(session: Session) -> list[BankSummary]:
    rows = session.execute(
        sa.select(Question.bank_id, QuestionVersion.type)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(IS_CURRENT, Question.retired_at.is_(None))
    ).all()
    counts: dict[int, Counter] = {}
    for bank_id, qtype in rows:
        counts.setdefault(bank_id, Counter())[qtype] += 1
    banks = active_banks(session)
    return [
        BankSummary(b, dict(counts.get(b.id, Counter())), sum(counts.get(b.id, Counter()).values()))
        for b in banks
    ]


def download(
    session: Session, slug: str, fmt: str, questions_dir: str | None = None
) -> tuple[bytes, str, list[str]] | None:
    """(content, mimetype, warnings) of one bank in yaml, gift, xml (Moodle XML) or apkg. YAML
    is the bank's own file, byte for byte, while it holds what was imported; else an export."""
    banks = [b for b in export_banks(session) if b["bank"]["id"] == slug]
    if not banks:
        return None
    if fmt == "yaml":
        text = unchanged_source(session, slug, banks[0], questions_dir) or dump_yaml(banks)
        return text.encode(), "application/yaml", []
    if fmt in MOODLE_DOWNLOADS:
        name, mimetype = MOODLE_DOWNLOADS[fmt]
        export = MOODLE_FORMATS[name][0](banks)
        return export.text.encode(), mimetype, export.messages()
    out = io.BytesIO()
    write_apkg(banks, out)
    return out.getvalue(), "application/octet-stream", []
