"""Public pages: the list of banks, one bank's page, and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..database import write_fault
from ..extensions import db
from ..services.catalogue import bank_listing, bank_overview
from ..services.classes import due_next
from ..services.quizzes import in_progress

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    signed_in = current_user.is_authenticated
    unfinished = in_progress(db.session, current_user) if signed_in else []
    due = due_next(db.session, current_user) if signed_in else []
    return render_template(
        "main/home.html", banks=bank_listing(db.session), unfinished=unfinished, due=due
    )


@bp.get("/banks/<slug>")
def bank(slug: str):
    overview = bank_overview(db.session, slug)
    if overview is None:
        abort(404)
    return render_template("main/bank.html", overview=overview)


@bp.get("/healthz")
def healthz():
    """200 only when the database answers and would take a write now (nothing is written)."""
    fault = write_fault(db.session)
    if fault:
        return {"status": "error", "database": fault}, 503
    return {"status": "ok", "database": "ok"}
