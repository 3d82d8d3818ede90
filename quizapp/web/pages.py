"""Pages and responses several blueprints serve: a student's dashboard and attempts (to the
student and to staff), CSV downloads, and the staff-only guard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..attempt_rules import time_is_up
from ..extensions import db
from ..ids import query_int
from ..models import utcnow
from ..services import progress, quizzes, review
from ..services.catalogue import bank_listing
from ..services.readiness import QUIZ_SIZE
from .dashboard import (
    Actions,
    BankLinks,
    dashboard_charts,
    dashboard_tables,
    mastery_rows,
    readiness_rows,
)
from .forms import AttemptFilterForm, csrf_field

PER_PAGE = 20


def practice_idle_time() -> timedelta:
    """How long an unfinished practice may sit untouched before it is abandoned."""
    return timedelta(days=current_app.config["ABANDON_PRACTICE_DAYS"])


def signed_in():
    """The logged-in user's row itself, for services: each attribute read through Flask-Login's
    proxy looks the user up again, and a write keeps only this very object as it was read."""
    return current_user._get_current_object()


def wants_json() -> bool:
    """The page's script asked for JSON rather than a page."""
    return request.accept_mimetypes.best == "application/json"


def require_staff(blueprint) -> None:
    """Every page of `blueprint` is for instructors and admins (students get 403)."""

    @blueprint.before_request
    @login_required
    def staff_only():
        if not current_user.is_staff:
            abort(403)


def csv_download(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def hidden_from(user) -> set[int]:
    """A student's own attempts whose scores are not released yet (staff see everything)."""
    return review.hidden_attempt_ids(db.session, user) if user.id == current_user.id else set()


def slug_urls(endpoint: str, name: str) -> Callable[[str], str]:
    """`url_for(endpoint, name=slug)` for slug after slug with url_for called once (a route
    whose slug is its last part; bank slugs are [a-z0-9-], quote keeps it a path part anyway)."""
    folder = url_for(endpoint, **{name: "_"}).rsplit("/", 1)[0]
    return lambda slug: f"{folder}/{quote(slug, safe='')}"


def render_dashboard(user, template_args: dict | None = None):
    """A student's dashboard; to the student, each number also leads to its action."""
    own = user.id == current_user.id
    idle = practice_idle_time() if own else None
    board = progress.dashboard(db.session, user, hidden=hidden_from(user), idle=idle)
    actions = None
    if own:
        links = BankLinks(
            slug_urls("main.bank", "slug"),
            slug_urls("study.review", "deck"),
            slug_urls("quiz.quick", "slug"),
        )
        # One rendering of the CSRF field, not one per form.
        actions = Actions(links, csrf_field(), url_for("quiz.retry"), QUIZ_SIZE)
    tables = dashboard_tables(board)
    tables["mastery"] = mastery_rows(board.mastery, board.plan, actions)
    tables["readiness"] = readiness_rows(board.readiness)
    return render_template(
        "progress/dashboard.html",
        board=board,
        charts=dashboard_charts(board),
        tables=tables,
        quiz_size=QUIZ_SIZE,
        plan=board.plan,
        links=actions and actions.links,
        csrf_field=actions and actions.csrf_field,
        retry_url=actions and actions.retry_url,
        **(template_args or {}),
    )


def attempts_listing(user, endpoint: str, **endpoint_args):
    """The filtered, paginated attempts of `user` (the student's page and staff drill-down)."""
    form = AttemptFilterForm(request.args)
    form.bank.choices = [SelectChoice("", "Any")] + [
        SelectChoice(b.bank.slug, b.bank.title) for b in bank_listing(db.session)
    ]
    valid = form.validate()
    page = max(1, query_int(request.args, "page", 1))
    filters = (
        {
            "bank": form.bank.data or None,
            "mode": form.mode.data or None,
            "since": form.since.data,
            "until": form.until.data,
        }
        if valid
        else {}
    )
    show_abandoned = valid and form.show_abandoned.data
    idle = practice_idle_time()
    rows, total = progress.attempts_page(
        db.session,
        user,
        page=page,
        per_page=PER_PAGE,
        idle=None if show_abandoned else idle,
        **filters,
    )
    # Open practice idle too long is abandoned already (home no longer offers it), though
    # only the next practice start closes it: list it as such, with nothing to resume.
    stale = quizzes.idle_attempts(db.session, user, idle) if show_abandoned else set()
    pages = max(1, -(-total // PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return url_for(endpoint, page=number, **endpoint_args, **args)

    return render_template(
        "progress/attempts.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        page_url=page_url,
        subject=user,
        hidden=hidden_from(user),
        stale=stale,
        # An exam whose time ran out is submitted by its next write; until then it is over.
        time_up={a.id for a in rows if not a.finished and time_is_up(a.deadline, utcnow())},
    ), (200 if valid else 422)
