"""A student's progress: score history, mastery per bank, review calendar, forecast, CSV."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import scheduling, stats
from ..csvfiles import csv_text
from ..models import (
    Attempt,
    AttemptItem,
    Bank,
    Card,
    CardState,
    Question,
    QuestionVersion,
    Review,
    User,
    utcnow,
)
from ..scheduling import Rating
from ..vocab import AttemptStatus
from . import study
from .queries import BANK_ORDER, Shelf, active_shelf, driver_rows, rows
from .quizzes import abandoned_practice, latest_marks, unfinished
from .readiness import (
    BankReadiness,
    CardMemories,
    card_memories,
    memories_of,
    readiness_by_bank,
)
from .report_cache import cached
from .today import ALL_DECKS, Plan, plan_of

FORECAST_DAYS = 30


@dataclass
class ScorePoint:
    attempt_id: int
    when: datetime
    percent: float
    title: str


@dataclass
class BankMastery:
    slug: str
    title: str
    questions: int
    questions_right: int
    cards: int
    cards_retained: int

    @property
    def question_share(self) -> float:
        return self.questions_right / self.questions if self.questions else 0.0

    @property
    def card_share(self) -> float:
        return self.cards_retained / self.cards if self.cards else 0.0


@dataclass
class Dashboard:
    user: User
    scores: list[ScorePoint]
    trend: stats.Trend | None
    mastery: list[BankMastery]
    review_days: dict[date, int]
    streak: int
    forecast: list[int]
    forecast_start: date
    today: study.Deck
    reviews_today: int
    today_date: date
    readiness: list[BankReadiness]
    plan: Plan | None = None  # what to do next, bank by bank (to the student only)


def score_history(session: Session, user: User, hidden: Collection[int] = ()) -> list[ScorePoint]:
    hidden = set(hidden)
    return [
        ScorePoint(aid, when, 100 * score / top if top else 0.0, title)
        for aid, when, score, top, title in driver_rows(session, _SCORES, user=user.id)
        if aid not in hidden
    ]


# Hidden attempts are left out in Python (as in latest_marks): one statement, compiled once.
_SCORES = (
    sa.select(Attempt.id, Attempt.submitted_at, Attempt.score, Attempt.max_score, Attempt.title)
    .where(Attempt.user_id == sa.bindparam("user"), Attempt.status == AttemptStatus.SUBMITTED)
    .order_by(Attempt.submitted_at, Attempt.id)
)


_ACTIVE_CARDS_BY_BANK = (
    sa.select(Card.bank_id, sa.func.count()).where(Card.retired_at.is_(None)).group_by(Card.bank_id)
)


def mastery(
    session: Session,
    user: User,
    now: datetime,
    hidden: Collection[int] = (),
    memories: CardMemories | None = None,
    shelf: Shelf | None = None,
    cards: Counter[int] | None = None,
    marks: dict[int, float] | None = None,
) -> list[BankMastery]:
    """Per active bank: questions right on the latest try, and cards in review whose chance of
    recall is above the student's desired retention (`memories`: card_memories at `now`,
    `shelf`, `cards` (the active cards per bank) and `marks` (latest_marks) when the caller has
    read them already)."""
    marks = latest_marks(session, user, hidden) if marks is None else marks
    memories = card_memories(session, user, now) if memories is None else memories
    shelf = shelf or active_shelf(session)
    cards = dict(rows(session, _ACTIVE_CARDS_BY_BANK).all()) if cards is None else cards
    found = []
    for bank in shelf.banks:
        questions = shelf.questions.get(bank.id, [])
        right = sum(marks.get(qid, 0) >= 1 for qid in questions)
        cards_retained = (cards.get(bank.id, 0), memories.retained[bank.id])
        found.append(BankMastery(bank.slug, bank.title, len(questions), right, *cards_retained))
    return found


# The heatmap's year of reviews, counted per study day. The days before today change only by
# an undo just after midnight or a bulk load, so their counts are kept (report_cache) under
# what they were counted from: how many reviews there are and the newest one's id, read from
# the index in a tenth of the time counting them per day takes. Today's count is read on
# every view.
_PAST_DAYS = (
    (Review.user_id == sa.bindparam("user"))
    & (Review.day >= sa.bindparam("since"))
    & (Review.day < sa.bindparam("today"))
)
_REVIEW_DAYS_STAMP = sa.select(
    sa.select(sa.func.count()).where(_PAST_DAYS).scalar_subquery(),
    sa.select(Review.id)
    .where(_PAST_DAYS)
    .order_by(Review.day.desc(), Review.id.desc())
    .limit(1)
    .scalar_subquery(),
    sa.select(sa.func.count())
    .where(Review.user_id == sa.bindparam("user"), Review.day == sa.bindparam("today"))
    .scalar_subquery(),
)
_PAST_REVIEW_DAYS = sa.select(Review.day, sa.func.count()).where(_PAST_DAYS).group_by(Review.day)


def review_days(session: Session, user: User, since: date, today: date) -> dict[date, int]:
    """The student's reviews on each study day from `since` to `today`, on days with any."""
    params = {"user": user.id, "since": since, "today": today}
    count, newest, today_count = driver_rows(session, _REVIEW_DAYS_STAMP, **params)[0]
    past = cached(
        session,
        ("review days", user.id, since, today, count, newest),
        lambda: dict(driver_rows(session, _PAST_REVIEW_DAYS, **params)),
        shelf="review days",
    )
    return {**past, today: today_count} if today_count else dict(past)


def forecast(
    session: Session, user: User, now: datetime, memories: CardMemories | None = None
) -> tuple[date, list[int]]:
    """Review cards coming due on each of the next 30 study days (overdue ones count today)."""
    today = scheduling.study_day(now, user.timezone)
    memories = card_memories(session, user, now) if memories is None else memories
    dues = memories.review_dues
    return today, scheduling.due_day_counts(dues, today, FORECAST_DAYS, user.timezone)


# Every active card (of any bank: retired banks' cards count in the forecast, as in
# card_memories) with the student's state of it, in study order: the dashboard's card
# memories and today's queue both come from these rows (one query, not two).
_CARDS_AND_STATES = (
    sa.select(
        Card.id,
        Card.bank_id,
        Card.question_id,
        CardState.state,
        CardState.due,
        CardState.suspended,
        CardState.stability,
        CardState.last_review,
        CardState.buried_until,
        Bank.retired_at.is_(None).label("active"),
    )
    .join(Bank, Card.bank_id == Bank.id)
    .outerjoin(
        CardState,
        (CardState.card_id == Card.id) & (CardState.user_id == sa.bindparam("user")),
    )
    .where(Card.retired_at.is_(None))
    .order_by(*BANK_ORDER, Card.position)
)


def _candidates_in(cards: list) -> Callable:
    """Today's queue's candidates (study's own query's cards and states) from the rows of
    _CARDS_AND_STATES (unpacked as tuples: a row's attributes by name cost more)."""

    def candidates(day: date, end: datetime):
        refs, states = [], {}
        for card_id, bank_id, _, state, due, suspended, _, _, buried, active in cards:
            if active and study.is_candidate(state, due, suspended, buried, day, end):
                refs.append(study.CardRef(card_id, bank_id))
                if state is not None:
                    states[card_id] = study.StateRef(card_id, state, due, suspended, buried)
        return refs, states

    return candidates


def dashboard(
    session: Session,
    user: User,
    now: datetime | None = None,
    hidden: Collection[int] = (),
    idle: timedelta | None = None,
) -> Dashboard:
    """The dashboard; `hidden` attempts (assigned ones whose scores are not released to the
    student yet) count nowhere in it. With `idle` (how long a practice may sit untouched), also
    the student's Plan. The card states, the banks and the latest marks are read once, for the
    mastery, the forecast, the readiness, today's queue and the Plan."""
    now = now or utcnow()
    today = scheduling.study_day(now, user.timezone)
    scores = score_history(session, user, hidden)
    days = review_days(session, user, today - timedelta(days=371), today)
    cards = driver_rows(session, _CARDS_AND_STATES, user=user.id)
    memories = memories_of((card[1:8] for card in cards if card[3] is not None), user, now)
    shelf = active_shelf(session)
    marks = latest_marks(session, user, hidden)
    queue = study.build_queue(session, user, None, now, candidates=_candidates_in(cards))
    start, upcoming = forecast(session, user, now, memories)
    per_bank = Counter(card[1] for card in cards)
    return Dashboard(
        user=user,
        scores=scores,
        trend=stats.linear_trend([p.percent for p in scores]),
        mastery=mastery(session, user, now, hidden, memories, shelf, per_bank, marks),
        review_days=days,
        streak=stats.streak((d for d, n in days.items() if n), today),
        forecast=upcoming,
        forecast_start=start,
        today=queue.counts("all", ALL_DECKS),
        reviews_today=days.get(today, 0),
        today_date=today,
        readiness=readiness_by_bank(session, user, now, memories=memories, shelf=shelf),
        plan=None
        if idle is None
        else plan_of(queue, shelf, marks, unfinished(session, user, idle, now)),
    )


def attempts_page(
    session: Session,
    user: User,
    bank: str | None = None,
    mode: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 20,
    idle: timedelta | None = None,
    now: datetime | None = None,
):
    """Finished and unfinished attempts, newest first, filtered; returns (rows, total). With
    `idle` (how long a practice may sit untouched), abandoned practice is left out: discarded,
    closed, or open and idle that long (exams are always listed)."""
    query = sa.select(Attempt).where(Attempt.user_id == user.id)
    if idle is not None:
        query = query.where(sa.not_(abandoned_practice((now or utcnow()) - idle)))
    if bank:
        query = query.where(
            sa.exists(
                sa.select(AttemptItem.id)
                .join(Question, AttemptItem.question_id == Question.id)
                .join(Bank, Question.bank_id == Bank.id)
                .where(AttemptItem.attempt_id == Attempt.id, Bank.slug == bank)
            )
        )
    if mode:
        query = query.where(Attempt.mode == mode)
    if since:
        query = query.where(Attempt.started_at >= datetime.combine(since, datetime.min.time()))
    if until:
        query = query.where(Attempt.started_at <= datetime.combine(until, datetime.max.time()))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return rows, total


def attempts_csv(session: Session, user: User, hidden: Collection[int] = ()) -> str:
    """Every attempt with its answers; the score and points of `hidden` attempts are left
    blank (their review options do not show them yet)."""
    rows = session.execute(
        sa.select(Attempt, AttemptItem, Question, Bank, QuestionVersion)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(Question, AttemptItem.question_id == Question.id)
        .join(Bank, Question.bank_id == Bank.id)
        .join(QuestionVersion, AttemptItem.version_id == QuestionVersion.id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id, AttemptItem.position)
    )
    header = [
        "attempt_id", "title", "mode", "status", "started_at", "submitted_at", "score",
        "max_score", "position", "question", "version", "type", "response", "points",
        "max_points", "regraded_from_points",
    ]  # fmt: skip
    return csv_text(
        header,
        (
            (
                a.id,
                a.title,
                a.mode,
                a.status,
                a.started_at.isoformat(),
                a.submitted_at.isoformat() if a.submitted_at else "",
                "" if a.id in hidden else round(a.score, 4),
                a.max_score,
                i.position + 1,
                f"{b.slug}/{q.slug}",
                v.number,
                v.type,
                json.dumps(i.response, ensure_ascii=False) if i.response is not None else "",
                "" if a.id in hidden else round(i.points, 4),
                i.max_points,
                "" if i.original_points is None or a.id in hidden else round(i.original_points, 4),
            )  # fmt: skip
            for a, i, q, b, v in rows
        ),
    )


def reviews_csv(session: Session, user: User) -> str:
    rows = session.execute(
        sa.select(Review, Card, Bank)
        .join(Card, Review.card_id == Card.id)
        .join(Bank, Card.bank_id == Bank.id)
        .where(Review.user_id == user.id)
        .order_by(Review.reviewed_at, Review.id)
    )
    header = [
        "reviewed_at", "study_day", "card", "rating", "interval_days", "stability",
        "difficulty", "duration_ms",
    ]  # fmt: skip
    return csv_text(
        header,
        (
            (
                r.reviewed_at.isoformat(),
                r.day.isoformat(),
                f"{b.slug}/{c.slug}",
                Rating(r.rating).name.lower(),
                round(r.interval_days, 4),
                "" if r.stability is None else round(r.stability, 4),
                "" if r.difficulty is None else round(r.difficulty, 4),
                r.duration_ms or "",
            )  # fmt: skip
            for r, c, b in rows
        ),
    )
