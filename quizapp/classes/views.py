"""Classes as students meet them: "My classes", joining with a code or a link, a class's page,
an assignment's page and starting it. The instructor's pages are in teaching.py, on the same
blueprint. A class the viewer neither teaches nor studies in answers 404, whatever the URL."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..assignment_rules import (
    GOAL_LABELS,
    GRADING_LABELS,
    PHASE_LABELS,
    REVIEW_ITEMS,
    local_label,
)
from ..extensions import db
from ..services import classes
from ..services.classes import ClassError, ResumeAttempt
from ..services.quizzes import QuizError
from ..web.forms import CsrfOnlyForm
from .forms import JoinForm

bp = Blueprint("classes", __name__, url_prefix="/classes")
# The words of the settings, for the pages that show them.
LABELS = {"phases": PHASE_LABELS, "items": REVIEW_ITEMS, "grading": GRADING_LABELS,
          "goals": GOAL_LABELS}  # fmt: skip


@bp.before_request
@login_required
def require_login():
    """Classes belong to logged-in members."""


@bp.app_template_filter("class_time")
def class_time(moment, timezone: str, empty: str = "—") -> str:
    """A stored (UTC) time as the class reads it, in its time zone."""
    return local_label(moment, timezone, empty)


def member_course_or_404(course_id: int):
    """(the class, whether the viewer teaches it), for a teacher or a student of it."""
    course = classes.teaching(db.session, current_user, course_id)
    if course is not None:
        return course, True
    course = classes.studying(db.session, current_user, course_id)
    if course is None:
        abort(404)
    return course, False


def assignment_or_404(course_id: int, assignment_id: int):
    assignment = classes.assignment_in(db.session, course_id, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@bp.get("/")
def index():
    """My classes: the ones I study in, with my marks, and (staff) the ones I teach."""
    taught = classes.taught_courses(db.session, current_user) if current_user.is_staff else []
    cards = classes.student_classes(db.session, current_user)
    return render_template("classes/index.html", cards=cards, taught=taught, form=JoinForm())


@bp.route("/join", methods=["GET", "POST"])
def join():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            course, joined = classes.join(db.session, current_user, form.code.data)
        except ClassError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            message = f"You joined {course.name}." if joined else f"You are in {course.name}."
            flash(message, "success" if joined else "info")
            return redirect(url_for(".course", course_id=course.id))
    status = 422 if form.errors else 200
    return render_template("classes/join.html", form=form), status


@bp.get("/join/<code>")
def join_link(code: str):
    """A join link: the class's name and one button (a GET never joins anyone)."""
    course = classes.course_by_code(db.session, code)
    if course is None:
        abort(404)
    form = JoinForm(data={"code": course.join_code})
    return render_template("classes/join_link.html", course=course, form=form)


@bp.get("/<int:course_id>")
def course(course_id: int):
    course, teaches = member_course_or_404(course_id)
    if teaches:
        return redirect(url_for(".teach", course_id=course.id))
    card = next(c for c in classes.student_classes(db.session, current_user) if c.course == course)
    return render_template("classes/course.html", card=card)


@bp.get("/<int:course_id>/assignments/<int:assignment_id>")
def assignment(course_id: int, assignment_id: int):
    course, teaches = member_course_or_404(course_id)
    assignment = assignment_or_404(course.id, assignment_id)
    if teaches:
        return redirect(
            url_for(".teach_assignment", course_id=course.id, assignment_id=assignment.id)
        )
    standing = classes.standing(db.session, current_user, assignment)
    return render_template(
        "classes/assignment.html",
        course=course,
        standing=standing,
        form=CsrfOnlyForm(),
        labels=LABELS,
    )


@bp.post("/<int:course_id>/assignments/<int:assignment_id>/start")
def start(course_id: int, assignment_id: int):
    """Start (or go back to) the assigned quiz, with its settings; the student sets none."""
    course, teaches = member_course_or_404(course_id)
    assignment = assignment_or_404(course.id, assignment_id)
    if teaches or not assignment.is_quiz:
        abort(404)
    back = url_for(".assignment", course_id=course.id, assignment_id=assignment.id)
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        attempt = classes.start_assignment(db.session, current_user, assignment)
    except ResumeAttempt as exc:
        return redirect(url_for("quiz.show", attempt_id=exc.attempt_id))
    except QuizError as exc:
        flash(str(exc), "error")
        return redirect(back)
    return redirect(url_for("quiz.show", attempt_id=attempt.id))
