"""A student's own progress: dashboard, attempts, CSV downloads."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..services import progress
from ..services.catalogue import bank_listing
from ..validators import query_int
from .forms import AttemptFilterForm
from .presenters import dashboard_charts, forecast_rows

bp = Blueprint("progress", __name__, url_prefix="/progress")
PER_PAGE = 20


@bp.before_request
@login_required
def require_login():
    """Progress pages show the logged-in user's own data only."""


def render_dashboard(user, template_args: dict | None = None):
    board = progress.dashboard(db.session, user)
    return render_template(
        "progress/dashboard.html",
        board=board,
        charts=dashboard_charts(board),
        forecast_rows=forecast_rows(board),
        **(template_args or {}),
    )


@bp.get("/")
def dashboard():
    return render_dashboard(current_user)


def attempts_listing(user, endpoint: str, **endpoint_args):
    """The filtered, paginated attempts of `user` (shared with the instructors' drill-down)."""
    form = AttemptFilterForm(request.args)
    form.bank.choices = [SelectChoice("", "Any")] + [
        SelectChoice(b.bank.slug, b.bank.title) for b in bank_listing(db.session)
    ]
    valid = form.validate()
    page = max(1, query_int(request.args, "page", 1))
    filters = (
        {
            "bank": form.bank.data or None,
            "mode": form.mode.data or None,
            "since": form.since.data,
            "until": form.until.data,
        }
        if valid
        else {}
    )
    rows, total = progress.attempts_page(db.session, user, page=page, per_page=PER_PAGE, **filters)
    pages = max(1, -(-total // PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return url_for(endpoint, page=number, **endpoint_args, **args)

    return render_template(
        "progress/attempts.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        page_url=page_url,
        subject=user,
    ), (200 if valid else 422)


@bp.get("/attempts")
def attempts():
    return attempts_listing(current_user, "progress.attempts")


def csv_download(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/export/attempts.csv")
def export_attempts():
    return csv_download(progress.attempts_csv(db.session, current_user), "my-attempts.csv")


@bp.get("/export/reviews.csv")
def export_reviews():
    return csv_download(progress.reviews_csv(db.session, current_user), "my-reviews.csv")
