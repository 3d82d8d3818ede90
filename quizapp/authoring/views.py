"""Authoring in the browser (instructors and admins): upload, check, preview, confirm, download."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from ..extensions import db
from ..services import authoring, responses
from ..web.pages import require_staff
from ..web.questions import QuestionPreview
from .forms import ConfirmForm, UploadForm

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
        return render_template("authoring/problems.html", checked=checked, form=UploadForm()), 422
    stored = authoring.store_upload(db.session, current_user, checked)
    return redirect(url_for(".preview", upload_id=stored.id))


@bp.get("/uploads/<int:upload_id>")
def preview(upload_id: int):
    stored = authoring.upload_for(db.session, current_user, upload_id)
    if stored is None:
        abort(404)
    if stored.applied_at is not None:
        flash(f"This upload was imported: {stored.summary}.", "info")
        return redirect(url_for(".index"))
    result = authoring.preview(db.session, stored)
    if result is None:
        checked = authoring.check_stored(stored, current_app.config["UPLOAD_FILE_LIMIT"])
        return render_template("authoring/problems.html", checked=checked, form=UploadForm()), 422
    db.session.rollback()  # the preview only read; end that read now
    previews = [(title, q, QuestionPreview(q)) for title, q in result.new_questions]
    form = ConfirmForm(state=result.state)
    return render_template(
        "authoring/preview.html",
        preview=result,
        previews=previews,
        form=form,
        shown_keys=authoring.SHOWN_KEYS,
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
    if stored.origin:  # made from a verdict on a response: write the file, then regrade
        if report is not None:
            for message in responses.after_confirm(db.session, stored):
                flash(message, "info")
        question_id = stored.origin["questions"][0]
        return redirect(url_for("classroom.question", question_id=question_id) + "#responses")
    return redirect(url_for(".index"))


@bp.get("/banks/<slug>.<fmt>")
def download(slug: str, fmt: str):
    if fmt not in DOWNLOADS:
        abort(404)
    found = authoring.download(db.session, slug, fmt)
    if found is None:
        abort(404)
    content, mimetype, _warnings = found
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{slug}.{fmt}"'},
    )
