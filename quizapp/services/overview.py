"""For instructors: the class overview. Each student in scope with their finished attempts,
average and best (of one bank's questions and within dates, when filtered), last activity,
cards studied, overdue cards and retention, with badges for who is behind; and the class
summary above it: the class average, a histogram of students' averages, per-bank averages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from sqlalchemy.orm import Session

from ..csvfiles import csv_text
from ..models import utcnow
from .classes.scope import EVERYONE, Scope
from .overview_figures import (  # noqa: F401 (attempt_figures, Student: part of this module's API)
    EVERYTHING,
    Figures,
    OverviewFilter,
    Student,
    attempt_figures,
    bank_means,
    every_bank,
    read_figures,
    retention_of,
)
from .queries import ShelfBank

SORT_KEYS = (
    "name", "attempts", "average", "best", "last_active", "cards", "overdue", "retention",
)  # fmt: skip
INACTIVE_DAYS = 7  # "inactive 7 days"
LOW_AVERAGE = 50  # "average below 50%"
MANY_OVERDUE = 10  # "N overdue cards" from this many
HISTOGRAM_BINS = 10  # students' averages in tens: 0-9%, ..., 90-100%


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


# Who is behind: each badge's rule, used for a row's badges and the summary's counts alike.
def _inactive(last_active: datetime | None, since: datetime) -> bool:
    return last_active is None or last_active < since


def _low(average: float | None) -> bool:
    return average is not None and average < LOW_AVERAGE


def _many_overdue(overdue: int) -> bool:
    return overdue >= MANY_OVERDUE


def _badges(row: StudentRow, since: datetime) -> list[str]:
    badges = []
    if _inactive(row.last_active, since):
        badges.append(f"inactive {INACTIVE_DAYS} days")
    if _low(row.average):
        badges.append(f"average below {LOW_AVERAGE}%")
    if _many_overdue(row.overdue):
        badges.append(f"{row.overdue} overdue cards")
    return badges


def _active_since(now: datetime) -> datetime:
    return now - timedelta(days=INACTIVE_DAYS)


def _row(figures: Figures, student: Student, retained: dict, since: datetime) -> StudentRow:
    count, average, best = figures.attempts.get(student.id, (0, None, None))
    reviews, remembered = retained.get(student.id, (0, 0))
    # Counters kept by each review and submission: no scan of every review here.
    row = StudentRow(
        student, count, average, best, student.last_active_at, student.cards_studied,
        figures.overdue.get(student.id, 0), remembered / reviews if reviews else None, reviews,
    )  # fmt: skip
    row.badges = _badges(row, since)
    return row


_USERNAME = attrgetter("username")


def _sorted(figures: Figures, sort: str, descending: bool) -> list[Student]:
    value = figures.column(sort)
    # Students without a value (no attempts yet) come last whichever way the column sorts.
    present = sorted((s for s in figures.students if value(s) is not None), key=value)
    missing = sorted((s for s in figures.students if value(s) is None), key=_USERNAME)
    return (present[::-1] if descending else present) + missing


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
    sort = sort if sort in SORT_KEYS else "name"
    figures = read_figures(session, scope, filters, now, retained=True)
    retained = figures.retention or {}
    since = _active_since(now)
    return [_row(figures, s, retained, since) for s in _sorted(figures, sort, descending)]


@dataclass(frozen=True)
class BankAverage:
    bank: ShelfBank
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


@dataclass
class OverviewPage:
    """One page of the class overview's table, and the summary of the whole class."""

    rows: list[StudentRow]
    total: int  # students in scope
    page: int  # from 1
    pages: int
    first: int  # the index of the page's first row among all of them
    summary: ClassSummary


def overview_page(
    session: Session,
    sort: str = "name",
    descending: bool = False,
    scope: Scope = EVERYONE,
    filters: OverviewFilter = EVERYTHING,
    page: int = 1,
    per_page: int = 50,
    now: datetime | None = None,
) -> OverviewPage:
    """class_overview's rows of one page (the last, if `page` is beyond it) and the summary
    of every student in scope. Only the page's rows are made, and retention is read for
    those students only (unless the table is sorted by it)."""
    now = now or utcnow()
    sort = sort if sort in SORT_KEYS else "name"
    figures = read_figures(session, scope, filters, now, retained=sort == "retention")
    ordered = _sorted(figures, sort, descending)
    pages = max(1, -(-len(ordered) // per_page))
    page = min(max(1, page), pages)
    first = (page - 1) * per_page
    shown = ordered[first : first + per_page]
    retained, since = figures.retention, _active_since(now)
    if retained is None:
        retained = retention_of(session, [s.id for s in shown], filters, now) if shown else {}
    return OverviewPage(
        [_row(figures, s, retained, since) for s in shown],
        len(ordered),
        page,
        pages,
        first,
        _summary(session, figures, scope, filters, now),
    )


def _summary(
    session: Session, figures: Figures, scope: Scope, filters: OverviewFilter, now: datetime
) -> ClassSummary:
    """The class's figures over every student in scope (and the same filters)."""
    averages = [a for _, a, _ in figures.attempts.values() if a is not None]
    histogram = [0] * HISTOGRAM_BINS
    for value in averages:
        histogram[min(HISTOGRAM_BINS - 1, max(0, int(value // 10)))] += 1
    since = _active_since(now)  # as _badges decides, over every student at once
    kinds = {
        "inactive": sum(1 for s in figures.students if _inactive(s.last_active_at, since)),
        "low": sum(1 for a in averages if _low(a)),
        "overdue": sum(1 for count in figures.overdue.values() if _many_overdue(count)),
    }
    return ClassSummary(
        len(figures.students),
        len(averages),
        sum(averages) / len(averages) if averages else None,
        histogram,
        _bank_averages(session, figures, scope, filters),
        kinds,
    )


def _bank_averages(
    session: Session, figures: Figures, scope: Scope, filters: OverviewFilter
) -> list[BankAverage]:
    """Per bank: each student's average percent over their finished attempts' questions of
    that bank, then the mean over the students."""
    means = {
        bank: (mean, n) for bank, mean, n in bank_means(session, scope, filters, figures.stamps)
    }
    if not means:
        return []
    return [BankAverage(b, *means[b.id]) for b in every_bank(session) if b.id in means]


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
