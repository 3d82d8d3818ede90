"""Starting quizzes: the form, one click from a bank (practice or a timed exam), retrying
mistakes (all, a bank's, or the ones a quiz missed), discarding or restarting a practice.
Registered on the quiz blueprint by views.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..services import quizzes
from ..services.catalogue import bank_listing
from ..services.quizzes import QuizError, QuizRequest
from ..services.readiness import QUIZ_SIZE
from ..vocab import Mode
from ..web.forms import CsrfOnlyForm
from ..web.pages import practice_idle_time
from .forms import RetryForm, StartQuizForm


def _opened(attempt, resumed: bool = False):
    return redirect(url_for(".show", attempt_id=attempt.id, **({"resumed": 1} if resumed else {})))


def _begin(quiz_request: QuizRequest):
    """Start the quiz; practice resumes the unfinished attempt of the same selection."""
    if quiz_request.mode != Mode.PRACTICE:
        return _opened(quizzes.start_quiz(db.session, current_user, quiz_request))
    return _opened(*quizzes.practise(db.session, current_user, quiz_request, practice_idle_time()))


def _start_form() -> StartQuizForm:
    form = StartQuizForm()
    form.banks.choices = [SelectChoice(b.bank.slug, b.bank.title) for b in bank_listing(db.session)]
    form.tags.choices = [SelectChoice(tag) for tag in quizzes.available_tags(db.session)]
    return form


def new():
    form = _start_form()
    if request.method == "GET" and request.args.get("bank"):
        form.banks.data = [request.args["bank"]]
    if form.validate_on_submit():
        quiz_request = QuizRequest(
            banks=form.banks.data or [],
            tags=form.tags.data or [],
            count=form.count.data,
            mode=form.mode.data,
            time_limit_minutes=form.time_limit.data if form.mode.data == Mode.EXAM else None,
        )
        try:
            return _begin(quiz_request)
        except QuizError as exc:
            form.banks.errors = [*form.banks.errors, str(exc)]
    status = 422 if form.errors else 200
    return render_template("quiz/new.html", form=form, retry=RetryForm()), status


def quick(slug: str):
    """One click from a bank: ten practice questions, or the unfinished practice of the same
    bank (CSRFProtect guards every POST)."""
    try:
        return _begin(QuizRequest(banks=[slug], count=QUIZ_SIZE, mode=Mode.PRACTICE))
    except QuizError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.home"))


def quick_exam(slug: str):
    """One click from a bank: a timed exam of ten questions, a minute each."""
    exam = QuizRequest(
        banks=[slug], count=QUIZ_SIZE, mode=Mode.EXAM, time_limit_minutes=quizzes.QUICK_EXAM_MINUTES
    )
    try:
        return _begin(exam)
    except QuizError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.bank", slug=slug))


def retry():
    """Retry my mistakes: the questions most recently got wrong (of one bank, if given), or
    the unfinished retry of the same banks, carried on."""
    form = RetryForm()
    bank = form.bank.data or None
    back = url_for("main.bank", slug=bank) if bank else url_for(".new")
    if not form.validate_on_submit():
        flash("Choose between 1 and 100 questions.", "error")
        return redirect(back)
    banks = [bank] if bank else []
    try:
        started = quizzes.retry_mistakes(
            db.session, current_user, form.count.data or 10, practice_idle_time(), banks=banks
        )
    except QuizError as exc:
        flash(str(exc), "info")
        return redirect(back)
    return _opened(*started)


def retry_missed(attempt_id: int):
    """ "Retry the N I missed": a practice of the questions this attempt missed."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        started = quizzes.retry_missed(db.session, current_user, attempt_id, practice_idle_time())
    except QuizError as exc:
        flash(str(exc), "info")
        return redirect(url_for(".results", attempt_id=attempt_id))
    if started is None:
        abort(404)
    return _opened(*started)


def discard(attempt_id: int):
    """Close an unfinished practice on purpose (it counts in no score)."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    if quizzes.discard(db.session, current_user, attempt_id) is None:
        abort(404)
    flash("Practice discarded.", "info")
    return redirect(url_for("main.home"))


def fresh(attempt_id: int):
    """Discard an unfinished practice and start a new one of the same selection."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        attempt = quizzes.start_fresh(db.session, current_user, attempt_id)
    except QuizError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.home"))
    if attempt is None:
        abort(404)
    return _opened(attempt)


def register(bp) -> None:
    bp.add_url_rule("/new", view_func=new, methods=["GET", "POST"])
    bp.add_url_rule("/quick/<slug>", view_func=quick, methods=["POST"])
    bp.add_url_rule("/quick/<slug>/exam", view_func=quick_exam, methods=["POST"])
    bp.add_url_rule("/retry", view_func=retry, methods=["POST"])
    bp.add_url_rule("/<int:attempt_id>/retry", view_func=retry_missed, methods=["POST"])
    bp.add_url_rule("/<int:attempt_id>/discard", view_func=discard, methods=["POST"])
    bp.add_url_rule("/<int:attempt_id>/fresh", view_func=fresh, methods=["POST"])
