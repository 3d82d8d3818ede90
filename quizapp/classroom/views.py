"""Instructors and admins: their students' progress, one student's progress, item analysis,
regrading. An instructor sees the students of the classes they teach (an admin, everyone);
the overview and item analysis narrow to one class and one assignment (?course=, ?assignment=)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import charts
from ..assignment_rules import EVERYTHING
from ..extensions import db
from ..ids import query_int
from ..services import analysis, classes, quizzes, readiness, responses
from ..services import overview as overview_service
from ..services.catalogue import bank_listing
from ..services.queries import bank_titles
from ..web import overview_table
from ..web.forms import CsrfOnlyForm
from ..web.pages import attempts_listing, csv_download, render_dashboard, require_staff
from ..web.questions import QuestionPreview, results_view
from .forms import OverviewForm, ResponseVerdictForm, ScopeForm

bp = Blueprint("classroom", __name__, url_prefix="/class")
require_staff(bp)

STUDENTS_PER_PAGE = 50  # rows of the overview's table; its summary covers everyone


def _scope(narrowed: bool = True) -> classes.Scope:
    """The students (and attempts) the viewer's reports cover; 404 for a class they do not
    teach or an assignment not of that class."""
    course = query_int(request.args, "course") if narrowed else None
    assignment = query_int(request.args, "assignment") if narrowed else None
    scope = classes.scope_for(db.session, current_user, course, assignment)
    if scope is None:
        abort(404)
    return scope


def _filters(scope: classes.Scope) -> tuple[ScopeForm, dict]:
    """The class/assignment filter as shown, and the query arguments that keep it."""
    form = ScopeForm(request.args)
    everyone = "All students" if scope.user_ids is None else "All my students"
    form.offer(classes.taught_choices(db.session, current_user), everyone)
    keep = {"course": scope.course_id, "assignment": scope.assignment_id}
    form.course.data, form.assignment.data = (str(v or "") for v in keep.values())
    return form, {key: value for key, value in keep.items() if value is not None}


def _student_or_404(user_id: int):
    user = analysis.student(db.session, user_id)
    if user is None or not _scope(narrowed=False).includes(user.id):
        abort(404)
    return user


def _overview_filters(scope: classes.Scope):
    """The overview's filters as shown, the filter they make, and the query arguments that
    keep them (dates that are not dates are left out, with a message under the field)."""
    form = OverviewForm(request.args)
    everyone = "All students" if scope.user_ids is None else "All my students"
    form.offer(classes.taught_choices(db.session, current_user), everyone)
    banks = bank_titles(db.session)
    form.offer_banks(banks)
    form.course.data, form.assignment.data = (
        str(v or "") for v in (scope.course_id, scope.assignment_id)
    )
    form.validate()
    slug = form.bank.data if not form.bank.errors else ""
    bank_id = next((b.id for b in banks if b.slug == slug), None)
    since = None if form.since.errors else form.since.data
    until = None if form.until.errors else form.until.data
    keep = {
        "course": scope.course_id,
        "assignment": scope.assignment_id,
        "bank": slug if bank_id else None,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    filters = overview_service.OverviewFilter(bank_id, since, until)
    return form, filters, {key: value for key, value in keep.items() if value is not None}


@bp.get("/")
def overview():
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    scope = _scope()
    form, filters, keep = _overview_filters(scope)
    # The summary covers the whole class; the table shows it a page at a time, as Moodle's
    # participants page does (the CSV export has every student).
    table = overview_service.overview_page(
        db.session, sort, descending, scope, filters,
        query_int(request.args, "page", 1), STUDENTS_PER_PAGE,
    )  # fmt: skip
    summary = table.summary
    calibration = readiness.class_calibration(db.session, scope.attempt_clauses(), key=scope)
    link = _overview_url(keep)
    return render_template(
        "classroom/overview.html",
        rows=table.rows,
        total=table.total,
        first=table.first,
        page=table.page,
        pages=table.pages,
        student_rows=overview_table.student_rows(table.rows, _students_folder()),
        overview_url=link,
        headings=overview_table.sort_headings(sort, descending, link),
        page_links=overview_table.page_links(table.page, table.pages, link, sort, descending),
        sort=sort,
        descending=descending,
        filters=form,
        keep=keep,
        summary=summary,
        histogram=_histogram(summary),
        calibration=calibration,
        calibration_chart=_calibration_chart(calibration),
    )


def _overview_url(keep: dict):
    """Links to the overview keeping its filters, with url_for called once (the page has a
    few dozen: sorting, pages, banks)."""
    path = url_for("classroom.overview")

    def link(**args) -> str:
        query = urlencode({**keep, **args})
        return f"{path}?{query}" if query else path

    return link


def _students_folder() -> str:
    """The folder of the students' pages (/class/students), with url_for called once: the
    table links to each student's page as folder/id."""
    return url_for("classroom.student", user_id=0).rsplit("/", 1)[0]


def _histogram(summary) -> Markup:
    labels = summary.bin_labels()
    pairs = zip(summary.histogram, labels, strict=True)
    counts = ", ".join(f"{n} at {label}" for n, label in pairs if n)
    description = (
        f"{summary.averaged} students' averages in ranges of ten points: {counts}."
        if summary.averaged
        else "No student has a finished attempt yet."
    )
    # Markup: the chart builder escapes every piece of text it puts in the SVG.
    return Markup(
        charts.histogram(
            "average-histogram", "Students by average score", summary.histogram, labels, description
        )
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
    view = results_view(quizzes.results(attempt), EVERYTHING)
    return render_template("quiz/results.html", view=view, viewer_is_staff=True)


@bp.get("/items")
def items():
    banks = bank_listing(db.session)
    slug = request.args.get("bank") or (banks[0].bank.slug if banks else None)
    scope = _scope()
    report = analysis.bank_analysis(db.session, slug, scope) if slug else None
    if slug and report is None:
        abort(404)
    form, keep = _filters(scope)
    return render_template(
        "classroom/items.html",
        banks=banks,
        report=report,
        slug=slug,
        filters=form,
        keep=keep,
        min_responses=current_app.config["ITEM_MIN_RESPONSES"],
    )


@bp.get("/questions/<int:question_id>")
def question(question_id: int):
    # Only the viewer's students' answers, narrowed to a class or assignment when asked.
    scope = _scope()
    report = analysis.question_report(db.session, question_id, scope)
    if report is None:
        abort(404)
    attempts = classes.attempt_ids(db.session, scope) if scope.assignment_id else None
    form, keep = _filters(scope)
    return render_template(
        "classroom/question.html",
        report=report,
        form=CsrfOnlyForm(),
        preview=QuestionPreview(report.versions[-1].data),
        responses=responses.response_report(db.session, question_id, scope.user_ids, attempts),
        verdict_form=ResponseVerdictForm(),
        filters=form,
        keep=keep,
        min_responses=current_app.config["ITEM_MIN_RESPONSES"],
    )


@bp.post("/questions/<int:question_id>/responses")
def response_verdict(question_id: int):
    """Accept (or reject) a response: a bank edit to preview and confirm, then a regrade."""
    if not analysis.question_exists(db.session, question_id):
        abort(404)
    form = ResponseVerdictForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        upload = responses.verdict_upload(
            db.session,
            current_user,
            question_id,
            form.part.data or "",
            form.response.data,
            form.verdict.data == "accept",
            current_app.config.get("QUESTIONS_DIR"),
        )
    except responses.VerdictError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".question", question_id=question_id) + "#responses")
    return redirect(url_for("authoring.preview", upload_id=upload.id))


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
    scope = _scope()
    _form, filters, _keep = _overview_filters(scope)
    return csv_download(overview_service.class_csv(db.session, scope, filters), "class-results.csv")
