"""Study settings: retention, daily limits (for all decks and per deck), time zone; replanning
cards from their review log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import scheduling
from ...database import write_transaction
from ...models import CardState, DeckLimit, Review, User
from ...scheduling import Rating
from ..queries import active_banks
from .queue import deck_limits
from .reviews import StudyError, apply_memory, memory_of, preferences


def reschedule(session: Session, user: User) -> int:
    """Replay every card's review log under the user's current settings; returns cards changed."""
    with write_transaction(session):
        return replay_cards(session, session.get(User, user.id, with_for_update=True))


def replay_cards(session: Session, user: User) -> int:
    """Inside the caller's write transaction: rebuild every card's memory of `user` from its
    review log under their preferences as they are now; returns the cards that changed."""
    prefs = preferences(user)
    # The states are locked before the log is read, so a grade cannot slip in between.
    states = session.scalars(
        sa.select(CardState).where(CardState.user_id == user.id).with_for_update()
    ).all()
    logs: dict[int, list[tuple[datetime, Rating]]] = {}
    for card_id, moment, rating in session.execute(
        sa.select(Review.card_id, Review.reviewed_at, Review.rating).where(
            Review.user_id == user.id
        )
    ):
        logs.setdefault(card_id, []).append((moment, Rating(rating)))
    changed = 0
    for state in states:
        memory = scheduling.replay(logs.get(state.card_id, []), state.card_id, prefs)
        if memory != memory_of(state):
            apply_memory(state, memory)
            changed += 1
    return changed


@dataclass
class SettingsChange:
    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    timezone: str
    learning_steps: bool
    two_buttons: bool  # grade with Again and Good only; scheduling is unchanged


def _check_retention(value: float) -> None:
    low, high = scheduling.RETENTION_RANGE
    if not low <= value <= high:
        raise StudyError(f"Desired retention must be between {low:.2f} and {high:.2f}.")


def set_desired_retention(session: Session, user: User, value: float) -> int:
    """Change only the desired retention (picked from the workload table) and replan the
    cards with it; returns the cards rescheduled."""
    _check_retention(value)
    with write_transaction(session):
        row = session.get(User, user.id, with_for_update=True)
        if row.desired_retention == value:
            return 0
        row.desired_retention = value
        return replay_cards(session, row)


def update_settings(session: Session, user: User, change: SettingsChange) -> int:
    """Save study settings; retention or learning steps changes reschedule (returns count)."""
    _check_retention(change.desired_retention)
    replan = (user.desired_retention, user.learning_steps) != (
        change.desired_retention,
        change.learning_steps,
    )
    with write_transaction(session):
        row = session.get(User, user.id, with_for_update=True)
        row.desired_retention = change.desired_retention
        row.new_per_day, row.reviews_per_day = change.new_per_day, change.reviews_per_day
        row.timezone, row.timezone_set = change.timezone, True
        row.learning_steps = change.learning_steps
        row.two_buttons = change.two_buttons
    return reschedule(session, user) if replan else 0


def detect_timezone(session: Session, user: User, name: str) -> bool:
    """Take the browser's time zone once, on the first visit; later changes are in settings."""
    if user.timezone_set or not scheduling.valid_zone(name):
        return False
    with write_transaction(session):
        session.execute(
            sa.update(User)
            .where(User.id == user.id, User.timezone_set.is_(False))
            .values(timezone=name, timezone_set=True)
        )
    return True


@dataclass(frozen=True)
class DeckLimitRow:
    """One deck's own daily limits (None: held by the all-decks limit only)."""

    slug: str
    title: str
    new_per_day: int | None
    reviews_per_day: int | None


def deck_limit_rows(session: Session, user: User) -> list[DeckLimitRow]:
    own = deck_limits(session, user)
    return [
        DeckLimitRow(bank.slug, bank.title, *own.get(bank.id, (None, None)))
        for bank in active_banks(session)
    ]


def set_deck_limits(
    session: Session, user: User, limits: dict[str, tuple[int | None, int | None]]
) -> None:
    """Save the student's own limits per deck (bank slug -> (new, reviews)); a deck given
    neither loses its own limits."""
    with write_transaction(session):
        banks = {bank.slug: bank.id for bank in active_banks(session)}
        if unknown := sorted(set(limits) - set(banks)):
            raise StudyError(f"There is no deck {unknown[0]!r} any more; reload the page.")
        rows = {
            row.bank_id: row
            for row in session.scalars(
                sa.select(DeckLimit).where(DeckLimit.user_id == user.id).with_for_update()
            )
        }
        for slug, (new, reviews) in limits.items():
            row = rows.get(banks[slug])
            if new is None and reviews is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(
                    DeckLimit(
                        user_id=user.id,
                        bank_id=banks[slug],
                        new_per_day=new,
                        reviews_per_day=reviews,
                    )
                )
            else:
                row.new_per_day, row.reviews_per_day = new, reviews
