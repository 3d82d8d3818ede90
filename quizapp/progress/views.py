"""A student's own progress: dashboard, attempts, CSV downloads."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from ..extensions import db
from ..services import progress
from ..web.pages import attempts_listing, csv_download, hidden_from, render_dashboard

bp = Blueprint("progress", __name__, url_prefix="/progress")


@bp.before_request
@login_required
def require_login():
    """Progress pages show the logged-in user's own data only."""


@bp.get("/")
def dashboard():
    return render_dashboard(current_user)


@bp.get("/attempts")
def attempts():
    return attempts_listing(current_user, "progress.attempts")


@bp.get("/export/attempts.csv")
def export_attempts():
    text = progress.attempts_csv(db.session, current_user, hidden_from(current_user))
    return csv_download(text, "my-attempts.csv")


@bp.get("/export/reviews.csv")
def export_reviews():
    return csv_download(progress.reviews_csv(db.session, current_user), "my-reviews.csv")
