"""For instructors: the class overview. Each student in scope with their finished attempts,
average and best (of one bank's questions and within dates, when filtered), last activity,
cards studied, overdue cards and retention, with badges for who is behind; and the class
summary above it: the class average, a histogram of students' averages, per-bank averages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..csvfiles import csv_text
from ..models import (
    Attempt,
    AttemptItem,
    Bank,
    Card,
    CardState,
    Question,
    RetentionDay,
    Review,
    User,
    utcnow,
)  # fmt: skip
from ..scheduling import NEW, REVIEW, Rating
from ..vocab import AttemptStatus, Role
from . import retention
from .classes.scope import EVERYONE, Scope
from .queries import BANK_ORDER
from .report_cache import all_stamps, cached

SORT_KEYS = (
    "name", "attempts", "average", "best", "last_active", "cards", "overdue", "retention",
)  # fmt: skip
INACTIVE_DAYS = 7  # "inactive 7 days"
LOW_AVERAGE = 50  # "average below 50%"
MANY_OVERDUE = 10  # "N overdue cards" from this many
RETENTION_DAYS = 30  # without dates, retention is over the last 30 UTC days (today included)
HISTOGRAM_BINS = 10  # students' averages in tens: 0-9%, ..., 90-100%


@dataclass(frozen=True)
class OverviewFilter:
    """One bank's questions and cards only; finished attempts and reviews between two days
    (inclusive, in UTC)."""

    bank_id: int | None = None
    since: date | None = None
    until: date | None = None

    def between(self, column) -> list:
        """WHERE clauses keeping `column` (a naive UTC time) within the days."""
        clauses = []
        if self.since:
            clauses.append(column >= datetime.combine(self.since, time()))
        if self.until:
            clauses.append(column < datetime.combine(self.until + timedelta(days=1), time()))
        return clauses


EVERYTHING = OverviewFilter()


class Student(NamedTuple):
    """What the class overview shows of a student's account (read as columns, not rows)."""

    id: int
    username: str
    cards_studied: int
    last_active_at: datetime | None


@dataclass
class StudentRow:
    user: Student
    attempts: int = 0
    average: float | None = None
    best: float | None = None
    last_active: datetime | None = None
    cards: int = 0
    overdue: int = 0  # review cards due a day ago or earlier
    retention: float | None = None  # share of reviews of review cards not rated Again (0..1)
    reviews: int = 0  # the reviews retention counts
    badges: list[str] = field(default_factory=list)


def attempt_figures(session: Session, scope: Scope, filters: OverviewFilter = EVERYTHING):
    """(user id, finished attempts, average %, best %) per student; with a bank, each
    attempt's percent on that bank's questions. Kept until finished answers change
    (report_cache)."""
    where = [Attempt.status == AttemptStatus.SUBMITTED, *scope.attempt_clauses()]
    where += filters.between(Attempt.submitted_at)
    if filters.bank_id is None:
        percent = 100 * Attempt.score / sa.func.nullif(Attempt.max_score, 0)
        source = sa.select(Attempt.user_id, percent.label("percent")).where(*where).subquery()
    else:
        source = (
            sa.select(
                Attempt.user_id,
                (
                    100 * sa.func.sum(AttemptItem.points)
                    / sa.func.nullif(sa.func.sum(AttemptItem.max_points), 0)
                ).label("percent"),
            )
            .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
            .join(Question, AttemptItem.question_id == Question.id)
            .where(*where, Question.bank_id == filters.bank_id)
            .group_by(Attempt.id, Attempt.user_id)
            .subquery()
        )  # fmt: skip
    query = sa.select(
        source.c.user_id,
        sa.func.count(),
        sa.func.avg(source.c.percent),
        sa.func.max(source.c.percent),
    ).group_by(source.c.user_id)
    return cached(
        session,
        ("attempt figures", scope, filters, all_stamps(session)),
        lambda: tuple(tuple(row) for row in session.execute(query)),
    )


def _overdue(session: Session, scope: Scope, filters: OverviewFilter, now: datetime):
    # Grouped by user_id + 0: SQLite would otherwise walk the (user_id, due) index for the
    # grouping's order, reading every card state, instead of the overdue range of `due`.
    user_id = CardState.user_id + 0
    query = (
        sa.select(user_id, sa.func.count())
        .join(Card, CardState.card_id == Card.id)
        .where(
            CardState.state != NEW,
            CardState.suspended.is_(False),
            CardState.due <= now - timedelta(days=1),
            Card.retired_at.is_(None),
            *scope.user_clauses(CardState.user_id),
        )
        .group_by(user_id)
    )
    if filters.bank_id is not None:
        query = query.where(Card.bank_id == filters.bank_id)
    return session.connection().execute(query).all()


def _retention(session: Session, scope: Scope, filters: OverviewFilter, now: datetime):
    """(user id, reviews of review cards, those not rated Again) over the filters' days, or
    the last RETENTION_DAYS UTC days (today included) without dates."""
    since, until = filters.since, filters.until
    if since is None and until is None:
        since = now.date() - timedelta(days=RETENTION_DAYS - 1)
    if filters.bank_id is None:  # the daily tallies kept by each grade and undo
        return retention.retention_by_user(
            session, scope.user_clauses(RetentionDay.user_id), since, until
        )
    window = OverviewFilter(since=since, until=until).between(Review.reviewed_at)
    query = (
        sa.select(
            Review.user_id,
            sa.func.count(),
            sa.func.sum(sa.case((Review.rating != int(Rating.AGAIN), 1), else_=0)),
        )
        .join(Card, Review.card_id == Card.id)
        .where(
            Review.state_before == REVIEW,
            Card.bank_id == filters.bank_id,
            *window,
            *scope.user_clauses(Review.user_id),
        )
        .group_by(Review.user_id)
    )
    return session.connection().execute(query).all()


def _badges(row: StudentRow, now: datetime) -> list[str]:
    badges = []
    if row.last_active is None or row.last_active < now - timedelta(days=INACTIVE_DAYS):
        badges.append(f"inactive {INACTIVE_DAYS} days")
    if row.average is not None and row.average < LOW_AVERAGE:
        badges.append(f"average below {LOW_AVERAGE}%")
    if row.overdue >= MANY_OVERDUE:
        badges.append(f"{row.overdue} overdue cards")
    return badges


def class_overview(
    session: Session,
    sort: str = "name",
    descending: bool = False,
    scope: Scope = EVERYONE,
    filters: OverviewFilter = EVERYTHING,
    now: datetime | None = None,
) -> list[StudentRow]:
    """Every student in scope with their figures (of one assignment, if the scope says so;
    of one bank and between two days, if the filters say so), sorted by one column."""
    now = now or utcnow()
    query = sa.select(User.id, User.username, User.cards_studied, User.last_active_at).where(
        User.role == Role.STUDENT, *scope.user_clauses()
    )
    students = {
        row.id: StudentRow(Student._make(row)) for row in session.connection().execute(query)
    }
    for user_id, count, average, best in attempt_figures(session, scope, filters):
        if user_id in students:
            row = students[user_id]
            row.attempts, row.average, row.best = count, average, best
    for user_id, count in _overdue(session, scope, filters, now):
        if user_id in students:
            students[user_id].overdue = count
    for user_id, reviews, remembered in _retention(session, scope, filters, now):
        if user_id in students and reviews:
            students[user_id].reviews, students[user_id].retention = reviews, remembered / reviews
    for row in students.values():
        # Counters kept by each review and submission: no scan of every review here.
        row.cards = row.user.cards_studied
        row.last_active = row.user.last_active_at
        row.badges = _badges(row, now)
    sort = sort if sort in SORT_KEYS else "name"

    def value(row: StudentRow):
        return row.user.username if sort == "name" else getattr(row, sort)

    # Students without a value (no attempts yet) come last whichever way the column sorts.
    present = sorted((r for r in students.values() if value(r) is not None), key=value)
    missing = sorted(
        (r for r in students.values() if value(r) is None), key=lambda r: r.user.username
    )
    return (present[::-1] if descending else present) + missing


@dataclass(frozen=True)
class BankAverage:
    bank: Bank
    average: float  # the mean of its students' averages on its questions, %
    students: int


@dataclass
class ClassSummary:
    """The header of the class overview."""

    students: int
    averaged: int  # students with a finished attempt (in the filters)
    average: float | None  # the mean of the students' averages, %
    histogram: list[int]  # students per tenth of the range: 0-9%, ..., 90-100%
    banks: list[BankAverage]
    badges: dict[str, int]  # badge kind -> students with it

    @staticmethod
    def bin_labels() -> list[str]:
        return [f"{10 * i}–{10 * i + 9}%" for i in range(HISTOGRAM_BINS - 1)] + ["90–100%"]


def class_summary(
    session: Session,
    rows: list[StudentRow],
    scope: Scope = EVERYONE,
    filters: OverviewFilter = EVERYTHING,
    now: datetime | None = None,
) -> ClassSummary:
    """The class's figures over the overview's rows (and the same scope and filters)."""
    now = now or utcnow()
    averages = [r.average for r in rows if r.average is not None]
    histogram = [0] * HISTOGRAM_BINS
    for value in averages:
        histogram[min(HISTOGRAM_BINS - 1, max(0, int(value // 10)))] += 1
    kinds = {
        "inactive": sum(any(b.startswith("inactive") for b in r.badges) for r in rows),
        "low": sum(any(b.startswith("average below") for b in r.badges) for r in rows),
        "overdue": sum(any(b.endswith("overdue cards") for b in r.badges) for r in rows),
    }
    return ClassSummary(
        len(rows),
        len(averages),
        sum(averages) / len(averages) if averages else None,
        histogram,
        _bank_averages(session, {r.user.id for r in rows}, scope, filters, now),
        kinds,
    )


def _bank_averages(
    session: Session, users: set[int], scope: Scope, filters: OverviewFilter, now: datetime
) -> list[BankAverage]:
    """Per bank: each student's average percent over their finished attempts' questions of
    that bank, then the mean over the students. Kept until finished answers change."""
    per_attempt = (
        sa.select(
            Attempt.user_id,
            Question.bank_id,
            (
                100 * sa.func.sum(AttemptItem.points)
                / sa.func.nullif(sa.func.sum(AttemptItem.max_points), 0)
            ).label("percent"),
        )
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(Question, AttemptItem.question_id == Question.id)
        .where(
            Attempt.status == AttemptStatus.SUBMITTED,
            *scope.attempt_clauses(),
            *filters.between(Attempt.submitted_at),
        )
        .group_by(Attempt.id, Attempt.user_id, Question.bank_id)
    )  # fmt: skip
    if filters.bank_id is not None:
        per_attempt = per_attempt.where(Question.bank_id == filters.bank_id)
    source = per_attempt.subquery()
    query = sa.select(source.c.user_id, source.c.bank_id, sa.func.avg(source.c.percent)).group_by(
        source.c.user_id, source.c.bank_id
    )
    averages = cached(
        session,
        ("bank averages", scope, filters, all_stamps(session)),
        lambda: tuple(tuple(row) for row in session.execute(query)),
    )
    students: dict[int, list[float]] = defaultdict(list)
    for user_id, bank_id, average in averages:
        if user_id in users and average is not None:
            students[bank_id].append(average)
    banks = session.scalars(sa.select(Bank).where(Bank.id.in_(students)).order_by(*BANK_ORDER))
    return [BankAverage(b, sum(students[b.id]) / len(students[b.id]), len(students[b.id]))
            for b in banks]  # fmt: skip


def class_csv(
    session: Session, scope: Scope = EVERYONE, filters: OverviewFilter = EVERYTHING
) -> str:
    rows = class_overview(session, scope=scope, filters=filters)
    header = [
        "username", "attempts", "average_percent", "best_percent", "last_active",
        "cards_studied", "overdue_cards", "retention_percent",
    ]  # fmt: skip
    return csv_text(
        header,
        (
            (
                r.user.username,
                r.attempts,
                "" if r.average is None else round(r.average, 1),
                "" if r.best is None else round(r.best, 1),
                r.last_active.isoformat() if r.last_active else "",
                r.cards,
                r.overdue,
                "" if r.retention is None else round(100 * r.retention, 1),
            )  # fmt: skip
            for r in rows
        ),
    )
