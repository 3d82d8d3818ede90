"""Study settings pages: retention, limits, time zone and steps; each deck's own limits."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..services import study
from ..services.study import SettingsChange, StudyError
from .forms import DeckLimitsForm, SettingsForm


def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        change = SettingsChange(
            desired_retention=float(form.desired_retention.data),
            new_per_day=form.new_per_day.data,
            reviews_per_day=form.reviews_per_day.data,
            timezone=form.timezone.data,
            learning_steps=form.learning_steps.data,
        )
        try:
            changed = study.update_settings(db.session, current_user, change)
        except StudyError as exc:
            form.desired_retention.errors = [str(exc)]
        else:
            note = f" {changed} card(s) rescheduled." if changed else ""
            flash("Settings saved." + note, "success")
            return redirect(url_for(".index"))
    return render_template("study/settings.html", form=form), 422 if form.errors else 200


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
