"""Public pages: the list of banks, one bank's page, and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..database import write_fault
from ..extensions import db
from ..services.catalogue import bank_listing, bank_overview
from ..services.classes import due_next
from ..services.quizzes import QUICK_EXAM_MINUTES
from ..services.readiness import QUIZ_SIZE, bank_readiness
from ..services.today import bank_today, today
from ..web.forms import CsrfOnlyForm
from ..web.pages import practice_idle_time

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """The banks; for a student, first their Today (what to do next, each a button)."""
    plan, due = None, []
    if current_user.is_authenticated:
        plan = today(db.session, current_user, practice_idle_time())
        due = due_next(db.session, current_user)
    return render_template(
        "main/home.html",
        banks=bank_listing(db.session),
        plan=plan,
        due=due,
        quiz_size=QUIZ_SIZE,
        action_form=CsrfOnlyForm(),
    )


@bp.get("/banks/<slug>")
def bank(slug: str):
    overview = bank_overview(db.session, slug)
    if overview is None:
        abort(404)
    readiness = state = None
    if current_user.is_authenticated:
        readiness = bank_readiness(db.session, current_user, slug)
        state = bank_today(db.session, current_user, slug)
    return render_template(
        "main/bank.html",
        overview=overview,
        readiness=readiness,
        state=state,
        slug=slug,
        quiz_size=QUIZ_SIZE,
        exam_minutes=QUICK_EXAM_MINUTES,
        action_form=CsrfOnlyForm(),
    )


@bp.get("/healthz")
def healthz():
    """200 only when the database answers and would take a write now (nothing is written)."""
    fault = write_fault(db.session)
    if fault:
        return {"status": "error", "database": fault}, 503
    return {"status": "ok", "database": "ok"}
