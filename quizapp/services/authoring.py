"""Uploading bank files in the browser: check, preview, confirm; downloads in every format."""

from __future__ import annotations

import difflib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from ..banks.anki import write_apkg
from ..banks.document import BankFile, LoadResult, Location, Problem
from ..banks.export import dump_yaml
from ..banks.gift.writer import write_gift
from ..banks.loader import BANK_FILE_SUFFIXES, check_bank_ids, decode, parse_file_text
from ..database import write_transaction
from ..models import Bank as BankRow
from ..models import Question, QuestionVersion, Upload, User, utcnow
from .importer import ImportReport, export_banks, import_banks
from .queries import active_banks

MAX_FILES = 20


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
                    "not a bank file: use .yaml, .yml, .json or .gift",
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
    if len(uploads) > MAX_FILES:
        result.problems.append(
            Problem(
                Location(upload_path(uploads[MAX_FILES].name), 1, 1),
                "error",
                f"at most {MAX_FILES} files at once",
            )  # fmt: skip
        )
    check_bank_ids(result)
    result.problems.sort()
    by_path = {f.path: f for f in checked}
    for problem in result.problems:
        target = by_path.get(problem.location.path)
        if target is not None:
            target.problems.setdefault(problem.location.line, []).append(problem)
    return CheckedUpload(result, checked, texts)


def store_upload(session: Session, user: User, checked: CheckedUpload) -> Upload:
    with write_transaction(session):
        upload = Upload(user_id=user.id, files=checked.texts)
        session.add(upload)
    return upload


def upload_for(session: Session, user: User, upload_id: int) -> Upload | None:
    return session.scalar(
        sa.select(Upload).where(Upload.id == upload_id, Upload.user_id == user.id)
    )


def load_upload(upload: Upload) -> LoadResult:
    result = LoadResult(files=len(upload.files))
    for entry in upload.files:
        result.banks.extend(parse_file_text(entry["text"], entry["name"], result.problems))
    check_bank_ids(result)
    return result


@dataclass
class QuestionDiff:
    key: str
    lines: list[str]


@dataclass
class Preview:
    upload: Upload
    banks: list[BankFile]
    report: ImportReport
    diffs: list[QuestionDiff]
    new_questions: list[tuple[str, Any]]  # (bank title, banks.document.QuestionSpec)
    warnings: list[Problem]


def preview(session: Session, upload: Upload) -> Preview | None:
    """What confirming would change, computed by a dry run of the real import."""
    result = load_upload(upload)
    if not result.ok():
        return None
    report = import_banks(session, result.banks, dry_run=True)
    incoming = {f"{b.id}/{q.id}": q for b in result.banks for q in b.questions}
    diffs = []
    for key in report.changes.updated:
        if key not in incoming:
            continue
        old = _current_data(session, key)
        new = incoming[key].to_data()
        lines = list(
            difflib.unified_diff(
                _yaml(old).splitlines(), _yaml(new).splitlines(), "before", "after", lineterm=""
            )
        )
        diffs.append(QuestionDiff(key, lines))
    titles = {b.id: b.title for b in result.banks}
    new_questions = [
        (titles[key.split("/")[0]], incoming[key])
        for key in report.changes.added
        if key in incoming
    ]
    return Preview(upload, result.banks, report, diffs, new_questions, result.warnings)


def _yaml(data: dict | None) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=90) if data else ""


def _current_data(session: Session, key: str) -> dict | None:
    bank_slug, slug = key.split("/", 1)
    return session.scalar(
        sa.select(QuestionVersion.data)
        .join(Question, QuestionVersion.question_id == Question.id)
        .join(BankRow, Question.bank_id == BankRow.id)
        .where(
            BankRow.slug == bank_slug,
            Question.slug == slug,
            QuestionVersion.number == Question.version,
        )
    )


def confirm(session: Session, upload: Upload) -> ImportReport | None:
    """Import the upload in one transaction; a second confirmation changes nothing."""
    if upload.applied_at is not None:
        return None
    result = load_upload(upload)
    if not result.ok():
        return None
    report = import_banks(session, result.banks)
    with write_transaction(session):
        row = session.get(Upload, upload.id)
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
        .where(QuestionVersion.number == Question.version, Question.retired_at.is_(None))
    ).all()
    counts: dict[int, Counter] = {}
    for bank_id, qtype in rows:
        counts.setdefault(bank_id, Counter())[qtype] += 1
    banks = active_banks(session)
    return [
        BankSummary(b, dict(counts.get(b.id, Counter())), sum(counts.get(b.id, Counter()).values()))
        for b in banks
    ]


def download(session: Session, slug: str, fmt: str) -> tuple[bytes, str, list[str]] | None:
    """(content, mimetype, warnings) of one bank in yaml, gift or apkg."""
    banks = [b for b in export_banks(session) if b["bank"]["id"] == slug]
    if not banks:
        return None
    if fmt == "yaml":
        return dump_yaml(banks).encode(), "application/yaml", []
    if fmt == "gift":
        export = write_gift(banks)
        return export.text.encode(), "text/plain", export.skipped + export.lossy
    out = io.BytesIO()
    write_apkg(banks, out)
    return out.getvalue(), "application/octet-stream", []
