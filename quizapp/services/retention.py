"""Retention tallies: per student and UTC day, the reviews of cards already learnt and how
many were not rated Again (RetentionDay). Every write of a review keeps them: a grade adds
one, an undo takes it away, and bulk loads (demo data, tests, benchmarks) go through
add_reviews. The class overview then sums about 30 rows per student instead of counting a
month of reviews on every view."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import RetentionDay, Review
from ..scheduling import REVIEW, Rating
from .queries import driver_rows, rows

# INSERT ... ON CONFLICT DO UPDATE adding to the day's counts: one statement, so two tabs
# grading at once never lose a count. Written as text (the same SQL in SQLite and PostgreSQL)
# because SQLAlchemy cannot cache the compiled form of its dialects' upsert constructs: each
# grade of a learnt card compiled it again.
_ADD = sa.text(
    f"INSERT INTO {RetentionDay.__tablename__} (user_id, day, reviews, remembered) "
    "VALUES (:user_id, :day, :reviews, :remembered) "
    "ON CONFLICT (user_id, day) DO UPDATE SET "
    f"reviews = {RetentionDay.__tablename__}.reviews + excluded.reviews, "
    f"remembered = {RetentionDay.__tablename__}.remembered + excluded.remembered"
).bindparams(sa.bindparam("day", type_=sa.Date))


def _counts(user_id: int, reviewed_at: datetime, state_before: int, rating: int) -> dict | None:
    if state_before != REVIEW:
        return None
    remembered = int(rating != Rating.AGAIN)
    return {"user_id": user_id, "day": reviewed_at.date(), "reviews": 1, "remembered": remembered}


def review_added(session: Session, values: Mapping) -> None:
    """Inside the grade's write transaction: count the review (`values` are its columns)."""
    counts = _counts(values["user_id"], values["reviewed_at"], values["state_before"],
                     values["rating"])  # fmt: skip
    if counts is not None:
        rows(session, _ADD, **counts)


def review_removed(session: Session, review: Review) -> None:
    """Inside the undo's write transaction: take the review back out of its day."""
    counts = _counts(review.user_id, review.reviewed_at, review.state_before, review.rating)
    if counts is not None:
        negated = {**counts, "reviews": -1, "remembered": -counts["remembered"]}
        rows(session, _ADD, **negated)


def add_reviews(session: Session, reviews: list[dict]) -> None:
    """Insert many reviews (column dicts) at once, with their tallies."""
    if not reviews:
        return
    session.execute(sa.insert(Review), reviews)
    days: dict[tuple[int, date], list[int]] = {}
    for values in reviews:
        counts = _counts(values["user_id"], values["reviewed_at"], values["state_before"],
                         values["rating"])  # fmt: skip
        if counts is not None:
            tally = days.setdefault((counts["user_id"], counts["day"]), [0, 0])
            tally[0] += 1
            tally[1] += counts["remembered"]
    if days:
        session.execute(
            _ADD,
            [{"user_id": user_id, "day": day, "reviews": reviews, "remembered": remembered}
             for (user_id, day), (reviews, remembered) in sorted(days.items())],
        )  # fmt: skip


def _by_user(users: bool):
    where = [RetentionDay.day >= sa.bindparam("since"), RetentionDay.day <= sa.bindparam("until")]
    if users:
        where.append(RetentionDay.user_id.in_(sa.bindparam("users", expanding=True)))
    return (
        sa.select(
            RetentionDay.user_id,
            sa.func.sum(RetentionDay.reviews),
            sa.func.sum(RetentionDay.remembered),
        )
        .where(*where)
        .group_by(RetentionDay.user_id)
    )


# Built once: the class overview reads them on every view.
_BY_USER = {users: _by_user(users) for users in (False, True)}


def retention_by_user(
    session: Session, users: list[int] | None, since: date | None, until: date | None
) -> list:
    """(user id, reviews of learnt cards, those not rated Again) per student of `users`
    (every user when None), over the UTC days from `since` to `until` (both included; open
    when None)."""
    return driver_rows(
        session,
        _BY_USER[users is not None],
        users=users,
        since=since or date.min,
        until=until or date.max,
    )
