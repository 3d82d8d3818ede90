"""Decks and today's queue: load the rows, let quizapp.study_queue decide, show the next card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import qtypes, scheduling
from ...models import Bank, Card, CardState, DeckLimit, Review, User, utcnow
from ...scheduling import NEW, REVIEW, Memory, Rating
from ...study_queue import CardRef, Deck, Limits, Queue, StateRef, plan_day
from ..exam_secrecy import Sealed, sealed_for
from ..queries import active_bank, active_banks, active_cards_query, card_type, driver_rows, rows
from .reviews import MEMORY_COLUMNS, preferences


def _active_cards(session: Session, deck: str | None) -> list[CardRef]:
    rows = session.execute(active_cards_query(deck, Card.id, Card.bank_id))
    return [CardRef(*row) for row in rows]


# The active cards today's queue may hold, in study order, with the student's states: every
# card but those plan_day would skip (suspended, buried, or not due before the day's end).
# Leaving these out changes nothing in the plan (the rest keep their order) and spares reading
# a row for each card the student has seen.
_CANDIDATES = (
    active_cards_query(
        None,
        Card.id,
        Card.bank_id,
        CardState.state,
        CardState.due,
        CardState.suspended,
        CardState.buried_until,
    )
    .outerjoin(
        CardState,
        (CardState.card_id == Card.id) & (CardState.user_id == sa.bindparam("user")),
    )
    .where(
        sa.or_(
            CardState.id.is_(None),
            sa.and_(
                CardState.suspended.is_(False),
                sa.or_(
                    CardState.buried_until.is_(None), CardState.buried_until < sa.bindparam("day")
                ),
                sa.or_(CardState.state == NEW, CardState.due < sa.bindparam("end")),
            ),
        )
    )
)
# A card left on screen while the student walked away does not count as an hour of study
# (Anki caps the time of one answer the same way).
LONGEST_ANSWER_MS = 60_000


def _count(condition):
    return sa.func.count(sa.case((condition, 1)))


_DURATION = sa.func.coalesce(Review.duration_ms, 0)
_DECK_LIMITS = sa.select(DeckLimit.bank_id, DeckLimit.new_per_day, DeckLimit.reviews_per_day).where(
    DeckLimit.user_id == sa.bindparam("user")
)
# What a request about today's study reads, in one query: the student's reviews of one study
# day summed per bank (for the day's limits and the session's summary), then their own daily
# limits per bank (rows of kind "limit", with no reviews).
_STUDY_DAY = sa.union_all(
    sa.select(
        sa.literal("reviews"),
        Card.bank_id,
        Bank.slug,
        sa.func.count(),
        sa.func.count(sa.distinct(Review.card_id)),
        _count(Review.state_before == NEW),
        _count(Review.state_before == REVIEW),
        _count(Review.rating == int(Rating.AGAIN)),
        sa.func.sum(sa.case((_DURATION > LONGEST_ANSWER_MS, LONGEST_ANSWER_MS), else_=_DURATION)),
        sa.null(),
        sa.null(),
    )
    .join(Card, Review.card_id == Card.id)
    .join(Bank, Card.bank_id == Bank.id)
    .where(Review.user_id == sa.bindparam("user"), Review.day == sa.bindparam("day"))
    .group_by(Card.bank_id, Bank.slug),
    sa.select(
        sa.literal("limit"),
        DeckLimit.bank_id,
        *(sa.null(),) * 7,
        DeckLimit.new_per_day,
        DeckLimit.reviews_per_day,
    ).where(DeckLimit.user_id == sa.bindparam("user")),
)


def is_candidate(state, due, suspended, buried_until, day: date, end: datetime) -> bool:
    """_CANDIDATES's condition on a card's state (state None: never studied), in Python."""
    if state is None:
        return True
    if suspended or (buried_until is not None and buried_until >= day):
        return False
    return state == NEW or (due is not None and due < end)


def _candidates(
    session: Session, user: User, day: date, end: datetime
) -> tuple[list[CardRef], dict[int, StateRef]]:
    # A row for most active cards, on every study request: read on SQLite's cursor and made
    # named tuples by tuple.__new__ itself (what CardRef(...) and _make run, without their
    # Python frame per row).
    found = driver_rows(session, _CANDIDATES, user=user.id, day=day, end=end)
    new = tuple.__new__
    cards = [new(CardRef, (row[0], row[1])) for row in found]
    states = {row[0]: new(StateRef, (row[0], *row[2:])) for row in found if row[2] is not None}
    return cards, states


class BankDay(NamedTuple):
    """One bank's reviews on one study day."""

    bank_id: int
    slug: str
    reviews: int
    cards: int
    new: int  # reviews of new cards: cards introduced
    review_state: int  # reviews of cards in the review state
    again: int
    millis: int  # time spent, each answer counted up to LONGEST_ANSWER_MS


@dataclass(frozen=True)
class StudyDay:
    """The student's reviews of the study day `now` falls in, per bank, and their own daily
    limits per bank (see _STUDY_DAY)."""

    now: datetime
    day: date
    banks: list[BankDay]
    limits: dict[int, tuple[int | None, int | None]]  # as deck_limits gives them

    def done(self) -> dict[int, tuple[int, int]]:
        """Per bank: (new cards introduced, review-state cards reviewed) on this day."""
        return {bank.bank_id: (bank.new, bank.review_state) for bank in self.banks}


def read_study_day(session: Session, user: User, now: datetime | None = None) -> StudyDay:
    """The student's reviews of the study day `now` (default: this moment) falls in, and their
    own daily limits."""
    now = now or utcnow()
    day = scheduling.study_day(now, user.timezone)
    banks, limits = [], {}
    for kind, bank_id, *values in driver_rows(session, _STUDY_DAY, user=user.id, day=day):
        if kind == "limit":
            limits[bank_id] = (values[-2], values[-1])
        else:
            banks.append(BankDay(bank_id, *values[:-2]))
    return StudyDay(now, day, banks, limits)


def deck_limits(session: Session, user: User) -> dict[int, tuple[int | None, int | None]]:
    """The student's own daily limits per bank: (new, reviews), None where they set none."""
    return {
        bank_id: (new, reviews)
        for bank_id, new, reviews in rows(session, _DECK_LIMITS, user=user.id)
    }


# Given the study day and its end, the active cards today's plan may hold and their states.
Candidates = Callable[[date, datetime], tuple[list[CardRef], dict[int, StateRef]]]


def _day_plan(
    session: Session,
    user: User,
    now: datetime,
    sealed: Sealed | None = None,
    candidates: Candidates | None = None,
    today: StudyDay | None = None,
) -> Queue:
    """The day's queue of all decks, from which each deck's queue is cut. Cards of an open
    exam's questions are left out until the exam ends (`sealed`, looked up unless given).
    `candidates` gives the cards when the caller has read them (see is_candidate); `today`
    the day's reviews and limits when the caller has read them (read_study_day)."""
    day = scheduling.study_day(now, user.timezone)
    if today is None or today.day != day:
        today = read_study_day(session, user, now)
    done = today.done()
    own = today.limits
    limits = Limits(
        user.new_per_day,
        user.reviews_per_day,
        sum(new for new, _ in done.values()),
        sum(reviews for _, reviews in done.values()),
    )
    per_deck = {
        bank_id: Limits(*own.get(bank_id, (None, None)), *done.get(bank_id, (0, 0)))
        for bank_id in own.keys() | done.keys()
    }
    end = scheduling.day_end(day, user.timezone)
    if candidates is None:
        cards, states = _candidates(session, user, day, end)
    else:
        cards, states = candidates(day, end)
    sealed = sealed_for(session, user, now) if sealed is None else sealed
    if sealed:
        cards = [card for card in cards if not sealed.hides_card(card.id)]
    return plan_day(cards, states, limits, per_deck, day, end, now)


def build_queue(
    session: Session,
    user: User,
    deck: str | None,
    now: datetime,
    sealed: Sealed | None = None,
    candidates: Candidates | None = None,
    today: StudyDay | None = None,
) -> Queue:
    """Today's queue of one deck ("all" when `deck` is None): its part of the day's queue."""
    queue = _day_plan(session, user, now, sealed, candidates, today)
    if deck is None:
        return queue
    bank = active_bank(session, deck)
    return queue.only(bank.id) if bank else Queue()


def decks(session: Session, user: User, now: datetime | None = None) -> list[Deck]:
    """Every deck (bank) with today's counts, then "all": the decks' counts add up to it."""
    queue = _day_plan(session, user, now or utcnow())
    counts = [queue.only(bank.id).counts(bank.slug, bank.title) for bank in active_banks(session)]
    return [*counts, queue.counts("all", "All decks")]


def deck_counts(
    session: Session, user: User, deck: str | None, now=None, candidates: Candidates | None = None
) -> Deck:
    """Today's counts of one deck ("all" when `deck` is None); `candidates` as for _day_plan."""
    queue = build_queue(session, user, deck, now or utcnow(), candidates=candidates)
    return queue.counts(deck or "all", deck_title(session, deck) or "")


def deck_title(session: Session, deck: str | None) -> str | None:
    if deck is None:
        return "All decks"
    bank = active_bank(session, deck)
    return bank.title if bank else None


class ShownBank(NamedTuple):
    slug: str
    title: str


class ShownCard(NamedTuple):
    """What the reviewer shows of a card (read as columns, not as an ORM object)."""

    id: int
    front: str
    back: str
    bank: ShownBank


# The card to show, its bank and the student's memory of it, in one query of columns.
_SHOWN = (
    sa.select(
        Card.id,
        Card.front,
        Card.back,
        Bank.slug,
        Bank.title,
        card_type(Card),
        CardState.version,
        *MEMORY_COLUMNS,
    )  # fmt: skip
    .join(Bank, Card.bank_id == Bank.id)
    .outerjoin(
        CardState,
        (CardState.card_id == Card.id) & (CardState.user_id == sa.bindparam("user")),
    )
    .where(Card.id == sa.bindparam("card"))
)


@dataclass
class StudyCard:
    card: ShownCard
    memory: Memory
    version: int
    intervals: dict[Rating, timedelta]
    counts: Deck
    cue: str | None = None  # "True or false?" above the front of a true/false card


def next_card(
    session: Session,
    user: User,
    deck: str | None,
    now=None,
    show: int | None = None,
    title: str | None = None,
    sealed: Sealed | None = None,
    today: StudyDay | None = None,
) -> tuple[StudyCard | None, Deck]:
    """The card to study next (or `show`, e.g. the card just undone, if it is in the deck
    and not sealed by an open exam). `title` is the deck's title when the caller has it;
    `today`, the day's reviews (read_study_day) when the caller has read them."""
    now = now or utcnow()
    sealed = sealed_for(session, user, now) if sealed is None else sealed
    queue = build_queue(session, user, deck, now, sealed=sealed, today=today)
    counts = queue.counts(deck or "all", title or deck_title(session, deck) or "")
    ref = queue.next(now)
    if show is not None and not sealed.hides_card(show):
        ref = next((c for c in _active_cards(session, deck) if c.id == show), ref)
    if ref is None:
        return None, counts
    [(card_id, front, back, slug, bank_title, kind, version, *memory)] = driver_rows(
        session, _SHOWN, user=user.id, card=ref.id
    )
    card = ShownCard(card_id, front, back, ShownBank(slug, bank_title))
    # No state yet (version None): a new card, as memory_of(None) gives.
    memory = Memory() if version is None else Memory(*memory)
    cue = qtypes.get(kind).card_cue if kind else None
    return study_card(user, card, memory, version or 0, now, counts, cue), counts


def study_card(
    user: User,
    card: ShownCard,
    memory: Memory,
    version: int,
    now: datetime,
    counts: Deck,
    cue: str | None = None,
) -> StudyCard:
    intervals = scheduling.intervals_by_rating(memory, now, card.id, preferences(user))
    return StudyCard(card, memory, version, intervals, counts, cue)
