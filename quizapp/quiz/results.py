"""A finished attempt's results: the page (a grid of right and wrong, the questions, what to do
next) and the same review as JSON. Registered on the quiz blueprint by views.py."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..services import quizzes, review
from ..services.exam_secrecy import sealed_for
from ..web.forms import CsrfOnlyForm
from ..web.questions import results_data, results_view
from .attempts import abandoned, attempt_or_404

NOT_SUBMITTED = "Submit the attempt to see its results."


def _results_view(attempt):
    """The review of the student's own finished attempt, as the review options allow now;
    None while it runs."""
    outcome = quizzes.results(attempt)
    if outcome is None:
        return None
    sealed = sealed_for(db.session, current_user)
    return results_view(outcome, review.shown(db.session, attempt), sealed)


def results(attempt_id: int):
    attempt = attempt_or_404(attempt_id, versions=True)
    if abandoned(attempt):
        return redirect(url_for("progress.attempts"))
    view = _results_view(attempt)
    if view is None:
        flash(NOT_SUBMITTED, "info")
        return redirect(url_for(".show", attempt_id=attempt.id))
    hidden = review.hidden_attempt_ids(db.session, current_user)
    return render_template(
        "quiz/results.html",
        view=view,
        override_form=CsrfOnlyForm(),
        action_form=CsrfOnlyForm(),
        previous=quizzes.previous_try(db.session, current_user, attempt, hidden)
        if view.score is not None
        else None,
        wrong_only=request.args.get("show") == "wrong",
    )


def results_json(attempt_id: int):
    """The same review as JSON (409 while the attempt runs)."""
    attempt = attempt_or_404(attempt_id, versions=True)
    view = None if abandoned(attempt) else _results_view(attempt)
    if view is None:
        return jsonify(ok=False, message=NOT_SUBMITTED), 409
    return jsonify(ok=True, **results_data(view))


def register(bp) -> None:
    bp.add_url_rule("/<int:attempt_id>/results", view_func=results)
    bp.add_url_rule("/<int:attempt_id>/results.json", view_func=results_json)
