"""How today's study of a deck went, as Anki closes a session: cards studied, time spent,
Again count, when the next cards come due and which deck still has cards today. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import scheduling
from ...formatting import duration
from ...models import Bank, Card, CardState, Review, User, utcnow
from ...scheduling import NEW
from ...study_queue import Deck
from ..queries import rows
from .queue import StudyDay, decks, read_study_day


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


# The due times of the student's cards coming due in the year after today (`end`: today's
# end), of every deck or (_DECK_DUES) of one; built once, the parameters bound per request.
_DUES = (
    sa.select(CardState.due)
    .join(Card, CardState.card_id == Card.id)
    .where(
        CardState.user_id == sa.bindparam("user"),
        CardState.state != NEW,
        CardState.suspended.is_(False),
        CardState.due >= sa.bindparam("end"),
        CardState.due < sa.bindparam("until"),
        Card.retired_at.is_(None),
    )
)
_DECK_DUES = _DUES.join(Bank, Card.bank_id == Bank.id).where(Bank.slug == sa.bindparam("deck"))


def next_due(
    session: Session, user: User, now: datetime | None = None, deck: str | None = None
) -> NextDue | None:
    """The next study day after today with cards coming due (of one deck, if given)."""
    now = now or utcnow()
    today = scheduling.study_day(now, user.timezone)
    end = scheduling.day_end(today, user.timezone)
    params = {"user": user.id, "end": end, "until": end + timedelta(days=366)}
    if deck is None:
        dues = rows(session, _DUES, **params).scalars().all()
    else:
        dues = rows(session, _DECK_DUES, deck=deck, **params).scalars().all()
    if not dues:
        return None
    first, cards = first_due_day(dues, user.timezone)
    return NextDue(first, cards, (first - today).days)


def first_due_day(dues: list[datetime], timezone: str) -> tuple[date, int]:
    """The earliest study day of `dues` (naive UTC, not empty) and how many fall on it.

    Study days follow time, so the first is the earliest due's, and a due falls on it exactly
    when it comes before that day's end: no time-zone conversion per due."""
    first = scheduling.study_day(min(dues), timezone)
    end = scheduling.day_end(first, timezone)
    return first, sum(due < end for due in dues)


def study_session(
    session: Session,
    user: User,
    deck: str | None,
    remaining: int,
    now: datetime | None = None,
    today: StudyDay | None = None,
) -> StudySession:
    """Today's study of `deck` (None: all decks), given how many cards it still has today;
    `today`, the day's reviews (queue.read_study_day) when the caller has read them."""
    now = now or utcnow()
    if today is None or today.day != scheduling.study_day(now, user.timezone):
        today = read_study_day(session, user, now)
    banks = [bank for bank in today.banks if deck is None or bank.slug == deck]
    later = next_deck = None
    if not remaining:  # the summary's lines, needed only once the deck is done for today
        later = next_due(session, user, now, deck)
        if deck is not None:
            others = (d for d in decks(session, user, now) if d.slug not in ("all", deck))
            next_deck = next((other for other in others if other.total), None)
    return StudySession(
        reviews=sum(bank.reviews for bank in banks),
        # A card is in one bank: the banks' counts of distinct cards add up.
        cards=sum(bank.cards for bank in banks),
        again=sum(bank.again for bank in banks),
        seconds=round(sum(bank.millis for bank in banks) / 1000),
        remaining=remaining,
        next_due=later,
        next_deck=next_deck,
    )


_ANY_REVIEW = sa.select(Review.id).where(Review.user_id == sa.bindparam("user")).limit(1)


def first_grades(session: Session, user: User) -> bool:
    """True until the student grades their first card: the meaning of the four grades is
    explained to them until then."""
    # Every card's first grade is of a new card, which the counter counts (an undo takes it
    # back with the review): a student with cards studied has graded.
    if user.cards_studied:
        return False
    return rows(session, _ANY_REVIEW, user=user.id).first() is None
