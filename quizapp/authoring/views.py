"""Authoring in the browser (instructors and admins): upload, check, fix the files in place and
check again, edit one question in a form, preview, confirm, download."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..extensions import db
from ..qtypes.editing import COMMON_EDITABLE
from ..services import authoring, bank_edits, import_preview, question_form
from ..web.pages import require_staff
from ..web.questions import QuestionPreview
from .forms import ConfirmForm, RecheckForm, UploadForm, posted_text
from .forms import question_form as make_question_form

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
require_staff(bp)
DOWNLOADS = ("yaml", "gift", "xml", "apkg")


@bp.get("/")
def index():
    return render_template(
        "authoring/index.html",
        banks=authoring.bank_summaries(db.session),
        form=UploadForm(),
    )


def _problems(checked, revises=None):
    """The problems page: each file with its problems beside its lines, and an editor."""
    form = RecheckForm(data={"revises": revises.id if revises else ""})
    texts = {entry["name"]: entry["text"] for entry in checked.texts}
    return render_template(
        "authoring/problems.html",
        checked=checked,
        form=UploadForm(),
        recheck=form,
        texts=texts,
    ), (422 if not checked.ok else 200)


@bp.post("/upload")
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template(
            "authoring/index.html", banks=authoring.bank_summaries(db.session), form=form
        ), 422
    files = [
        authoring.UploadedFile(f.filename or "bank.yaml", f.read())
        for f in form.files.data
        if f and f.filename
    ]
    checked = authoring.check_files(files, current_app.config["UPLOAD_FILE_LIMIT"])
    if not checked.ok:
        return _problems(checked)
    stored = authoring.store_upload(db.session, current_user, checked)
    return redirect(url_for(".preview", upload_id=stored.id))


@bp.post("/recheck")
def recheck():
    """The files as edited on the problems page, checked again: a new upload (a revision of
    the stored one it came from) once they pass, nothing imported before the preview."""
    form = RecheckForm()
    if not form.validate_on_submit() or not form.files.entries:
        abort(400)
    revises = None
    if form.revises.data:
        revises = authoring.upload_for(db.session, current_user, int(form.revises.data))
        if revises is None:
            abort(404)
    files = [
        authoring.UploadedFile(entry.form.name.data, (entry.form.text.data or "").encode())
        for entry in form.files.entries
    ]
    checked = authoring.check_files(files, current_app.config["UPLOAD_FILE_LIMIT"])
    if not checked.ok:
        return _problems(checked, revises)
    stored = authoring.store_upload(db.session, current_user, checked, revises)
    return redirect(url_for(".preview", upload_id=stored.id))


@bp.get("/uploads/<int:upload_id>/edit")
def edit_upload(upload_id: int):
    """A stored upload's files in the editor, to change before confirming."""
    stored = authoring.upload_for(db.session, current_user, upload_id)
    if stored is None or stored.applied_at is not None:
        abort(404)
    checked = authoring.check_stored(stored, current_app.config["UPLOAD_FILE_LIMIT"])
    page, _status = _problems(checked, stored)
    return page


@bp.get("/uploads/<int:upload_id>")
def preview(upload_id: int):
    stored = authoring.upload_for(db.session, current_user, upload_id)
    if stored is None:
        abort(404)
    if stored.applied_at is not None:
        flash(f"This upload was imported: {stored.summary}.", "info")
        return redirect(url_for(".index"))
    result = import_preview.preview(db.session, stored)
    if result is None:
        checked = authoring.check_stored(stored, current_app.config["UPLOAD_FILE_LIMIT"])
        return _problems(checked, stored)
    db.session.rollback()  # the preview only read; end that read now
    form = ConfirmForm(state=result.state)
    return render_template(
        "authoring/preview.html",
        preview=result,
        previews=[(shown, QuestionPreview(shown.question)) for shown in result.shown],
        form=form,
        shown_keys=import_preview.SHOWN_KEYS,
    )


@bp.post("/uploads/<int:upload_id>/confirm")
def confirm(upload_id: int):
    stored = authoring.upload_for(db.session, current_user, upload_id)
    if stored is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report = authoring.confirm(db.session, stored, form.state.data or "")
    except authoring.InvalidUpload:
        flash("These files do not pass the checks; nothing was imported.", "error")
        return redirect(url_for(".preview", upload_id=upload_id))
    except authoring.StalePreview:
        flash(
            "These banks changed after you opened this preview (another import); "
            "here is what confirming would change now.",
            "warning",
        )
        return redirect(url_for(".preview", upload_id=upload_id))
    if report is None:
        flash("This upload was already imported; nothing changed.", "info")
    else:
        flash(f"Imported: {report.summary()}.", "success")
    origin = stored.origin or {}
    if report is not None and origin:  # made in the browser: write the file, regrade
        for message in bank_edits.after_confirm(db.session, stored):
            flash(message, "info")
    if origin.get("questions"):  # a verdict on a response: back to the responses
        question_id = origin["questions"][0]
        return redirect(url_for("classroom.question", question_id=question_id) + "#responses")
    if origin.get("edited"):  # the question form: to the question, where a regrade waits
        return redirect(url_for("classroom.question", question_id=origin["edited"]))
    return redirect(url_for(".index"))


@bp.get("/banks/<slug>/")
def bank(slug: str):
    found = question_form.bank_questions(db.session, slug)
    if found is None:
        abort(404)
    row, questions = found
    return render_template("authoring/bank.html", bank=row, questions=questions)


def _question_or_404(slug: str, question: str):
    found = question_form.question_in_bank(db.session, slug, question)
    if found is None:
        abort(404)
    return found


@bp.route("/banks/<slug>/questions/<question>/edit", methods=["GET", "POST"])
def edit_question(slug: str, question: str):
    """One question in a form made of its type's editable keys; "Check and preview" shows
    it as students will see it, "Continue" makes the upload to preview and confirm."""
    found = _question_or_404(slug, question)
    fields = question_form.form_fields(found.versions[-1].type)
    if request.method == "GET":
        form = make_question_form(fields, question_form.current_text(found))
        shown = QuestionPreview(found.versions[-1].data)
        return _question_page(form, fields, found, None, shown)
    form = make_question_form(fields)
    if not form.validate_on_submit():
        return _question_page(form, fields, found, None, None), 422
    edit = question_form.propose(
        db.session, found, posted_text(form), current_app.config["QUESTIONS_DIR"]
    )
    for key, message in edit.errors.items():
        getattr(form, f"q_{key}").errors = [message]
    if request.form.get("action") == "continue" and edit.ok:
        stored = question_form.save(db.session, current_user, edit)
        return redirect(url_for(".preview", upload_id=stored.id))
    shown = QuestionPreview(edit.spec) if edit.spec is not None else None
    status = 200 if edit.ok or not (edit.changes or edit.errors) else 422
    return _question_page(form, fields, found, edit, shown), status


@bp.post("/banks/<slug>/questions/<question>/preview")
def question_preview(slug: str, question: str):
    """The live preview's fragment: the posted form checked and shown as students see it."""
    found = _question_or_404(slug, question)
    fields = question_form.form_fields(found.versions[-1].type)
    form = make_question_form(fields)
    if not form.validate_on_submit():
        abort(400)
    edit = question_form.propose(
        db.session, found, posted_text(form), current_app.config["QUESTIONS_DIR"]
    )
    shown = QuestionPreview(edit.spec) if edit.spec is not None else None
    return render_template(
        "authoring/_question_preview.html", edit=edit, shown=shown, question=found
    )


def _question_page(form, fields, found, edit, shown):
    return render_template(
        "authoring/question.html",
        form=form,
        fields=fields,
        own_fields=len(fields) - len(COMMON_EDITABLE),
        question=found,
        edit=edit,
        shown=shown,
    )


@bp.get("/banks/<slug>.<fmt>")
def download(slug: str, fmt: str):
    if fmt not in DOWNLOADS:
        abort(404)
    found = authoring.download(db.session, slug, fmt, current_app.config["QUESTIONS_DIR"])
    if found is None:
        abort(404)
    content, mimetype, _warnings = found
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{slug}.{fmt}"'},
    )
