"""Public pages: the list of banks, one bank's page, and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..database import write_fault
from ..extensions import db
from ..services import study
from ..services.catalogue import bank_listing, bank_overview
from ..services.classes import due_next
from ..services.quizzes import unfinished as unfinished_attempts
from ..services.readiness import QUIZ_SIZE, bank_readiness
from ..web.forms import CsrfOnlyForm
from ..web.pages import practice_idle_time

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    unfinished, today, due = [], None, []
    if current_user.is_authenticated:
        unfinished = unfinished_attempts(db.session, current_user, practice_idle_time())
        today = study.deck_counts(db.session, current_user, None)
        due = due_next(db.session, current_user)
    return render_template(
        "main/home.html",
        banks=bank_listing(db.session),
        unfinished=unfinished,
        today=today,
        due=due,
        action_form=CsrfOnlyForm(),
    )


@bp.get("/banks/<slug>")
def bank(slug: str):
    overview = bank_overview(db.session, slug)
    if overview is None:
        abort(404)
    readiness = (
        bank_readiness(db.session, current_user, slug) if current_user.is_authenticated else None
    )
    return render_template(
        "main/bank.html", overview=overview, readiness=readiness, slug=slug, quiz_size=QUIZ_SIZE
    )


@bp.get("/healthz")
def healthz():
    """200 only when the database answers and would take a write now (nothing is written)."""
    fault = write_fault(db.session)
    if fault:
        return {"status": "error", "database": fault}, 503
    return {"status": "ok", "database": "ok"}
