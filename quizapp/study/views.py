"""Studying flashcards: decks, the keyboard-first reviewer, card info, cram, settings."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..extensions import db
from ..ids import parse_id, query_int
from ..markdown import render_bank_markdown
from ..scheduling import Rating, format_interval
from ..services import study
from ..services.exam_secrecy import PAUSED, sealed_for
from ..services.study import SealedCard, StaleCard, StudyError
from ..web.forms import CsrfOnlyForm
from ..web.pages import signed_in, wants_json
from . import cram as cram_pages
from . import settings as settings_pages
from .forms import GradeForm, UndoForm

bp = Blueprint("study", __name__, url_prefix="/study")
# The settings pages live in settings.py; their URLs come before "/<deck>" would take them.
bp.add_url_rule("/settings", view_func=settings_pages.settings, methods=["GET", "POST"])
bp.add_url_rule("/limits", view_func=settings_pages.limits, methods=["GET", "POST"])
bp.add_url_rule("/optimise", view_func=settings_pages.optimise, methods=["POST"])
bp.add_url_rule("/optimise/<int:run_id>", view_func=settings_pages.optimise_run)
bp.add_url_rule("/optimise/defaults", view_func=settings_pages.default_parameters, methods=["POST"])
bp.add_url_rule("/workload", view_func=settings_pages.workload, methods=["POST"])
bp.add_url_rule("/retention", view_func=settings_pages.retention, methods=["POST"])
cram_pages.register(bp)


class GradeButton(NamedTuple):
    rating: Rating
    value: int
    label: str
    css: str
    meaning: str = ""


# The reviewer's four grade buttons, made once rather than worked out from the enum per page.
GRADE_BUTTONS = tuple(
    GradeButton(rating, rating.value, rating.name.capitalize(), css)
    for rating, css in zip(
        Rating, ("btn-danger", "btn-secondary", "btn-success", "btn-primary"), strict=True
    )
)
# Two-button mode: Again and Good, keeping their ratings (and keys 1 and 3) so the schedule
# and the keyboard mean the same in both modes.
TWO_BUTTONS = (
    GRADE_BUTTONS[0]._replace(meaning="still learning"),
    GRADE_BUTTONS[2]._replace(meaning="know it"),
)


@bp.before_request
@login_required
def require_login():
    """Every study page is about the logged-in user's own cards."""


def _deck_or_404(deck: str) -> str | None:
    """ "all" means every deck; anything else must be an active bank."""
    if deck == "all":
        return None
    if _deck_title(deck) is None:
        abort(404)
    return deck


def _deck_title(deck: str | None) -> str | None:
    """The deck's title, looked up once per request."""
    titles = g.setdefault("deck_titles", {})
    if deck not in titles:
        titles[deck] = study.deck_title(db.session, deck)
    return titles[deck]


def card_payload(
    item: study.StudyCard | None,
    counts: study.Deck,
    sealed,
    deck: str,
    today: study.StudyDay,
) -> dict:
    """What the reviewer's script needs to show the next card (or, past the last, the
    session's summary) and today's progress in the deck (`today`: as the card was chosen)."""
    session = study.study_session(
        db.session, signed_in(), _deck_or_404(deck), counts.total, today.now, today
    )
    payload = {
        "counts": {"new": counts.new, "learning": counts.learning, "due": counts.due},
        "progress": {"done": session.reviews, "left": session.remaining},
    }
    if item is None:
        payload["summary"] = render_template("study/_summary.html", session=session, deck=deck)
    if sealed:
        payload["paused"] = PAUSED
    if item is not None:
        payload["card"] = {
            "id": item.card.id,
            "version": item.version,
            "front": render_bank_markdown(item.card.front),
            "back": render_bank_markdown(item.card.back),
            "bank": item.card.bank.title,
            "cue": item.cue,
            "intervals": {int(g): format_interval(t) for g, t in item.intervals.items()},
            "info": url_for(".card", card_id=item.card.id),
        }
    return payload


def _next_card(deck_slug: str | None, show: int | None = None):
    """The next card of the signed-in student, with the exam questions sealed from them and
    the study day it was chosen in (read once, shared with the session's summary)."""
    user = signed_in()
    today = study.read_study_day(db.session, user)
    sealed = sealed_for(db.session, user, today.now)
    item, counts = study.next_card(
        db.session,
        user,
        deck_slug,
        today.now,
        show=show,
        title=_deck_title(deck_slug),
        sealed=sealed,
        today=today,
    )
    return item, counts, sealed, today


@bp.get("/")
def index():
    decks = study.decks(db.session, current_user)
    # Once nothing is left today, when the next cards come (as Anki's deck overview says).
    later = None if decks[-1].total else study.next_due(db.session, current_user)
    return render_template("study/index.html", decks=decks, next_due=later, form=CsrfOnlyForm())


@bp.get("/<deck>")
def review(deck: str):
    deck_slug = _deck_or_404(deck)
    user = signed_in()
    item, counts, sealed, today = _next_card(deck_slug, query_int(request.args, "show"))
    if wants_json():
        return jsonify(card_payload(item, counts, sealed, deck, today))
    session = study.study_session(db.session, user, deck_slug, counts.total, today.now, today)
    return render_template(
        "study/review.html",
        deck=deck,
        counts=counts,
        item=item,
        reveal=request.args.get("reveal") == "1",
        last_review=query_int(request.args, "last"),
        format_interval=format_interval,
        grades=TWO_BUTTONS if user.two_buttons else GRADE_BUTTONS,
        two_buttons=user.two_buttons,
        timezone_set=user.timezone_set,
        sealed=sealed,
        paused=PAUSED,
        session=session,
        # Whoever reviewed today has graded before: no need to look.
        first_grades=not session.reviews and study.first_grades(db.session, user),
    )


def _answer(
    deck: str, message: str | None = None, status: int = 200, show: int | None = None, **extra
):
    """JSON for the script (with the card to show next), a redirect for plain forms."""
    if wants_json():
        item, counts, sealed, today = _next_card(_deck_or_404(deck), show)
        payload = card_payload(item, counts, sealed, deck, today)
        return jsonify(ok=status == 200, message=message, **extra, **payload), status
    if message:
        flash(message, "info" if status == 200 else "warning")
    args = {"last": extra["review_id"]} if extra.get("review_id") else {}
    if show is not None:
        args["show"] = show
    return redirect(url_for(".review", deck=deck, **args))


@bp.post("/<deck>/grade")
def grade(deck: str):
    _deck_or_404(deck)
    form = GradeForm()
    card_id = parse_id(form.card_id.data)
    if not form.validate_on_submit() or card_id is None:
        return _answer(deck, "That grade could not be read; try again.", 422)
    try:
        review = study.grade_card(
            db.session,
            signed_in(),
            card_id,
            -1 if (version := parse_id(form.version.data)) is None else version,
            Rating(form.rating.data),
            form.duration_ms.data,
        )
    except StaleCard as exc:
        return _answer(deck, str(exc), 409)
    except StudyError as exc:
        return _answer(deck, str(exc), 422)
    return _answer(deck, review_id=review.id)


@bp.post("/<deck>/undo")
def undo(deck: str):
    _deck_or_404(deck)
    form = UndoForm()
    if not form.validate_on_submit():
        return _answer(deck, "Nothing to undo.", 409)
    try:
        card_id = study.undo(db.session, current_user, form.review_id.data)
    except StaleCard as exc:
        return _answer(deck, str(exc), 409)
    last = study.last_review_id(db.session, current_user)
    return _answer(deck, "Undone.", show=card_id, review_id=last)


@bp.post("/card/<int:card_id>/<action>")
def card_action(card_id: int, action: str):
    form = CsrfOnlyForm()
    if not form.validate_on_submit() or action not in ("suspend", "unsuspend", "bury"):
        abort(400)
    deck = request.args.get("deck", "all")
    try:
        if action == "bury":
            study.bury(db.session, current_user, card_id)
        else:
            study.set_suspended(db.session, current_user, card_id, action == "suspend")
    except StudyError as exc:
        return _answer(deck, str(exc), 422)
    message = {
        "bury": "Buried until tomorrow.",
        "suspend": "Suspended.",
        "unsuspend": "Unsuspended.",
    }
    if request.args.get("back") == "info":
        flash(message[action], "info")
        return redirect(url_for(".card", card_id=card_id))
    return _answer(deck, message[action])


@bp.get("/card/<int:card_id>")
def card(card_id: int):
    try:
        info = study.card_info(db.session, current_user, card_id)
    except SealedCard as exc:
        exams = sealed_for(db.session, current_user).exam_ids
        return render_template("exam_paused.html", message=str(exc), exams=exams), 403
    if info is None:
        abort(404)
    return render_template(
        "study/card.html",
        info=info,
        form=CsrfOnlyForm(),
        interval_label=lambda days: format_interval(timedelta(days=days)),
    )


@bp.post("/timezone")
def timezone():
    form = CsrfOnlyForm()
    if not form.validate_on_submit():
        abort(400)
    saved = study.detect_timezone(db.session, current_user, request.form.get("timezone", ""))
    return jsonify(saved=saved)
