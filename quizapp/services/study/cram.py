"""Cram: go through a deck now, Quizlet's way (Know / Still learning, then the cards still being
learnt again), without touching the schedule. Each session and its marks are kept (CramSession);
the rules are quizapp.cram_rules."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...cram_rules import (
    MarkOutcome,
    RoundResult,
    decide_mark,
    first_round_score,
    parse_marks,
    round_result,
)
from ...database import write_transaction
from ...models import Attempt, Card, CramSession, User, utcnow
from ..exam_secrecy import NOTHING_SEALED, Sealed
from ..queries import active_bank, active_cards_query, card_cue
from ..review import shown
from .reviews import StudyError


def cram_order(
    session: Session, deck: str | None, seed: int, sealed: Sealed = NOTHING_SEALED
) -> list[Card]:
    """Every active card of the deck (but those an open exam seals) in a shuffled order that
    the seed repeats."""
    cards = session.scalars(active_cards_query(deck, Card))
    cards = [card for card in cards if not sealed.hides_card(card.id)]
    random.Random(seed).shuffle(cards)
    return cards


def _new_session(session: Session, user: User, title: str, card_ids: list[int], now, **where):
    with write_transaction(session):
        cram = CramSession(
            user_id=user.id,
            title=title,
            cards=card_ids,
            pile=card_ids,
            marks=[],
            started_at=now,
            updated_at=now,
            **where,
        )
        session.add(cram)
    return cram


def start_cram(
    session: Session,
    user: User,
    deck: str | None,
    sealed: Sealed = NOTHING_SEALED,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> CramSession:
    """A new session over the deck's cards ("all" when `deck` is None), shuffled."""
    bank = active_bank(session, deck) if deck else None
    if deck and bank is None:
        raise StudyError("There is no such deck.")
    cards = cram_order(session, deck, (rng or random.Random()).randrange(10**9), sealed)
    if not cards:
        raise StudyError("There are no cards to cram here right now.")
    title = bank.title if bank else "All decks"
    ids = [card.id for card in cards]
    return _new_session(session, user, title, ids, now or utcnow(), bank_id=bank and bank.id)


def start_missed_cram(
    session: Session, user: User, attempt_id: int, sealed: Sealed = NOTHING_SEALED, now=None
) -> CramSession | None:
    """A session over the flashcards of the questions a finished attempt missed (None: no such
    attempt of this student)."""
    attempt = session.scalar(
        sa.select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    )
    if attempt is None:
        return None
    if not attempt.finished or not shown(session, attempt).score:
        raise StudyError("The marks of this attempt are not shown yet.")
    missed = [item.question_id for item in attempt.items if (item.fraction or 0) < 1 - 1e-9]
    cards = session.scalars(
        active_cards_query(None, Card).where(Card.question_id.in_(missed))
    ).all()
    ids = [card.id for card in cards if not sealed.hides_card(card.id)]
    if not ids:
        raise StudyError("The questions you missed have no flashcards to study.")
    random.Random(attempt.id).shuffle(ids)
    title = f"Missed in {attempt.title}"
    return _new_session(session, user, title, ids, now or utcnow(), attempt_id=attempt.id)


def cram_of(session: Session, user: User, cram_id: int, lock: bool = False) -> CramSession | None:
    query = sa.select(CramSession).where(CramSession.id == cram_id, CramSession.user_id == user.id)
    return session.scalar(query.with_for_update() if lock else query)


def open_cram(session: Session, user: User, deck: str | None) -> CramSession | None:
    """The student's latest unfinished session of this deck, to carry on."""
    bank = active_bank(session, deck) if deck else None
    if deck and bank is None:
        return None
    return session.scalar(
        sa.select(CramSession)
        .where(
            CramSession.user_id == user.id,
            CramSession.attempt_id.is_(None),
            CramSession.bank_id.is_(None) if bank is None else CramSession.bank_id == bank.id,
            CramSession.finished_at.is_(None),
        )
        .order_by(CramSession.updated_at.desc(), CramSession.id.desc())
        .limit(1)
    )


@dataclass
class CramView:
    """What a cram page shows: the card at place `at` of this round (None when the round is
    over, then `result`), with the cue of its question type."""

    cram: CramSession
    at: int
    card: Card | None
    cue: str | None
    result: RoundResult | None
    score: tuple[int, int]  # (known, marked) in round 1

    @property
    def done(self) -> int:
        return min(self.at, len(self.cram.pile))

    @property
    def total(self) -> int:
        return len(self.cram.pile)

    @property
    def finished(self) -> bool:
        return self.result is not None and not self.result.learning


def cram_view(session: Session, cram: CramSession, sealed: Sealed = NOTHING_SEALED) -> CramView:
    """The session as it stands; cards an open exam seals are passed over (never shown)."""
    at = cram.position
    while at < len(cram.pile) and sealed.hides_card(cram.pile[at]):
        at += 1
    marks = parse_marks(cram.marks)
    card = session.get(Card, cram.pile[at]) if at < len(cram.pile) else None
    cue = card_cue(session, card.id) if card is not None else None
    result = round_result(marks, cram.round) if card is None else None
    return CramView(cram, at, card, cue, result, first_round_score(marks))


def mark_card(
    session: Session, user: User, cram_id: int, at: int, card_id: int, known: bool, now=None
) -> tuple[MarkOutcome, CramSession] | None:
    """Record Know (`known`) or Still learning for the card at place `at` of this round; a
    repeat is kept once. None: no such session of this student."""
    now = now or utcnow()
    with write_transaction(session):
        cram = cram_of(session, user, cram_id, lock=True)
        if cram is None:
            return None
        marks = parse_marks(cram.marks)
        outcome = decide_mark(cram.pile, cram.position, marks, cram.round, at, card_id)
        if outcome is MarkOutcome.RECORDED:
            cram.marks = [*cram.marks, [cram.round, card_id, known]]
            cram.position = at + 1
            cram.updated_at = now
            if cram.position >= len(cram.pile):
                learning = round_result(parse_marks(cram.marks), cram.round).learning
                cram.finished_at = None if learning else now
    return outcome, cram


def next_round(session: Session, user: User, cram_id: int, round_: int, now=None):
    """Go through the cards still being learnt after round `round_` (once: a repeat of the
    request changes nothing). None: no such session of this student."""
    with write_transaction(session):
        cram = cram_of(session, user, cram_id, lock=True)
        if cram is None:
            return None
        learning = round_result(parse_marks(cram.marks), cram.round).learning
        over = cram.position >= len(cram.pile)
        if round_ == cram.round and over and learning:
            pile = list(learning)
            random.Random(f"{cram.id}:{cram.round}").shuffle(pile)
            cram.round, cram.pile, cram.position = cram.round + 1, pile, 0
            cram.updated_at = now or utcnow()
    return cram
