"""Banks through the API: the catalogue for everyone; for instructors, the authoring steps of
the pages (check with located problems, upload, preview that only reads, confirm once with the
preview's state), with the same services and limits."""

from __future__ import annotations

from flask import current_app, url_for

from ..banks.cards import bank_flashcards
from ..extensions import db
from ..services import authoring, import_preview, responses
from ..services.catalogue import bank_listing, bank_overview
from .core import ANY_SCOPE, AUTHOR, api, current_user
from .openapi import Reply
from .problems import ApiProblem, ProblemItem
from .schemas.banks import (
    BankCheck,
    BankDetail,
    BankEntry,
    BankFiles,
    Banks,
    ChangedQuestion,
    CheckedBank,
    ConfirmUpload,
    ImportDone,
    NewQuestion,
    UploadPreview,
)

PREVIEW_LINKS = {
    "preview": {"operationId": "get_upload", "parameters": {"upload_id": "$response.body#/id"}},
    "confirm": {
        "operationId": "confirm_upload",
        "parameters": {"upload_id": "$response.body#/id"},
        "requestBody": {"state": "$response.body#/state"},
    },
}


@api.operation("GET", "/banks", tag="banks", scopes=ANY_SCOPE, replies={200: Reply("", Banks)})
def list_banks():
    """List the banks"""
    return Banks(
        banks=[
            BankEntry(
                id=row.bank.slug,
                title=row.bank.title,
                summary=row.bank.summary,
                questions=row.questions,
                cards=row.cards,
            )
            for row in bank_listing(db.session)
        ]
    )


@api.operation(
    "GET", "/banks/<bank>", tag="banks", scopes=ANY_SCOPE, replies={200: Reply("", BankDetail)}
)
def get_bank(bank: str):
    """Read one bank: its counts, question types and topics"""
    overview = bank_overview(db.session, bank)
    if overview is None:
        raise ApiProblem(404, "There is no such bank.")
    return BankDetail(
        id=overview.bank.slug,
        title=overview.bank.title,
        summary=overview.bank.summary,
        questions=overview.questions,
        cards=overview.cards,
        types=overview.types,
        tags=overview.tags,
    )


def located(problems) -> list[ProblemItem]:
    return [
        ProblemItem(
            detail=p.message,
            file=p.location.path,
            line=p.location.line,
            column=p.location.column,
            severity=p.severity,
        )
        for p in problems
    ]


def invalid_banks(problems) -> ApiProblem:
    errors = [p for p in problems if p.severity == "error"]
    detail = f"{len(errors)} problem(s) in the bank files; nothing was changed."
    return ApiProblem(422, detail, "invalid-banks", located(problems))


def checked_banks(banks) -> list[CheckedBank]:
    return [
        CheckedBank(
            id=b.id, title=b.title, questions=len(b.questions), cards=len(bank_flashcards(b))
        )
        for b in banks
    ]


def _check(body: BankFiles) -> authoring.CheckedUpload:
    files = [authoring.UploadedFile(f.name, f.text.encode("utf-8")) for f in body.files]
    checked = authoring.check_files(files, current_app.config["UPLOAD_FILE_LIMIT"])
    if not checked.ok:
        raise invalid_banks(checked.result.problems)
    return checked


@api.operation(
    "POST", "/banks/check", tag="banks", scopes=AUTHOR, body=BankFiles,
    replies={200: Reply("The files pass every check", BankCheck)},
)  # fmt: skip
def check_banks(body: BankFiles):
    """Check bank files without importing them

    The checks of `quizapp questions check`; problems answer 422 with each one located by
    file, line and column."""
    checked = _check(body)
    return BankCheck(
        files=checked.result.files,
        banks=checked_banks(checked.result.banks),
        warnings=located(checked.result.warnings),
    )


def _preview(stored) -> UploadPreview:
    base = {"id": stored.id, "created_at": stored.created_at, "warnings": []}
    if stored.applied_at is not None:
        return UploadPreview(
            **base, applied=True, summary=stored.summary, state=None, banks=[], added=[],
            updated=[], retired=[], unchanged=0, banks_added=[], banks_retired=[], changed=[],
            more_changed=0, new_questions=[], more_new=0, changed_since_upload=[],
        )  # fmt: skip
    result = import_preview.preview(db.session, stored)
    if result is None:
        checked = authoring.check_stored(stored, current_app.config["UPLOAD_FILE_LIMIT"])
        raise invalid_banks(checked.result.problems)
    db.session.rollback()  # the preview only read; end that read now
    changes = result.report.changes
    return UploadPreview(
        **{**base, "warnings": located(result.warnings)},
        applied=False,
        summary=None,
        state=result.state,
        banks=checked_banks(result.banks),
        added=changes.added,
        updated=changes.updated,
        retired=changes.retired,
        unchanged=len(changes.unchanged),
        banks_added=result.report.banks_added,
        banks_retired=result.report.banks_retired,
        changed=[
            ChangedQuestion(key=q.key, diff=q.diff, answered=q.answered)
            for q in result.shown
            if q.updated
        ],
        more_changed=result.questions_among(changes.updated) - sum(q.updated for q in result.shown),
        new_questions=[
            NewQuestion(
                key=q.key, bank=q.bank_title, type=q.question.type, prompt=q.question.prompt
            )
            for q in result.shown
            if not q.updated
        ],
        more_new=result.questions_among(changes.added) - sum(not q.updated for q in result.shown),
        changed_since_upload=result.changed_since_upload,
    )


@api.operation(
    "POST", "/uploads", tag="banks", scopes=AUTHOR, body=BankFiles,
    replies={201: Reply("Checked and kept: what confirming would change", UploadPreview,
                        PREVIEW_LINKS)},
)  # fmt: skip
def upload_banks(body: BankFiles):
    """Upload bank files: check them and preview the import

    Nothing is imported until the upload is confirmed with the preview's `state`."""
    stored = authoring.store_upload(db.session, current_user(), _check(body))
    location = {"Location": url_for("api.get_upload", upload_id=stored.id)}
    return 201, _preview(stored), location


def _own_upload(upload_id: int):
    stored = authoring.upload_for(db.session, current_user(), upload_id)
    if stored is None:
        raise ApiProblem(404, "There is no such upload.")
    return stored


@api.operation(
    "GET", "/uploads/<int:upload_id>", tag="banks", scopes=AUTHOR,
    replies={200: Reply("What confirming would change", UploadPreview, PREVIEW_LINKS)},
    problems=(422,),
)  # fmt: skip
def get_upload(upload_id: int):
    """Preview an upload again (it only reads)"""
    return _preview(_own_upload(upload_id))


@api.operation(
    "POST", "/uploads/<int:upload_id>/confirm", tag="banks", scopes=AUTHOR, body=ConfirmUpload,
    replies={200: Reply("Imported (or imported already)", ImportDone)}, problems=(409,),
)  # fmt: skip
def confirm_upload(upload_id: int, body: ConfirmUpload):
    """Confirm an upload: import it, once

    Refused (409, stale) if the banks changed after the preview whose `state` is sent."""
    stored = _own_upload(upload_id)
    try:
        report = authoring.confirm(db.session, stored, body.state)
    except authoring.InvalidUpload:
        checked = authoring.check_stored(stored, current_app.config["UPLOAD_FILE_LIMIT"])
        raise invalid_banks(checked.result.problems) from None
    except authoring.StalePreview:
        detail = "These banks changed after that preview (another import); read it again."
        raise ApiProblem(409, detail, "stale") from None
    messages = []
    if report is not None and stored.origin:  # a verdict on a response: write, then regrade
        messages = responses.after_confirm(db.session, stored)
    if report is None:
        return ImportDone(
            imported=False, summary=stored.summary or "", added=0, updated=0, retired=0,
            unchanged=0, banks_added=[], banks_retired=[], messages=[],
        )  # fmt: skip
    changes = report.changes
    return ImportDone(
        imported=True,
        summary=report.summary(),
        added=len(changes.added),
        updated=len(changes.updated),
        retired=len(changes.retired),
        unchanged=len(changes.unchanged),
        banks_added=report.banks_added,
        banks_retired=report.banks_retired,
        messages=messages,
    )
