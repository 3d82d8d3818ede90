"""What the class overview reads: each student in scope, their finished attempts' figures and
per-bank averages (kept until finished answers change, report_cache), overdue cards and
retention (read on every view: card states and reviews change all the time).

The statements are built once per shape (a list of users or everyone, a bank or not, which
dates), with bind parameters, and run on the session's connection (queries.rows): a view
pays neither for building them nor for their cache keys, nor for ORM rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Attempt, AttemptItem, Bank, Card, CardState, Question, Review, User
from ..scheduling import NEW, REVIEW, Rating
from ..vocab import AttemptStatus, Role
from . import retention
from .classes.scope import Scope
from .queries import BANK_ORDER, ShelfBank, driver_rows, rows
from .report_cache import all_stamps, cached

RETENTION_DAYS = 30  # without dates, retention is over the last 30 UTC days (today included)


@dataclass(frozen=True)
class OverviewFilter:
    """One bank's questions and cards only; finished attempts and reviews between two days
    (inclusive, in UTC)."""

    bank_id: int | None = None
    since: date | None = None
    until: date | None = None


EVERYTHING = OverviewFilter()


class Student(NamedTuple):
    """What the class overview shows of a student's account (read as columns, not rows)."""

    id: int
    username: str
    cards_studied: int
    last_active_at: datetime | None


def _users_in(column) -> sa.ColumnElement[bool]:
    """`column` among the ids of the "users" parameter (a list)."""
    return column.in_(sa.bindparam("users", expanding=True))


def _days(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The naive UTC times from the start of `since` to the end of `until` (None: open)."""
    start = datetime.combine(since, time()) if since else None
    return start, datetime.combine(until + timedelta(days=1), time()) if until else None


def _params(scope: Scope, filters: OverviewFilter) -> dict:
    """The bind parameters of the statements below (each takes the ones it names)."""
    since, until = _days(filters.since, filters.until)
    users = None if scope.user_ids is None else sorted(scope.user_ids)
    return {"users": users, "assignment": scope.assignment_id, "bank": filters.bank_id,
            "since": since, "until": until}  # fmt: skip


def _attempt_where(scope: Scope, filters: OverviewFilter) -> list:
    """WHERE clauses on finished attempts in scope and within the filters' days."""
    where = [Attempt.status == AttemptStatus.SUBMITTED]
    if scope.user_ids is not None:
        where.append(_users_in(Attempt.user_id))
    if scope.assignment_id is not None:
        where.append(Attempt.assignment_id == sa.bindparam("assignment"))
    if filters.since:
        where.append(Attempt.submitted_at >= sa.bindparam("since"))
    if filters.until:
        where.append(Attempt.submitted_at < sa.bindparam("until"))
    return where


def _bank_percent():
    """An attempt's percent on the questions joined to it (grouped by attempt)."""
    possible = sa.func.nullif(sa.func.sum(AttemptItem.max_points), 0)
    return 100 * sa.func.sum(AttemptItem.points) / possible


def _attempt_figures_query(scope: Scope, filters: OverviewFilter):
    where = _attempt_where(scope, filters)
    if filters.bank_id is None:
        percent = 100 * Attempt.score / sa.func.nullif(Attempt.max_score, 0)
        source = sa.select(Attempt.user_id, percent.label("percent")).where(*where).subquery()
    else:
        source = (
            sa.select(Attempt.user_id, _bank_percent().label("percent"))
            .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
            .join(Question, AttemptItem.question_id == Question.id)
            .where(*where, Question.bank_id == sa.bindparam("bank"))
            .group_by(Attempt.id, Attempt.user_id)
            .subquery()
        )
    return sa.select(
        source.c.user_id,
        sa.func.count(),
        sa.func.avg(source.c.percent),
        sa.func.max(source.c.percent),
    ).group_by(source.c.user_id)


def _kept(session: Session, name: str, compute, scope: Scope, filters: OverviewFilter, stamps):
    """compute(), kept until finished answers change (report_cache; `stamps`: all_stamps, if
    the caller has read them). Nothing is built when it is kept: the key does not need it."""
    stamps = all_stamps(session) if stamps is None else stamps
    return cached(session, (name, scope, filters, stamps), compute)


def attempt_figures(
    session: Session, scope: Scope, filters: OverviewFilter = EVERYTHING, stamps=None
):
    """(user id, finished attempts, average %, best %) per student; with a bank, each
    attempt's percent on that bank's questions. Kept until finished answers change
    (report_cache; `stamps`: all_stamps, if the caller has read them)."""

    def compute():
        query = _attempt_figures_query(scope, filters)
        return tuple(tuple(row) for row in rows(session, query, **_params(scope, filters)))

    return _kept(session, "attempt figures", compute, scope, filters, stamps)


def _bank_averages_query(scope: Scope, filters: OverviewFilter):
    per_attempt = (
        sa.select(Attempt.user_id, Question.bank_id, _bank_percent().label("percent"))
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(Question, AttemptItem.question_id == Question.id)
        .join(User, Attempt.user_id == User.id)
        .where(*_attempt_where(scope, filters), User.role == Role.STUDENT)
        .group_by(Attempt.id, Attempt.user_id, Question.bank_id)
    )
    if filters.bank_id is not None:
        per_attempt = per_attempt.where(Question.bank_id == sa.bindparam("bank"))
    source = per_attempt.subquery()
    return sa.select(source.c.user_id, source.c.bank_id, sa.func.avg(source.c.percent)).group_by(
        source.c.user_id, source.c.bank_id
    )


def bank_means(session: Session, scope: Scope, filters: OverviewFilter, stamps=None):
    """(bank id, mean %, students) per bank: each student's average over their finished
    attempts of the percent on the bank's questions, then the mean over the students in
    scope. Kept until finished answers change (a student's role too, which counts here)."""

    def compute():
        query = _bank_averages_query(scope, filters)
        students: dict[int, list[float]] = {}
        for _, bank_id, average in rows(session, query, **_params(scope, filters)):
            if average is not None:
                students.setdefault(bank_id, []).append(average)
        return tuple(
            (bank, sum(found) / len(found), len(found)) for bank, found in students.items()
        )

    return _kept(session, "bank means", compute, scope, filters, stamps)


_BANKS = sa.select(Bank.id, Bank.slug, Bank.title).order_by(*BANK_ORDER)


def every_bank(session: Session) -> list[ShelfBank]:
    """Every bank, retired ones too, in bank order."""
    return [ShelfBank._make(row) for row in rows(session, _BANKS)]


@cache
def _students_query(users: bool):
    query = sa.select(User.id, User.username, User.cards_studied, User.last_active_at)
    return query.where(User.role == Role.STUDENT, *([_users_in(User.id)] if users else []))


@cache
def _overdue_query(users: bool, bank: bool):
    # Grouped by user_id + 0: SQLite would otherwise walk the (user_id, due) index for the
    # grouping's order, reading every card state, instead of the overdue range of `due`. The
    # cards are checked against a list SQLite makes once, not joined: one lookup less for
    # each overdue card. Without retired cards (the usual case) that list is not even looked
    # up: NOT EXISTS is worked out once and settles the OR for every row.
    if bank:
        of_bank = Card.bank_id == sa.bindparam("bank")
        cards = CardState.card_id.in_(sa.select(Card.id).where(Card.retired_at.is_(None), of_bank))
    else:
        retired = sa.select(Card.id).where(Card.retired_at.is_not(None))
        cards = sa.or_(~sa.exists(retired), CardState.card_id.not_in(retired))
    user_id = CardState.user_id + 0
    return (
        sa.select(user_id, sa.func.count())
        .where(
            CardState.state != NEW,
            CardState.suspended.is_(False),
            CardState.due <= sa.bindparam("cutoff"),
            cards,
            *([_users_in(CardState.user_id)] if users else []),
        )
        .group_by(user_id)
    )


@cache
def _reviews_of_bank_query(users: bool):
    return (
        sa.select(
            Review.user_id,
            sa.func.count(),
            sa.func.sum(sa.case((Review.rating != int(Rating.AGAIN), 1), else_=0)),
        )
        .join(Card, Review.card_id == Card.id)
        .where(
            Review.state_before == REVIEW,
            Card.bank_id == sa.bindparam("bank"),
            Review.reviewed_at >= sa.bindparam("since"),
            Review.reviewed_at < sa.bindparam("until"),
            *([_users_in(Review.user_id)] if users else []),
        )
        .group_by(Review.user_id)
    )


def retention_of(
    session: Session, users: list[int] | None, filters: OverviewFilter, now: datetime
) -> dict[int, tuple[int, int]]:
    """user id -> (reviews of review cards, those not rated Again), for those with reviews,
    over the filters' days, or the last RETENTION_DAYS UTC days (today included) without
    dates; of `users` (every user when None)."""
    since, until = filters.since, filters.until
    if since is None and until is None:
        since = now.date() - timedelta(days=RETENTION_DAYS - 1)
    if filters.bank_id is None:  # the daily tallies kept by each grade and undo
        found = retention.retention_by_user(session, users, since, until)
    else:
        start, end = _days(since, until)
        statement = _reviews_of_bank_query(users is not None)
        found = rows(session, statement, users=users, bank=filters.bank_id,
                     since=start or datetime.min, until=end or datetime.max)  # fmt: skip
    return {user_id: (reviews, remembered) for user_id, reviews, remembered in found if reviews}


@dataclass
class Figures:
    """Every student in scope and their figures, as read (rows are made of them as needed)."""

    students: list[Student]  # in the order read
    attempts: dict[int, tuple[int, float | None, float | None]]  # count, average %, best %
    overdue: dict[int, int]  # review cards due a day ago or earlier
    retention: dict[int, tuple[int, int]] | None  # None: not read for everyone
    stamps: tuple  # all_stamps, for the summary's kept reports

    def column(self, sort: str) -> Callable[[Student], Any]:
        """A student's value in one column of the overview (None: none yet), as a function:
        the sort key, without a method call and a test of `sort` per student."""
        if sort in _STUDENT_COLUMNS:
            return _STUDENT_COLUMNS[sort]
        if sort == "overdue":
            overdue = self.overdue
            return lambda student: overdue.get(student.id, 0)
        if sort == "retention":
            retention = self.retention or {}

            def rate(student: Student) -> float | None:
                reviews, remembered = retention.get(student.id, (0, 0))
                return remembered / reviews if reviews else None

            return rate
        attempts, index, none = self.attempts, _ATTEMPT_COLUMNS.index(sort), (0, None, None)
        return lambda student: attempts.get(student.id, none)[index]


_ATTEMPT_COLUMNS = ("attempts", "average", "best")
_STUDENT_COLUMNS = {
    "name": attrgetter("username"),
    "cards": attrgetter("cards_studied"),
    "last_active": attrgetter("last_active_at"),
}


def read_figures(
    session: Session, scope: Scope, filters: OverviewFilter, now: datetime, retained: bool
) -> Figures:
    """The figures of every student in scope; retention too if `retained`."""
    params = _params(scope, filters)
    users = params["users"]
    found = driver_rows(session, _students_query(users is not None), **params)
    # Made named tuples by tuple.__new__ itself: Student._make is a Python frame per student.
    new = tuple.__new__
    students = [new(Student, row) for row in found]
    ids = {student.id for student in students}
    stamps = all_stamps(session)
    attempts = {
        user_id: (count, average, best)
        for user_id, count, average, best in attempt_figures(session, scope, filters, stamps)
        if user_id in ids
    }
    cutoff = now - timedelta(days=1)
    overdue = driver_rows(session, _overdue_query(users is not None, filters.bank_id is not None),
                          **params, cutoff=cutoff)  # fmt: skip
    return Figures(
        students,
        attempts,
        {user_id: count for user_id, count in overdue if user_id in ids},
        retention_of(session, users, filters, now) if retained else None,
        stamps,
    )
