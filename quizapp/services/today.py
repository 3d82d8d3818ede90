"""A student's "Today": every number that home, a bank's page and the dashboard show, with the
action it leads to (cards due -> study, an unfinished attempt -> resume, mistakes -> retry, the
weakest bank -> practise). Read-only: it never writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Attempt, AttemptItem, Question, User, utcnow
from ..study_queue import Deck
from ..vocab import AttemptStatus
from . import study
from .queries import active_banks
from .quizzes import latest_marks, unfinished
from .review import hidden_attempt_ids
from .study.session import NextDue, next_due


@dataclass
class BankState:
    """One bank as the student stands with it today."""

    slug: str
    title: str
    questions: int
    deck: Deck  # today's flashcards of this deck (its part of the day's plan)
    answered: int = 0  # questions answered at least once
    right: int = 0  # questions right on their latest try
    last_percent: float | None = None  # the latest finished quiz's score on this bank's part
    last_at: datetime | None = None

    @property
    def mistakes(self) -> int:
        return self.answered - self.right

    @property
    def share(self) -> float:
        return self.right / self.questions if self.questions else 0.0


@dataclass
class Today:
    cards: Deck  # all decks, today
    next_due: NextDue | None  # when cards come due next (after today)
    unfinished: list[Attempt]
    last: Attempt | None  # the latest finished quiz whose score may be shown
    banks: list[BankState]

    @property
    def mistakes(self) -> int:
        return sum(bank.mistakes for bank in self.banks)

    @property
    def weakest(self) -> BankState | None:
        """The tried bank with the smallest share right; if none was tried, the first one."""
        tried = [bank for bank in self.banks if bank.answered]
        if tried:
            return min(tried, key=lambda bank: (bank.share, -bank.mistakes))
        return next((bank for bank in self.banks if bank.questions), None)

    @property
    def next_deck(self) -> BankState | None:
        """The first deck with cards to study today."""
        return next((bank for bank in self.banks if bank.deck.total), None)

    def bank(self, slug: str) -> BankState | None:
        return next((bank for bank in self.banks if bank.slug == slug), None)


def _last_scores(
    session: Session, user: User, hidden: Collection[int]
) -> dict[int, tuple[float, datetime]]:
    """Per bank: the score (percent) of its questions in the latest finished attempt."""
    rows = session.execute(
        sa.select(
            Question.bank_id,
            Attempt.submitted_at,
            sa.func.sum(AttemptItem.points),
            sa.func.sum(AttemptItem.max_points),
        )
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(Question, AttemptItem.question_id == Question.id)
        .where(
            Attempt.user_id == user.id,
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.id.not_in(hidden),
        )
        .group_by(Question.bank_id, Attempt.id, Attempt.submitted_at)
    )
    latest: dict[int, tuple[float, datetime]] = {}
    for bank_id, submitted_at, points, top in rows:
        if bank_id not in latest or submitted_at > latest[bank_id][1]:
            latest[bank_id] = (100 * points / top if top else 0.0, submitted_at)
    return latest


def today(
    session: Session,
    user: User,
    idle: timedelta,
    now: datetime | None = None,
    hidden: Collection[int] | None = None,
) -> Today:
    """Everything the student's Today shows, from one plan of the day's cards; `hidden` (the
    attempts whose scores may not be shown) when the caller has read them already."""
    now = now or utcnow()
    if hidden is None:
        hidden = hidden_attempt_ids(session, user, now)
    decks = {deck.slug: deck for deck in study.decks(session, user, now)}
    marks = latest_marks(session, user, hidden)
    bank_of = dict(
        session.execute(
            sa.select(Question.id, Question.bank_id).where(Question.retired_at.is_(None))
        ).all()
    )
    counts = Counter(bank_of.values())
    scores = _last_scores(session, user, hidden)
    by_id: dict[int, BankState] = {}
    for bank in active_banks(session):
        state = by_id[bank.id] = BankState(bank.slug, bank.title, counts[bank.id], decks[bank.slug])
        if bank.id in scores:
            state.last_percent, state.last_at = scores[bank.id]
    for question_id, mark in marks.items():
        state = by_id.get(bank_of.get(question_id))
        if state is not None:
            state.answered += 1
            state.right += mark >= 1 - 1e-9
    finished = session.scalar(
        sa.select(Attempt)
        .where(
            Attempt.user_id == user.id,
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.id.not_in(hidden),
        )
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(1)
    )
    cards = decks["all"]
    return Today(
        cards=cards,
        next_due=None if cards.total else next_due(session, user, now),
        unfinished=unfinished(session, user, idle, now),
        last=finished,
        banks=list(by_id.values()),
    )
