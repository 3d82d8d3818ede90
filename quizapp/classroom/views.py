"""Instructors and admins: the class, one student's progress, item analysis, regrading."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from .. import charts
from ..extensions import db
from ..services import analysis, quizzes, readiness
from ..services.catalogue import bank_listing
from ..web.forms import CsrfOnlyForm
from ..web.pages import attempts_listing, csv_download, render_dashboard, require_staff
from ..web.questions import QuestionPreview, results_view

bp = Blueprint("classroom", __name__, url_prefix="/class")
require_staff(bp)


def _student_or_404(user_id: int):
    user = analysis.student(db.session, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def overview():
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    rows = analysis.class_overview(db.session, sort, descending)
    calibration = readiness.class_calibration(db.session)
    return render_template(
        "classroom/overview.html",
        rows=rows,
        sort=sort,
        descending=descending,
        calibration=calibration,
        calibration_chart=_calibration_chart(calibration),
    )


def _calibration_chart(calibration) -> Markup:
    description = (
        f"{calibration.count} quizzes in {len(calibration.bins)} groups of predicted score; "
        f"predictions were off by {calibration.mean_abs_error:.0%} on average."
    )
    points = [(b.predicted, b.actual, b.count) for b in calibration.bins]
    # Markup: the chart builder escapes every piece of text it puts in the SVG.
    return Markup(
        charts.calibration_chart(
            "calibration-chart", "Predicted against actual quiz scores", points, description
        )
    )


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
    attempt = quizzes.attempt_for(db.session, user, attempt_id)
    if attempt is None or not attempt.finished:
        abort(404)
    view = results_view(quizzes.results(attempt))
    return render_template("quiz/results.html", view=view, viewer_is_staff=True)


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
    shown = QuestionPreview(report.versions[-1].data)
    return render_template(
        "classroom/question.html", report=report, form=CsrfOnlyForm(), preview=shown
    )


@bp.post("/questions/<int:question_id>/regrade")
def regrade(question_id: int):
    if not analysis.question_exists(db.session, question_id):
        abort(404)
    if not CsrfOnlyForm().validate_on_submit():
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
