"""Instructors and admins: the class, one student's progress, item analysis, regrading."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..banks.model import Question
from ..extensions import db
from ..models import Attempt, User
from ..models import Question as QuestionRow
from ..progress.views import attempts_listing, csv_download, render_dashboard
from ..quiz.presenters import QuestionPreview, results_view
from ..services import analysis
from ..services.catalogue import bank_listing

bp = Blueprint("classroom", __name__, url_prefix="/class")


class RegradeForm(FlaskForm):
    """Just the CSRF token: the question comes from the URL."""


@bp.before_request
@login_required
def require_staff():
    if not current_user.is_staff:
        abort(403)


def _student_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != "student":
        abort(404)
    return user


@bp.get("/")
def overview():
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    rows = analysis.class_overview(db.session, sort, descending)
    return render_template("classroom/overview.html", rows=rows, sort=sort, descending=descending)


@bp.get("/students/<int:user_id>")
def student(user_id: int):
    return render_dashboard(_student_or_404(user_id), {"viewer_is_staff": True})


@bp.get("/students/<int:user_id>/attempts")
def student_attempts(user_id: int):
    user = _student_or_404(user_id)
    return attempts_listing(user, "classroom.student_attempts", user_id=user.id)


@bp.get("/students/<int:user_id>/attempts/<int:attempt_id>")
def student_attempt(user_id: int, attempt_id: int):
    user = _student_or_404(user_id)
    attempt = db.session.scalar(
        sa.select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
    if attempt is None or not attempt.finished:
        abort(404)
    return render_template("quiz/results.html", view=results_view(attempt), viewer_is_staff=True)


@bp.get("/items")
def items():
    banks = bank_listing(db.session)
    slug = request.args.get("bank") or (banks[0].bank.slug if banks else None)
    report = analysis.bank_analysis(db.session, slug) if slug else None
    if slug and report is None:
        abort(404)
    return render_template("classroom/items.html", banks=banks, report=report, slug=slug)


@bp.get("/questions/<int:question_id>")
def question(question_id: int):
    report = analysis.question_report(db.session, question_id)
    if report is None:
        abort(404)
    shown = QuestionPreview(Question.from_data(report.versions[-1].data))
    return render_template(
        "classroom/question.html", report=report, form=RegradeForm(), preview=shown
    )


@bp.post("/questions/<int:question_id>/regrade")
def regrade(question_id: int):
    db.get_or_404(QuestionRow, question_id)
    if not RegradeForm().validate_on_submit():
        abort(400)
    count = analysis.regrade(db.session, question_id)
    flash(
        f"Regraded {count} answer(s) with the current key." if count else "Nothing to regrade.",
        "info",
    )
    return redirect(url_for(".question", question_id=question_id))


@bp.get("/export.csv")
def export():
    return csv_download(analysis.class_csv(db.session), "class-results.csv")
