"""Study settings pages: retention, limits, time zone and steps; each deck's own limits;
personal FSRS parameters (optimise)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import charts
from ..extensions import db
from ..memory import Workload
from ..services import study
from ..services.study import SettingsChange, StudyError
from ..vocab import JobStatus
from ..web.forms import CsrfOnlyForm
from ..web.jobs import optimise_in_background
from ..web.pages import wants_json
from .forms import DeckLimitsForm, RetentionForm, SettingsForm


def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        change = SettingsChange(
            desired_retention=float(form.desired_retention.data),
            new_per_day=form.new_per_day.data,
            reviews_per_day=form.reviews_per_day.data,
            timezone=form.timezone.data,
            learning_steps=form.learning_steps.data,
            two_buttons=form.two_buttons.data,
        )
        try:
            changed = study.update_settings(db.session, current_user, change)
        except StudyError as exc:
            form.desired_retention.errors = [str(exc)]
        else:
            note = f" {changed} card(s) rescheduled." if changed else ""
            flash("Settings saved." + note, "success")
            return redirect(url_for(".index"))
    table = study.saved_workload(db.session, current_user)
    page = render_template(
        "study/settings.html",
        form=form,
        schedule=study.schedule_status(db.session, current_user),
        table=table,
        chart=workload_chart(table.workload) if table and table.current else None,
        action_form=CsrfOnlyForm(),
    )
    return page, 422 if form.errors else 200


def workload_chart(workload: Workload) -> Markup:
    rows = workload.rows
    suggested = [row.retention for row in rows].index(workload.suggested)
    first, last = rows[0], rows[-1]
    description = (
        f"From {first.retention:.0%} to {last.retention:.0%} desired retention, study time goes "
        f"from {first.minutes_per_day:.1f} to {last.minutes_per_day:.1f} minutes a day and the "
        f"cards remembered after a year from {first.remembered:.0f} to {last.remembered:.0f} of "
        f"{workload.deck_size}. The least time per remembered card is at "
        f"{workload.suggested:.0%}, marked with a dashed line."
    )
    # Markup: the chart builder escapes every piece of text it puts in the SVG.
    return Markup(
        charts.two_line_chart(
            "workload-chart",
            "Daily study time and cards remembered after a year, by desired retention",
            [f"{row.retention:.0%}" for row in rows],
            ("minutes a day", [row.minutes_per_day for row in rows]),
            ("cards remembered", [row.remembered for row in rows]),
            marked=suggested,
            description=description,
        )
    )


def workload():
    """Run the workload simulator on the student's deck and keep its table (about 0.5 s)."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        study.estimate_workload(db.session, current_user)
    except ValueError:
        flash("There are no cards to simulate: no bank is loaded.", "warning")
    return redirect(url_for(".settings", _anchor="workload"))


def retention():
    """Take a desired retention picked from the workload table (and replan with it)."""
    form = RetentionForm()
    if not form.validate_on_submit():
        flash("That retention could not be used: pick one from the table.", "warning")
        return redirect(url_for(".settings", _anchor="workload"))
    value = float(form.desired_retention.data)
    changed = study.set_desired_retention(db.session, current_user, value)
    flash(f"Desired retention set to {value:.2f}; {changed} card(s) rescheduled.", "success")
    return redirect(url_for(".settings", _anchor="workload"))


def limits():
    """Each deck's own daily limits, under the all-decks limits of the settings."""
    rows = study.deck_limit_rows(db.session, current_user)
    titles = {row.slug: row.title for row in rows}
    if request.method == "GET":
        form = DeckLimitsForm(
            data={
                "decks": [
                    {
                        "deck": r.slug,
                        "new_per_day": r.new_per_day,
                        "reviews_per_day": r.reviews_per_day,
                    }
                    for r in rows
                ]
            }
        )
    else:
        form = DeckLimitsForm()
    if form.validate_on_submit():
        wanted = {
            entry.deck.data: (entry.new_per_day.data, entry.reviews_per_day.data)
            for entry in form.decks
        }
        try:
            study.set_deck_limits(db.session, current_user, wanted)
        except StudyError as exc:
            flash(str(exc), "error")
        else:
            flash("Deck limits saved.", "success")
            return redirect(url_for(".index"))
    status = 422 if request.method == "POST" else 200  # a successful post redirected
    return render_template("study/limits.html", form=form, titles=titles), status


def optimise():
    """Start "Optimise my schedule" (or rejoin the run under way) and show its progress."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    try:
        run, created = study.start_run(db.session, current_user)
    except StudyError as exc:
        flash(str(exc), "warning")
        return redirect(url_for(".settings"))
    if created:
        optimise_in_background(run.id)
    return redirect(url_for(".optimise_run", run_id=run.id))


def optimise_run(run_id: int):
    """A run's progress (a page that refreshes itself, or JSON for the page's script)."""
    run = study.run_of(db.session, current_user, run_id)
    if run is None:
        abort(404)
    interrupted = study.interrupted(run)
    working = run.status in (JobStatus.QUEUED, JobStatus.RUNNING) and not interrupted
    if wants_json():
        return jsonify(working=working, done=run.done, total=run.total, status=run.status)
    return render_template("study/optimise.html", run=run, working=working, interrupted=interrupted)


def default_parameters():
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    changed = study.use_default_parameters(db.session, current_user)
    flash(
        f"Your schedule uses FSRS's default parameters again; {changed} card(s) rescheduled.",
        "success",
    )
    return redirect(url_for(".settings"))
