"""Cram pages: Know / Still learning over a deck (or a quiz's missed questions), round after
round, in place with study/cram.js and as plain forms and links without it. Registered on the
study blueprint by views.py."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..cram_rules import MarkOutcome
from ..extensions import db
from ..ids import parse_id
from ..markdown import render_markdown
from ..services import study
from ..services.exam_secrecy import PAUSED, sealed_for
from ..services.study import StudyError
from ..web.forms import CsrfOnlyForm
from ..web.pages import wants_json

MESSAGES = {
    MarkOutcome.REPEAT: "That card was marked already; its first mark is kept.",
    MarkOutcome.STALE: "This page was out of date; here is where your cram stands.",
}


def _deck(deck: str) -> str | None:
    return None if deck == "all" else deck


def cram_start(deck: str):
    """A deck's cram: carry on the unfinished session of this deck, or offer to start one."""
    slug = _deck(deck)
    title = study.deck_title(db.session, slug)
    if title is None:
        abort(404)
    unfinished = study.open_cram(db.session, current_user, slug)
    if unfinished is not None:
        return redirect(url_for(".cram_session", cram_id=unfinished.id))
    return render_template("study/cram_start.html", deck=deck, title=title, form=CsrfOnlyForm())


def cram_new(deck: str):
    """Start cramming a deck (POST): the unfinished session of the deck carries on unless the
    student asks for a fresh one."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    slug = _deck(deck)
    if study.deck_title(db.session, slug) is None:
        abort(404)
    unfinished = study.open_cram(db.session, current_user, slug)
    if unfinished is not None and request.form.get("fresh") != "1":
        return redirect(url_for(".cram_session", cram_id=unfinished.id))
    sealed = sealed_for(db.session, current_user)
    try:
        cram = study.start_cram(db.session, current_user, slug, sealed)
    except StudyError as exc:
        flash(str(exc), "info")
        return redirect(url_for(".index"))
    return redirect(url_for(".cram_session", cram_id=cram.id))


def cram_missed(attempt_id: int):
    """ "Study these as flashcards": cram the cards of the questions a quiz missed."""
    if not CsrfOnlyForm().validate_on_submit():
        abort(400)
    sealed = sealed_for(db.session, current_user)
    try:
        cram = study.start_missed_cram(db.session, current_user, attempt_id, sealed)
    except StudyError as exc:
        flash(str(exc), "info")
        return redirect(url_for("quiz.results", attempt_id=attempt_id))
    if cram is None:
        abort(404)
    return redirect(url_for(".cram_session", cram_id=cram.id))


def _payload(view: study.CramView, message: str | None = None) -> dict:
    cram = view.cram
    card = view.card
    result = view.result
    return {
        "ok": message is None,
        "message": message,
        "cram": {
            "id": cram.id,
            "round": cram.round,
            "at": view.at,
            "done": view.done,
            "total": view.total,
            "score": list(view.score),
        },
        "card": None
        if card is None
        else {
            "id": card.id,
            "front": render_markdown(card.front),
            "back": render_markdown(card.back),
            "cue": view.cue,
            "bank": card.bank.title,
        },
        "result": None
        if result is None
        else {
            "round": result.round,
            "known": result.known,
            "learning": len(result.learning),
            "marked": result.marked,
            "finished": view.finished,
        },
    }


def _show(cram, message: str | None = None, status: int = 200):
    sealed = sealed_for(db.session, current_user)
    view = study.cram_view(db.session, cram, sealed)
    if wants_json():
        return jsonify(_payload(view, message)), status
    if message:
        flash(message, "info")
    if request.method == "POST":
        return redirect(url_for(".cram_session", cram_id=cram.id))
    return render_template(
        "study/cram.html",
        view=view,
        reveal=request.args.get("reveal") == "1",
        form=CsrfOnlyForm(),
        sealed=sealed,
        paused=PAUSED,
        deck=cram.bank.slug if cram.bank else "all",
    )


def cram_session(cram_id: int):
    cram = study.cram_of(db.session, current_user, cram_id)
    if cram is None:
        abort(404)
    return _show(cram)


def cram_mark(cram_id: int):
    """Know (known=1) or Still learning (known=0) for the card at place `at` of the round."""
    form = CsrfOnlyForm()
    at, card_id = parse_id(request.form.get("at")), parse_id(request.form.get("card_id"))
    known = request.form.get("known")
    if not form.validate_on_submit() or at is None or card_id is None or known not in ("0", "1"):
        cram = study.cram_of(db.session, current_user, cram_id)
        if cram is None:
            abort(404)
        return _show(cram, "That mark could not be read; try again.", 422)
    marked = study.mark_card(db.session, current_user, cram_id, at, card_id, known == "1")
    if marked is None:
        abort(404)
    outcome, cram = marked
    return _show(cram, MESSAGES.get(outcome), 409 if outcome is MarkOutcome.STALE else 200)


def cram_round(cram_id: int):
    """Go through the cards still being learnt again."""
    form = CsrfOnlyForm()
    round_ = parse_id(request.form.get("round"))
    if not form.validate_on_submit() or round_ is None:
        abort(400)
    cram = study.next_round(db.session, current_user, cram_id, round_)
    if cram is None:
        abort(404)
    return _show(cram)


def register(bp) -> None:
    bp.add_url_rule("/<deck>/cram", endpoint="cram", view_func=cram_start)
    bp.add_url_rule("/<deck>/cram", view_func=cram_new, methods=["POST"])
    bp.add_url_rule("/missed/<int:attempt_id>", view_func=cram_missed, methods=["POST"])
    bp.add_url_rule("/cram/<int:cram_id>", view_func=cram_session)
    bp.add_url_rule("/cram/<int:cram_id>/mark", view_func=cram_mark, methods=["POST"])
    bp.add_url_rule("/cram/<int:cram_id>/round", view_func=cram_round, methods=["POST"])
