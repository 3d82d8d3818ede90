"""Taking quizzes: start, answer question by question, submit, see results."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..ids import parse_id
from ..services import quizzes, review
from ..services.catalogue import bank_listing
from ..services.exam_secrecy import NOTHING_SEALED, sealed_for
from ..services.quizzes import Outcome, QuizError, QuizRequest
from ..services.quizzes.override import MESSAGES as OVERRIDE_MESSAGES
from ..services.quizzes.override import Override
from ..vocab import AttemptStatus, Mode
from ..web.forms import CsrfOnlyForm
from ..web.pages import practice_idle_time, signed_in
from ..web.questions import (
    posted_values,
    question_view,
    results_data,
    results_view,
    saved_values,
)
from .forms import RetryForm, StartQuizForm, StepForm

bp = Blueprint("quiz", __name__, url_prefix="/quiz")


@bp.before_request
@login_required
def require_login():
    """Every quiz page belongs to a logged-in student."""


def _attempt_or_404(attempt_id: int, versions: bool = False):
    # Another user's attempt is indistinguishable from a missing one.
    attempt = quizzes.attempt_for(db.session, signed_in(), attempt_id, versions)
    if attempt is None:
        abort(404)
    return attempt


ABANDONED = "This practice was left unfinished and closed as abandoned; it counts in no score."


def _abandoned(attempt) -> bool:
    if attempt.status != AttemptStatus.ABANDONED:
        return False
    flash(ABANDONED, "info")
    return True


def _begin(quiz_request: QuizRequest):
    """Start the quiz; practice resumes the unfinished attempt of the same selection."""
    if quiz_request.mode != Mode.PRACTICE:
        attempt = quizzes.start_quiz(db.session, current_user, quiz_request)
        return redirect(url_for(".show", attempt_id=attempt.id))
    attempt, resumed = quizzes.practise(
        db.session, current_user, quiz_request, practice_idle_time()
    )
    return redirect(url_for(".show", attempt_id=attempt.id, **({"resumed": 1} if resumed else {})))


def _start_form() -> StartQuizForm:
    form = StartQuizForm()
    form.banks.choices = [SelectChoice(b.bank.slug, b.bank.title) for b in bank_listing(db.session)]
    form.tags.choices = [SelectChoice(tag) for tag in quizzes.available_tags(db.session)]
    return form


@bp.route("/new", methods=["GET", "POST"])
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


@bp.post("/quick/<slug>")
def quick(slug: str):
    """One click from a bank: ten practice questions, or the unfinished practice of the same
    bank (CSRFProtect guards every POST)."""
    try:
        return _begin(QuizRequest(banks=[slug], count=10, mode=Mode.PRACTICE))
    except QuizError as exc:
        flash(str(exc), "error")
        return redirect(url_for("main.home"))


@bp.post("/retry")
def retry():
    form = RetryForm()
    if not form.validate_on_submit():
        flash("Choose between 1 and 100 questions.", "error")
        return redirect(url_for(".new"))
    try:
        attempt = quizzes.start_retry(db.session, current_user, form.count.data or 10)
    except QuizError as exc:
        flash(str(exc), "info")
        return redirect(url_for(".new"))
    return redirect(url_for(".show", attempt_id=attempt.id))


@bp.post("/<int:attempt_id>/discard")
def discard(attempt_id: int):
    """Close an unfinished practice on purpose (it counts in no score)."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    if quizzes.discard(db.session, current_user, attempt_id) is None:
        abort(404)
    flash("Practice discarded.", "info")
    return redirect(url_for("main.home"))


@bp.post("/<int:attempt_id>/fresh")
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
    return redirect(url_for(".show", attempt_id=attempt.id))


@bp.get("/<int:attempt_id>")
def show(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    if _abandoned(attempt):
        return redirect(url_for("progress.attempts"))
    if quizzes.is_over(attempt):
        return redirect(url_for(".results", attempt_id=attempt.id))
    resumed = {"resumed": 1} if request.args.get("resumed") == "1" else {}
    return redirect(
        url_for(".question", attempt_id=attempt.id, position=attempt.current, **resumed)
    )


def _render_question(attempt, position: int, posted: bool = False, status: int = 200, page=None):
    """The question page; `page` (quizzes.question_page) when the caller read it already."""
    page = page or quizzes.question_page(db.session, signed_in(), attempt.id, position)
    if page is None or page.item is None:
        abort(404)
    item = page.item
    values = posted_values(item, request.form.getlist) if posted else saved_values(item)
    practice = attempt.mode == Mode.PRACTICE
    sealed = sealed_for(db.session, signed_in()) if practice else NOTHING_SEALED
    shown = review.shown(db.session, attempt)
    view = question_view(attempt, item, values, shown, sealed, page.answered)
    resumed = request.args.get("resumed") == "1" and practice
    # The page's forms only carry the CSRF token (the same one): one form object renders it.
    token_form = CsrfOnlyForm()
    html = render_template(
        "quiz/question.html",
        view=view,
        form=token_form,
        override_form=token_form,
        resumed=attempt if resumed else None,
        action_form=token_form,
    )
    return html, status


@bp.get("/<int:attempt_id>/q/<int:position>")
def question(attempt_id: int, position: int):
    page = quizzes.question_page(db.session, signed_in(), attempt_id, position)
    if page is None:
        abort(404)  # another user's attempt is indistinguishable from a missing one
    attempt = page.attempt
    if _abandoned(attempt):
        return redirect(url_for("progress.attempts"))
    if quizzes.time_ran_out(attempt):
        flash("Time ran out: your attempt was submitted with the answers saved in time.", "info")
    if quizzes.is_over(attempt):
        return redirect(url_for(".results", attempt_id=attempt.id))
    if not 0 <= position < len(page.answered):
        abort(404)
    return _render_question(attempt, position, page=page)


def _step() -> int | None:
    form = StepForm()
    return parse_id(form.step.data) if form.validate_on_submit() else None


@bp.post("/<int:attempt_id>/q/<int:position>")
def answer(attempt_id: int, position: int):
    step = _step()
    action = request.form.get("action", "save")
    if step is None:
        _attempt_or_404(attempt_id)
        flash("This page was out of date; here is the latest version.", "warning")
        return redirect(url_for(".show", attempt_id=attempt_id))
    result = quizzes.record_answer(
        db.session, signed_in(), attempt_id, position, step, request.form.getlist, action
    )
    outcome = result.outcome
    if outcome is Outcome.MISSING:
        abort(404)
    if result.attempt.status == AttemptStatus.ABANDONED:
        return redirect(url_for(".show", attempt_id=attempt_id))
    if outcome in (Outcome.EXPIRED, Outcome.CLOSED) and result.attempt.finished:
        flash(result.message, "info")
        return redirect(url_for(".results", attempt_id=attempt_id))
    if outcome is Outcome.SUBMITTED:
        return redirect(url_for(".results", attempt_id=attempt_id))
    if outcome in (Outcome.INVALID, Outcome.EMPTY):
        flash(result.message, "error")
        posted = outcome is Outcome.INVALID
        return _render_question(result.attempt, position, posted=posted, status=422)
    if outcome is Outcome.PAUSED:
        flash(result.message, "warning")
        return _render_question(result.attempt, position, posted=True, status=409)
    if outcome is Outcome.STALE:
        flash(result.message, "warning")
        return _render_question(result.attempt, position, status=409)
    if outcome is Outcome.CLOSED:  # a practice question answered already
        flash(result.message, "info")
    target = result.attempt.current if action != "check" else position
    return redirect(url_for(".question", attempt_id=attempt_id, position=target))


@bp.post("/<int:attempt_id>/autosave")
def autosave(attempt_id: int):
    """Exam pages save as the student types; answers a JSON status, never a page."""
    step = _step()
    position = parse_id(request.form.get("position"))
    if step is None or position is None:
        _attempt_or_404(attempt_id)
        return jsonify(ok=False, message="This page is out of date; reload it."), 409
    result = quizzes.record_answer(
        db.session, signed_in(), attempt_id, position, step, request.form.getlist
    )
    if result.outcome is Outcome.MISSING:
        abort(404)
    if result.outcome in (Outcome.SAVED, Outcome.REPEAT):
        return jsonify(ok=True, step=result.attempt.step)
    if result.attempt is not None and result.attempt.finished:
        results = url_for(".results", attempt_id=attempt_id)
        return jsonify(ok=False, closed=True, message=result.message, results=results), 409
    status = 422 if result.outcome is Outcome.INVALID else 409
    return jsonify(ok=False, message=result.message), status


@bp.post("/<int:attempt_id>/q/<int:position>/override")
def override(attempt_id: int, position: int):
    """ "I was right": the student overrules a rejected answer (practice only)."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    outcome, finished = quizzes.override(db.session, current_user, attempt_id, position)
    if outcome is Override.MISSING:
        abort(404)
    if outcome is Override.REFUSED:
        abort(403)  # never in an exam
    flash(OVERRIDE_MESSAGES[outcome], "success" if outcome is Override.RECORDED else "info")
    if finished:
        return redirect(url_for(".results", attempt_id=attempt_id) + f"#result-{position}")
    return redirect(url_for(".question", attempt_id=attempt_id, position=position))


@bp.post("/<int:attempt_id>/submit")
def submit(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    form = StepForm()
    if not form.validate_on_submit() and not attempt.finished:
        flash("This page was out of date; here is the latest version.", "warning")
        return redirect(url_for(".show", attempt_id=attempt.id))
    quizzes.submit(db.session, attempt)
    return redirect(url_for(".results", attempt_id=attempt.id))


def _results_view(attempt_id: int):
    """The review of the student's own finished attempt, as the review options allow now."""
    attempt = _attempt_or_404(attempt_id, versions=True)
    if _abandoned(attempt):
        return redirect(url_for("progress.attempts"))
    results = quizzes.results(attempt)
    if results is None:
        return attempt, None
    sealed = sealed_for(db.session, current_user)
    return attempt, results_view(results, review.shown(db.session, attempt), sealed)


@bp.get("/<int:attempt_id>/results")
def results(attempt_id: int):
    attempt, view = _results_view(attempt_id)
    if view is None:
        flash("Submit the attempt to see its results.", "info")
        return redirect(url_for(".show", attempt_id=attempt.id))
    return render_template("quiz/results.html", view=view, override_form=CsrfOnlyForm())


@bp.get("/<int:attempt_id>/results.json")
def results_json(attempt_id: int):
    """The same review as JSON (409 while the attempt runs)."""
    _, view = _results_view(attempt_id)
    if view is None:
        return jsonify(ok=False, message="Submit the attempt to see its results."), 409
    return jsonify(ok=True, **results_data(view))
