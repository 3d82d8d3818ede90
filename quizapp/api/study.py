"""Flashcards through the API: decks, the next card, grading it (with the version it was shown
at, so a repeat or an old copy is refused), undo, and the student's progress."""

from __future__ import annotations

from ..extensions import db
from ..markdown import render_markdown
from ..scheduling import Rating, format_interval
from ..services import study
from ..services.exam_secrecy import PAUSED, sealed_for
from ..services.study import StaleCard, StudyError
from .core import READING, STUDY, api, current_user
from .openapi import Reply
from .problems import ApiProblem
from .schemas.study import (
    CardToStudy,
    DeckCounts,
    Decks,
    GradeCard,
    Graded,
    Interval,
    NextCard,
    Undone,
)

GRADE_LINKS = {
    "undo": {"operationId": "undo_review", "parameters": {"review_id": "$response.body#/review_id"}}
}


def deck_counts(deck: study.Deck) -> DeckCounts:
    return DeckCounts(
        deck=deck.slug, title=deck.title, new=deck.new, learning=deck.learning, due=deck.due
    )


@api.operation(
    "GET", "/decks", tag="study", scopes=READING, replies={200: Reply("The decks", Decks)}
)  # fmt: skip
def list_decks():
    """Today's cards per deck"""
    return Decks(decks=[deck_counts(deck) for deck in study.decks(db.session, current_user())])


@api.operation(
    "GET", "/decks/<deck>/next", tag="study", scopes=STUDY,
    replies={200: Reply("The next card, or none", NextCard)},
)  # fmt: skip
def next_card(deck: str):
    """The next card to study in a deck (a bank's id, or "all")

    Cards of the questions of the student's open exam are left out until it ends (`paused`)."""
    slug = None if deck == "all" else deck
    title = study.deck_title(db.session, slug)
    if title is None:
        raise ApiProblem(404, "There is no such deck.")
    user = current_user()
    sealed = sealed_for(db.session, user)
    item, counts = study.next_card(db.session, user, slug, title=title, sealed=sealed)
    card = None
    if item is not None:
        card = CardToStudy(
            id=item.card.id,
            version=item.version,
            bank=item.card.bank.slug,
            front=item.card.front,
            back=item.card.back,
            front_html=render_markdown(item.card.front),
            back_html=render_markdown(item.card.back),
            intervals={
                Rating(rating).name.lower(): Interval(
                    label=format_interval(interval), seconds=interval.total_seconds()
                )
                for rating, interval in item.intervals.items()
            },
        )
    return NextCard(counts=deck_counts(counts), card=card, paused=PAUSED if sealed else None)


@api.operation(
    "POST", "/cards/<int:card_id>/grade", tag="study", scopes=STUDY, body=GradeCard,
    replies={200: Reply("Recorded", Graded, GRADE_LINKS)}, problems=(409, 422),
)  # fmt: skip
def grade_card(card_id: int, body: GradeCard):
    """Grade a card

    `version` must be the one the card was shown with: a repeat or an old copy is refused
    (409, stale) and recorded once."""
    try:
        row = study.grade_card(
            db.session,
            current_user(),
            card_id,
            body.version,
            Rating[body.rating.upper()],
            body.duration_ms,
        )
    except StaleCard as exc:
        raise ApiProblem(409, str(exc), "stale") from None
    except StudyError as exc:
        raise ApiProblem(422, str(exc), "refused") from None
    return Graded(
        review_id=row.id, card_id=card_id, rating=body.rating, reviewed_at=row.reviewed_at
    )


@api.operation(
    "POST", "/reviews/<int:review_id>/undo", tag="study", scopes=STUDY,
    replies={200: Reply("Undone", Undone)}, problems=(409,),
)  # fmt: skip
def undo_review(review_id: int):
    """Undo the latest grade

    Only the user's latest review can be undone, once; anything else is 409 (stale)."""
    user = current_user()
    try:
        card_id = study.undo(db.session, user, review_id)
    except StaleCard as exc:
        raise ApiProblem(409, str(exc), "stale") from None
    return Undone(card_id=card_id, last_review_id=study.last_review_id(db.session, user))
