"""Teaching a class (instructors of the class and admins; anyone else gets 404): the class
itself, its join code, students and co-instructors, assignments, the gradebook and its CSV,
one student's attempts with their override, reopening an attempt, any attempt's review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..assignment_rules import EVERYTHING, local_input, local_to_utc
from ..extensions import db
from ..services import classes, quizzes
from ..services.catalogue import bank_listing
from ..services.classes import ClassError, CourseDetails
from ..vocab import CourseRole
from ..web.forms import CsrfOnlyForm
from ..web.pages import csv_download
from ..web.questions import results_view
from .forms import CourseForm, GoalForm, InstructorForm, OverrideForm, QuizAssignmentForm
from .views import LABELS, assignment_or_404, bp


def teach_or_404(course_id: int):
    course = classes.teaching(db.session, current_user, course_id)
    if course is None:
        abort(404)
    return course


def _posted() -> None:
    """A button's POST carries only the CSRF token (CSRFProtect has checked it already)."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)


def _details(form: CourseForm) -> CourseDetails:
    return CourseDetails(form.name.data or "", form.term.data or "", form.timezone.data)


@bp.route("/new", methods=["GET", "POST"])
def new_course():
    if not current_user.is_staff:
        abort(403)
    form = CourseForm()
    if request.method == "GET":
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        try:
            course = classes.create_course(db.session, current_user, _details(form))
        except ClassError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            flash(f"Class created. Give your students the code {course.join_code}.", "success")
            return redirect(url_for(".teach", course_id=course.id))
    status = 422 if form.errors else 200
    return render_template("classes/course_form.html", form=form, course=None), status


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
def edit_course(course_id: int):
    course = teach_or_404(course_id)
    form = CourseForm(obj=course if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            classes.update_course(db.session, course.id, _details(form))
        except ClassError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            flash("Class saved.", "success")
            return redirect(url_for(".teach", course_id=course.id))
    status = 422 if form.errors else 200
    return render_template("classes/course_form.html", form=form, course=course), status


@bp.get("/<int:course_id>/teach")
def teach(course_id: int):
    course = teach_or_404(course_id)
    return render_template(
        "classes/teach.html",
        course=course,
        book=classes.gradebook(db.session, course),
        instructors=classes.members(db.session, course.id, CourseRole.INSTRUCTOR),
        join_url=url_for(".join_link", code=course.join_code, _external=True),
        form=CsrfOnlyForm(),
        instructor_form=InstructorForm(),
    )


@bp.post("/<int:course_id>/code")
def regenerate_code(course_id: int):
    course = teach_or_404(course_id)
    _posted()
    code = classes.regenerate_code(db.session, course.id)
    flash(f"New join code: {code}. The old code and link no longer work.", "success")
    return redirect(url_for(".teach", course_id=course.id))


@bp.post("/<int:course_id>/archive")
def archive(course_id: int):
    course = teach_or_404(course_id)
    _posted()
    archived = not course.archived
    classes.set_archived(db.session, course.id, archived)
    flash("Class archived: nobody can join or start an attempt." if archived else "Class restored.")
    return redirect(url_for(".teach", course_id=course.id))


@bp.post("/<int:course_id>/students/<int:user_id>/remove")
def remove_student(course_id: int, user_id: int):
    course = teach_or_404(course_id)
    _posted()
    student = classes.student_in(db.session, course.id, user_id)
    if student is None:
        abort(404)
    classes.remove_student(db.session, course.id, student.id)
    flash(f"{student.username} is no longer in this class.", "info")
    return redirect(url_for(".teach", course_id=course.id))


@bp.post("/<int:course_id>/instructors")
def add_instructor(course_id: int):
    course = teach_or_404(course_id)
    form = InstructorForm()
    if not form.validate_on_submit():
        flash("Give an instructor's username.", "error")
    else:
        try:
            user = classes.add_instructor(db.session, course.id, form.username.data)
        except ClassError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.username} now teaches this class too.", "success")
    return redirect(url_for(".teach", course_id=course.id))


def _quiz_form(course, assignment=None) -> QuizAssignmentForm:
    form = QuizAssignmentForm()
    form.banks.choices = [SelectChoice(b.bank.slug, b.bank.title) for b in bank_listing(db.session)]
    form.questions.choices = [
        SelectChoice(qid, label, optgroup=bank)
        for bank, qid, label in classes.question_choices(db.session)
    ]
    if request.method == "GET" and assignment is not None:
        form.fill(assignment, course.timezone)
    return form


def _goal_form(course, assignment=None) -> GoalForm:
    form = GoalForm()
    form.deck.choices = [SelectChoice(b.bank.slug, b.bank.title) for b in bank_listing(db.session)]
    if request.method == "GET" and assignment is not None:
        form.fill(assignment, course.timezone)
    return form


def _save_assignment(course, quiz: bool, assignment=None):
    """The quiz or goal form: render it, or save it and go to the assignment."""
    form = _quiz_form(course, assignment) if quiz else _goal_form(course, assignment)
    if form.validate_on_submit():
        existing = assignment.id if assignment is not None else None
        try:
            save = classes.save_quiz if quiz else classes.save_goal
            saved = save(db.session, course.id, form.settings(course.timezone), existing)
        except ClassError as exc:
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            flash("Assignment saved.", "success")
            return redirect(
                url_for(".teach_assignment", course_id=course.id, assignment_id=saved.id)
            )
    template = "classes/quiz_form.html" if quiz else "classes/goal_form.html"
    status = 422 if form.errors else 200
    return render_template(template, form=form, course=course, assignment=assignment), status


@bp.route("/<int:course_id>/assignments/new", methods=["GET", "POST"])
def new_quiz(course_id: int):
    return _save_assignment(teach_or_404(course_id), quiz=True)


@bp.route("/<int:course_id>/goals/new", methods=["GET", "POST"])
def new_goal(course_id: int):
    return _save_assignment(teach_or_404(course_id), quiz=False)


@bp.route("/<int:course_id>/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
def edit_assignment(course_id: int, assignment_id: int):
    course = teach_or_404(course_id)
    assignment = assignment_or_404(course.id, assignment_id)
    return _save_assignment(course, assignment.is_quiz, assignment)


@bp.get("/<int:course_id>/assignments/<int:assignment_id>/teach")
def teach_assignment(course_id: int, assignment_id: int):
    course = teach_or_404(course_id)
    assignment = assignment_or_404(course.id, assignment_id)
    book = classes.gradebook(db.session, course)
    return render_template(
        "classes/teach_assignment.html",
        course=course,
        assignment=assignment,
        book=book,
        labels=LABELS,
    )


@bp.get("/<int:course_id>/gradebook")
def gradebook(course_id: int):
    course = teach_or_404(course_id)
    return render_template(
        "classes/gradebook.html", course=course, book=classes.gradebook(db.session, course)
    )


@bp.get("/<int:course_id>/gradebook.csv")
def gradebook_csv(course_id: int):
    course = teach_or_404(course_id)
    text = classes.gradebook_csv(classes.gradebook(db.session, course))
    return csv_download(text, f"class-{course.id}-gradebook.csv")


def _assignment_url(assignment) -> str:
    return url_for(".teach_assignment", course_id=assignment.course_id, assignment_id=assignment.id)


def _student_url(assignment, user_id: int) -> str:
    return url_for(
        ".student_assignment",
        course_id=assignment.course_id,
        assignment_id=assignment.id,
        user_id=user_id,
    )


def _student_assignment(course_id: int, assignment_id: int, user_id: int):
    course = teach_or_404(course_id)
    assignment = assignment_or_404(course.id, assignment_id)
    student = classes.student_in(db.session, course.id, user_id)
    if student is None:
        abort(404)
    return course, assignment, student


@bp.get("/<int:course_id>/assignments/<int:assignment_id>/students/<int:user_id>")
def student_assignment(course_id: int, assignment_id: int, user_id: int):
    """One student on one assignment: their attempts (each reviewable, each reopenable) and
    their override."""
    course, assignment, student = _student_assignment(course_id, assignment_id, user_id)
    mark = classes.marks(db.session, [assignment], [student.id])[student.id, assignment.id]
    override = classes.override_of(db.session, assignment.id, student.id)
    form = OverrideForm()
    if override is not None:
        form.closes_at.data = local_input(override.closes_at, course.timezone)
        form.extra_minutes.data = override.extra_minutes
        form.extra_attempts.data = override.extra_attempts
    return render_template(
        "classes/student_assignment.html",
        course=course,
        assignment=assignment,
        student=student,
        mark=mark,
        override=override,
        form=form,
        button=CsrfOnlyForm(),
    )


@bp.post("/<int:course_id>/assignments/<int:assignment_id>/students/<int:user_id>/override")
def save_override(course_id: int, assignment_id: int, user_id: int):
    course, assignment, student = _student_assignment(course_id, assignment_id, user_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            classes.save_override(
                db.session,
                assignment,
                student.id,
                local_to_utc(form.closes_at.data, course.timezone),
                form.extra_minutes.data,
                form.extra_attempts.data,
            )
        except ClassError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Override saved for {student.username}.", "success")
    else:
        errors = [error for field in form for error in field.errors]
        flash(" ".join(errors) or "The override could not be read.", "error")
    return redirect(_student_url(assignment, student.id))


@bp.post("/<int:course_id>/assignments/<int:assignment_id>/students/<int:user_id>/override/delete")
def delete_override(course_id: int, assignment_id: int, user_id: int):
    course, assignment, student = _student_assignment(course_id, assignment_id, user_id)
    _posted()
    if classes.delete_override(db.session, assignment, student.id):
        flash(f"{student.username} follows the assignment's own settings again.", "info")
    return redirect(_student_url(assignment, student.id))


def _attempt_or_404(course_id: int, attempt_id: int):
    course = teach_or_404(course_id)
    attempt = classes.attempt_in(db.session, course.id, attempt_id)
    if attempt is None:
        abort(404)
    return course, attempt


@bp.post("/<int:course_id>/attempts/<int:attempt_id>/reopen")
def reopen(course_id: int, attempt_id: int):
    course, attempt = _attempt_or_404(course_id, attempt_id)
    _posted()
    try:
        classes.reopen(db.session, attempt.id)
    except ClassError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Attempt reopened: {attempt.user.username} can change their answers.", "success")
    return redirect(_student_url(attempt.assignment, attempt.user_id))


@bp.get("/<int:course_id>/attempts/<int:attempt_id>")
def attempt(course_id: int, attempt_id: int):
    """Any attempt of the class, reviewed in full (staff see everything)."""
    course, attempt = _attempt_or_404(course_id, attempt_id)
    results = quizzes.results(attempt)
    back = _student_url(attempt.assignment, attempt.user_id)
    if results is None:
        flash(f"{attempt.user.username} has not finished this attempt yet.", "info")
        return redirect(back)
    return render_template(
        "quiz/results.html",
        view=results_view(results, EVERYTHING),
        viewer_is_staff=True,
        back_url=back,
        back_label=f"Back to {attempt.user.username}'s attempts",
    )
