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
from ..study_queue import Deck, Queue
from ..vocab import AttemptStatus
from . import study
from .queries import Shelf, ShelfBank, active_bank, active_shelf, rows
from .quizzes import latest_marks, unfinished
from .review import hidden_attempt_ids
from .study.session import NextDue, next_due

ALL_DECKS = "All decks"


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
    last_at: datetime | None = None  # (these two: home and the bank's page; not the dashboard)

    @property
    def mistakes(self) -> int:
        return self.answered - self.right

    @property
    def share(self) -> float:
        return self.right / self.questions if self.questions else 0.0


@dataclass
class Plan:
    """What to do next, bank by bank: the dashboard's "Recommended next" and each bank's
    actions (a Today without what only home shows)."""

    cards: Deck  # all decks, today
    unfinished: list[Attempt]
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


@dataclass
class Today(Plan):
    next_due: NextDue | None = None  # when cards come due next (after today)
    last: Attempt | None = None  # the latest finished quiz whose score may be shown


# Per bank and finished attempt: the points of the bank's questions in it.
_BANK_SCORES = (
    sa.select(
        Question.bank_id,
        Attempt.submitted_at,
        sa.func.sum(AttemptItem.points),
        sa.func.sum(AttemptItem.max_points),
    )
    .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
    .join(Question, AttemptItem.question_id == Question.id)
    .where(
        Attempt.user_id == sa.bindparam("user"),
        Attempt.status == AttemptStatus.SUBMITTED,
        Attempt.id.not_in(sa.bindparam("hidden", expanding=True)),
    )
    .group_by(Question.bank_id, Attempt.id, Attempt.submitted_at)
)
_ONE_BANK_SCORES = _BANK_SCORES.where(Question.bank_id == sa.bindparam("bank"))


def _last_scores(
    session: Session, user: User, hidden: Collection[int], bank_id: int | None = None
) -> dict[int, tuple[float, datetime]]:
    """Per bank (or for the bank `bank_id`): the score (percent) of its questions in the
    latest finished attempt."""
    params = {"user": user.id, "hidden": list(hidden)}
    if bank_id is None:
        found = rows(session, _BANK_SCORES, **params)
    else:
        found = rows(session, _ONE_BANK_SCORES, bank=bank_id, **params)
    latest: dict[int, tuple[float, datetime]] = {}
    for bank, submitted_at, points, top in found:
        if bank not in latest or submitted_at > latest[bank][1]:
            latest[bank] = (100 * points / top if top else 0.0, submitted_at)
    return latest


def _bank_state(bank: ShelfBank, questions: list[int], deck: Deck, marks: dict) -> BankState:
    state = BankState(bank.slug, bank.title, len(questions), deck)
    for question_id in questions:
        mark = marks.get(question_id)
        if mark is not None:
            state.answered += 1
            state.right += mark >= 1 - 1e-9
    return state


def plan_of(queue: Queue, shelf: Shelf, marks: dict[int, float], resumable: list[Attempt]) -> Plan:
    """The Plan from reads the caller has made: the day's `queue` of all decks (study's
    build_queue), the active banks and their questions, the student's latest marks (leaving
    out hidden attempts) and the attempts to resume (quizzes.unfinished)."""
    # One count per part of the queue (Queue.only per bank gives the same, in a pass each).
    new, learning_now, learning_later, due = (
        Counter(card.bank_id for card in cards)
        for cards in (queue.new, queue.learning_now, queue.learning_later, queue.reviews)
    )
    banks = []
    for bank in shelf.banks:
        learning = learning_now[bank.id] + learning_later[bank.id]
        deck = Deck(bank.slug, bank.title, new[bank.id], learning, due[bank.id])
        banks.append(_bank_state(bank, shelf.questions.get(bank.id, []), deck, marks))
    return Plan(queue.counts("all", ALL_DECKS), resumable, banks)


_LAST_FINISHED = (
    sa.select(Attempt)
    .where(
        Attempt.user_id == sa.bindparam("user"),
        Attempt.status == AttemptStatus.SUBMITTED,
        Attempt.id.not_in(sa.bindparam("hidden", expanding=True)),
    )
    .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
    .limit(1)
)


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
    shelf = active_shelf(session)
    plan = plan_of(
        study.build_queue(session, user, None, now),
        shelf,
        latest_marks(session, user, hidden),
        unfinished(session, user, idle, now),
    )
    scores = _last_scores(session, user, hidden)
    for bank, state in zip(shelf.banks, plan.banks, strict=True):
        if bank.id in scores:
            state.last_percent, state.last_at = scores[bank.id]
    return Today(
        plan.cards,
        plan.unfinished,
        plan.banks,
        next_due=None if plan.cards.total else next_due(session, user, now),
        last=session.scalar(_LAST_FINISHED, {"user": user.id, "hidden": list(hidden)}),
    )


_BANK_QUESTIONS = (
    sa.select(Question.id)
    .where(Question.bank_id == sa.bindparam("bank"), Question.retired_at.is_(None))
    .order_by(Question.position, Question.id)
)


def bank_today(
    session: Session, user: User, slug: str, now: datetime | None = None
) -> BankState | None:
    """One active bank's row of Today (None for a retired or unknown bank), read for that bank
    alone: what `today(...).bank(slug)` gives."""
    now = now or utcnow()
    bank = active_bank(session, slug)
    if bank is None:
        return None
    hidden = hidden_attempt_ids(session, user, now)
    deck = study.build_queue(session, user, None, now).only(bank.id).counts(slug, bank.title)
    questions = list(rows(session, _BANK_QUESTIONS, bank=bank.id).scalars())
    state = _bank_state(
        ShelfBank(bank.id, slug, bank.title), questions, deck, latest_marks(session, user, hidden)
    )
    scores = _last_scores(session, user, hidden, bank.id)
    if bank.id in scores:
        state.last_percent, state.last_at = scores[bank.id]
    return state
