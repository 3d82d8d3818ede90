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

from ..attempt_rules import CHECKS
from ..extensions import db
from ..ids import parse_id
from ..services import quizzes, review
from ..services.exam_secrecy import NOTHING_SEALED, sealed_for
from ..services.quizzes import Outcome
from ..services.quizzes.override import MESSAGES as OVERRIDE_MESSAGES
from ..services.quizzes.override import Override
from ..vocab import AttemptStatus, Mode
from ..web.forms import CsrfOnlyForm
from ..web.pages import signed_in
from ..web.questions import (
    exam_timer,
    iso_time,
    posted_values,
    question_view,
    saved_values,
)
from . import results, starting
from .attempts import abandoned, attempt_or_404
from .forms import StepForm

bp = Blueprint("quiz", __name__, url_prefix="/quiz")


@bp.before_request
@login_required
def require_login():
    """Every quiz page belongs to a logged-in student."""


@bp.get("/<int:attempt_id>")
def show(attempt_id: int):
    attempt = attempt_or_404(attempt_id)
    if abandoned(attempt):
        return redirect(url_for("progress.attempts"))
    if quizzes.is_over(attempt):
        return redirect(url_for(".results", attempt_id=attempt.id))
    resumed = {"resumed": 1} if request.args.get("resumed") == "1" else {}
    return redirect(
        url_for(".question", attempt_id=attempt.id, position=attempt.current, **resumed)
    )


def _render_question(
    attempt,
    position: int,
    posted: bool = False,
    status: int = 200,
    error: str | None = None,
    page=None,
):
    """The question page; `page` (quizzes.question_page) when the caller read it already;
    `error` (an empty check, an answer that cannot be read) is shown under the answer
    controls, where the student is looking."""
    page = page or quizzes.question_page(db.session, signed_in(), attempt.id, position)
    if page is None or page.item is None:
        abort(404)
    item = page.item
    values = posted_values(item, request.form.getlist) if posted else saved_values(item)
    practice = attempt.mode == Mode.PRACTICE
    user = signed_in()
    sealed = sealed_for(db.session, user) if practice else NOTHING_SEALED
    shown = review.shown(db.session, attempt)
    view = question_view(attempt, item, values, shown, sealed, page.answered, user.timezone)
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
        error=error,
    )
    return html, status


@bp.get("/<int:attempt_id>/q/<int:position>")
def question(attempt_id: int, position: int):
    page = quizzes.question_page(db.session, signed_in(), attempt_id, position)
    if page is None:
        abort(404)  # another user's attempt is indistinguishable from a missing one
    attempt = page.attempt
    if abandoned(attempt):
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
        attempt_or_404(attempt_id)
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
        posted = outcome is Outcome.INVALID
        return _render_question(
            result.attempt, position, posted=posted, status=422, error=result.message
        )
    if outcome is Outcome.PAUSED:
        flash(result.message, "warning")
        return _render_question(result.attempt, position, posted=True, status=409)
    if outcome is Outcome.STALE:
        flash(result.message, "warning")
        return _render_question(result.attempt, position, status=409)
    if outcome is Outcome.CLOSED:  # a practice question answered already
        flash(result.message, "info")
    if action == "summary":
        return redirect(url_for(".summary", attempt_id=attempt_id))
    target = result.attempt.current if action not in CHECKS else position
    return redirect(url_for(".question", attempt_id=attempt_id, position=target))


@bp.post("/<int:attempt_id>/autosave")
def autosave(attempt_id: int):
    """Exam pages save as the student types; answers a JSON status, never a page."""
    step = _step()
    position = parse_id(request.form.get("position"))
    if step is None or position is None:
        attempt_or_404(attempt_id)
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


@bp.get("/<int:attempt_id>/summary")
def summary(attempt_id: int):
    """Before an exam is submitted: which questions are answered and which are not (Moodle's
    summary of attempt), with the way back to each and the final submit."""
    attempt = attempt_or_404(attempt_id)
    if abandoned(attempt):
        return redirect(url_for("progress.attempts"))
    if quizzes.time_ran_out(attempt):
        flash("Time ran out: your attempt was submitted with the answers saved in time.", "info")
    if quizzes.is_over(attempt):
        return redirect(url_for(".results", attempt_id=attempt.id))
    return render_template(
        "quiz/summary.html",
        attempt=attempt,
        answered=[item.response is not None for item in attempt.items],
        timer=exam_timer(attempt, current_user.timezone),
        deadline_iso=iso_time(attempt.deadline),
        form=StepForm(),
    )


@bp.post("/<int:attempt_id>/submit")
def submit(attempt_id: int):
    attempt = attempt_or_404(attempt_id)
    form = StepForm()
    if not form.validate_on_submit() and not attempt.finished:
        flash("This page was out of date; here is the latest version.", "warning")
        return redirect(url_for(".show", attempt_id=attempt.id))
    quizzes.submit(db.session, attempt)
    return redirect(url_for(".results", attempt_id=attempt.id))


starting.register(bp)
results.register(bp)
