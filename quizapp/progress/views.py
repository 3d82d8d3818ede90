"""A student's own progress: dashboard, attempts, CSV downloads."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..services import progress
from ..services.exam_secrecy import sealed_for
from ..web.pages import attempts_listing, csv_download, hidden_from, render_dashboard, signed_in

bp = Blueprint("progress", __name__, url_prefix="/progress")


@bp.before_request
@login_required
def require_login():
    """Progress pages show the logged-in user's own data only."""


@bp.get("/")
def dashboard():
    return render_dashboard(signed_in())


@bp.get("/attempts")
def attempts():
    return attempts_listing(current_user, "progress.attempts")


@bp.get("/export/attempts.csv")
def export_attempts():
    # Its marks would show which answers were right to the questions of an open exam.
    sealed = sealed_for(db.session, current_user)
    if sealed:
        message = "Your attempts download is paused while your exam is open; submit it first."
        return render_template("exam_paused.html", message=message, exams=sealed.exam_ids), 409
    text = progress.attempts_csv(db.session, current_user, hidden_from(current_user))
    return csv_download(text, "my-attempts.csv")


@bp.get("/export/reviews.csv")
def export_reviews():
    return csv_download(progress.reviews_csv(db.session, current_user), "my-reviews.csv")
