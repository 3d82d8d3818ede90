"""Commands about students' study and practice: fit everyone's FSRS parameters in batch, and
close practice attempts left unfinished (for cron)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db
from .memory import MINIMUM_REVIEWS
from .services import quizzes, study
from .services.accounts import normalise_username
from .services.study import StudyError


@click.group("study")
def study_group() -> None:
    """Personal FSRS parameters."""


@study_group.command("optimise")
@click.option("--user", "username", help="Only this user (default: everyone who has reviews).")
@with_appcontext
def optimise_command(username: str | None) -> None:
    """Fit FSRS to each student's reviews; keep new parameters only where they predict better."""
    name = normalise_username(username) if username else None
    users = study.users_with_reviews(db.session, name)
    if name and not users:
        raise click.ClickException(f"no user '{name}'")
    lines = []
    with click.progressbar(users, label="Optimising", item_show_func=_name) as bar:
        for user in bar:
            lines.append(f"{user.username}: {_optimise(user)}")
    for line in lines:
        click.echo(line)


def _name(user) -> str | None:
    return user.username if user is not None else None


def _optimise(user) -> str:
    try:
        run, created = study.start_run(db.session, user)
    except StudyError:
        usable = study.usable_reviews(db.session, user)
        return f"skipped ({usable} of the {MINIMUM_REVIEWS} reviews needed)"
    if not created:
        return "skipped (a run started from the web page is under way)"
    run = study.run_optimiser(db.session, run.id)
    result = run.result
    if run.status != "done":
        return f"failed: {result.get('message', '')}"
    if result["kept"]:
        return f"kept new parameters; {result['sentence']} ({result['rescheduled']} cards)"
    return "kept the current parameters (the fit did not predict better)"


@click.group("quizzes")
def quizzes_group() -> None:
    """Quiz attempts."""


@quizzes_group.command("close-abandoned")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Idle for this many days (default: QUIZAPP_ABANDON_PRACTICE_DAYS, 7).",
)
@with_appcontext
def close_abandoned_command(days: int | None) -> None:
    """Close unfinished practice attempts idle for too long as abandoned (out of the scores)."""
    idle = timedelta(days=days or current_app.config["ABANDON_PRACTICE_DAYS"])
    closed = quizzes.close_abandoned(db.session, idle)
    click.echo(f"closed {closed} abandoned practice attempt(s)")
