"""A student's progress: score history, mastery per bank, review calendar, forecast, CSV."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection
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
from ..scheduling import REVIEW, Rating
from ..vocab import AttemptStatus
from . import study
from .queries import active_banks
from .quizzes import latest_marks

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


def score_history(session: Session, user: User, hidden: Collection[int] = ()) -> list[ScorePoint]:
    rows = session.execute(
        sa.select(Attempt.id, Attempt.submitted_at, Attempt.score, Attempt.max_score, Attempt.title)
        .where(
            Attempt.user_id == user.id,
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.id.not_in(hidden),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    )
    return [
        ScorePoint(aid, when, 100 * score / top if top else 0.0, title)
        for aid, when, score, top, title in rows
    ]


def mastery(
    session: Session, user: User, now: datetime, hidden: Collection[int] = ()
) -> list[BankMastery]:
    marks = latest_marks(session, user, hidden)
    banks = active_banks(session)
    questions = session.execute(
        sa.select(Question.id, Question.bank_id).where(Question.retired_at.is_(None))
    ).all()
    cards = session.execute(sa.select(Card.id, Card.bank_id).where(Card.retired_at.is_(None))).all()
    states = {
        s.card_id: s
        for s in session.scalars(
            sa.select(CardState).where(CardState.user_id == user.id, CardState.state == REVIEW)
        )
    }
    prefs = study.preferences(user)
    per_bank: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for qid, bank_id in questions:
        per_bank[bank_id][0] += 1
        per_bank[bank_id][1] += marks.get(qid, 0) >= 1
    for cid, bank_id in cards:
        per_bank[bank_id][2] += 1
        state = states.get(cid)
        if state is not None:
            r = scheduling.retrievability(study.memory_of(state), now, prefs)
            per_bank[bank_id][3] += r is not None and r > user.desired_retention
    return [BankMastery(b.slug, b.title, *per_bank[b.id]) for b in banks]


def review_days(session: Session, user: User, since: date) -> dict[date, int]:
    rows = session.execute(
        sa.select(Review.day, sa.func.count())
        .where(Review.user_id == user.id, Review.day >= since)
        .group_by(Review.day)
    )
    return dict(rows.all())


def forecast(session: Session, user: User, now: datetime) -> tuple[date, list[int]]:
    """Review cards coming due on each of the next 30 study days (overdue ones count today)."""
    today = scheduling.study_day(now, user.timezone)
    horizon = scheduling.day_end(today + timedelta(days=FORECAST_DAYS - 1), user.timezone)
    dues = session.scalars(
        sa.select(CardState.due)
        .join(Card, CardState.card_id == Card.id)
        .where(
            CardState.user_id == user.id,
            CardState.state == REVIEW,
            CardState.suspended.is_(False),
            CardState.due < horizon,
            Card.retired_at.is_(None),
        )
    )
    counts = Counter(max(today, scheduling.study_day(due, user.timezone)) for due in dues)
    return today, [counts.get(today + timedelta(days=i), 0) for i in range(FORECAST_DAYS)]


def dashboard(
    session: Session, user: User, now: datetime | None = None, hidden: Collection[int] = ()
) -> Dashboard:
    """The dashboard; `hidden` attempts (assigned ones whose scores are not released to the
    student yet) count nowhere in it."""
    now = now or utcnow()
    today = scheduling.study_day(now, user.timezone)
    scores = score_history(session, user, hidden)
    days = review_days(session, user, today - timedelta(days=371))
    start, upcoming = forecast(session, user, now)
    return Dashboard(
        user=user,
        scores=scores,
        trend=stats.linear_trend([p.percent for p in scores]),
        mastery=mastery(session, user, now, hidden),
        review_days=days,
        streak=stats.streak({d for d, n in days.items() if n}, today),
        forecast=upcoming,
        forecast_start=start,
        today=study.deck_counts(session, user, None, now),
        reviews_today=days.get(today, 0),
        today_date=today,
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
):
    """Finished and unfinished attempts, newest first, filtered; returns (rows, total)."""
    query = sa.select(Attempt).where(Attempt.user_id == user.id)
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
