"""How today's study of a deck went, as Anki closes a session: cards studied, time spent,
Again count, when the next cards come due and which deck still has cards today. Read-only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import scheduling
from ...formatting import duration
from ...models import Bank, Card, CardState, Review, User, utcnow
from ...scheduling import NEW, Rating
from ...study_queue import Deck
from .queue import decks

# A card left on screen while the student walked away does not count as an hour of study
# (Anki caps the time of one answer the same way).
LONGEST_ANSWER_MS = 60_000


@dataclass(frozen=True)
class NextDue:
    day: date  # the study day the next cards come due
    cards: int
    days_away: int


@dataclass(frozen=True)
class StudySession:
    """Today's reviews of one deck ("all": every deck)."""

    reviews: int
    cards: int
    again: int
    seconds: int
    remaining: int  # cards still to study in this deck today
    next_due: NextDue | None  # when this deck's next cards come due, once none are left
    next_deck: Deck | None  # another deck with cards to study today

    @property
    def time_spent(self) -> str:
        return duration(timedelta(seconds=self.seconds))


def _deck_filter(query, deck: str | None):
    if deck is None:
        return query
    return query.join(Bank, Card.bank_id == Bank.id).where(Bank.slug == deck)


def next_due(
    session: Session, user: User, now: datetime | None = None, deck: str | None = None
) -> NextDue | None:
    """The next study day after today with cards coming due (of one deck, if given)."""
    now = now or utcnow()
    today = scheduling.study_day(now, user.timezone)
    end = scheduling.day_end(today, user.timezone)
    query = (
        sa.select(CardState.due)
        .join(Card, CardState.card_id == Card.id)
        .where(
            CardState.user_id == user.id,
            CardState.state != NEW,
            CardState.suspended.is_(False),
            CardState.due >= end,
            CardState.due < end + timedelta(days=366),
            Card.retired_at.is_(None),
        )
    )
    dues = session.scalars(_deck_filter(query, deck)).all()
    if not dues:
        return None
    days = Counter(scheduling.study_day(due, user.timezone) for due in dues)
    first = min(days)
    return NextDue(first, days[first], (first - today).days)


def study_session(
    session: Session, user: User, deck: str | None, remaining: int, now: datetime | None = None
) -> StudySession:
    """Today's study of `deck` (None: all decks), given how many cards it still has today."""
    now = now or utcnow()
    today = scheduling.study_day(now, user.timezone)
    query = (
        sa.select(Review.card_id, Review.rating, Review.duration_ms)
        .join(Card, Review.card_id == Card.id)
        .where(Review.user_id == user.id, Review.day == today)
    )
    rows = session.execute(_deck_filter(query, deck)).all()
    millis = sum(min(ms or 0, LONGEST_ANSWER_MS) for _, _, ms in rows)
    later = next_deck = None
    if not remaining:  # the summary's lines, needed only once the deck is done for today
        later = next_due(session, user, now, deck)
        if deck is not None:
            others = (d for d in decks(session, user, now) if d.slug not in ("all", deck))
            next_deck = next((other for other in others if other.total), None)
    return StudySession(
        reviews=len(rows),
        cards=len({card for card, _, _ in rows}),
        again=sum(rating == Rating.AGAIN for _, rating, _ in rows),
        seconds=round(millis / 1000),
        remaining=remaining,
        next_due=later,
        next_deck=next_deck,
    )


def first_grades(session: Session, user: User) -> bool:
    """True until the student grades their first card: the meaning of the four grades is
    explained to them until then."""
    return session.scalar(sa.select(Review.id).where(Review.user_id == user.id).limit(1)) is None
