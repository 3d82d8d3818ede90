"""The daily retention tallies (services/retention.py) always equal a count of the reviews
themselves, whatever mix of grades, undos and bulk loads wrote them; the class overview reads
its Retention column from them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, RetentionDay, Review, User
from quizapp.scheduling import REVIEW, Rating
from quizapp.services import overview, retention, study
from tests.factories import make_user


def counted_from_reviews() -> dict:
    """(user, UTC day) -> (reviews of learnt cards, not rated Again), from the review log."""
    counts: dict = {}
    for user_id, at, rating in db.session.execute(
        sa.select(Review.user_id, Review.reviewed_at, Review.rating).where(
            Review.state_before == REVIEW
        )
    ):
        reviews, remembered = counts.get((user_id, at.date()), (0, 0))
        counts[user_id, at.date()] = (reviews + 1, remembered + (rating != Rating.AGAIN))
    return counts


def tallied() -> dict:
    return {
        (t.user_id, t.day): (t.reviews, t.remembered)
        for t in db.session.scalars(sa.select(RetentionDay))
        if t.reviews  # a day whose reviews were all undone keeps a row of zeros
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grades_and_undos_keep_the_tallies_equal_to_the_reviews(sample_app, seed):
    rng = random.Random(seed)
    students = [make_user(sample_app, f"tally{n}") for n in range(2)]
    start = datetime(2026, 3, 1, 22, 30)  # near midnight: grades fall on both sides of it
    with sample_app.app_context():
        cards = db.session.scalars(sa.select(Card.id).order_by(Card.id).limit(4)).all()
        for step in range(60):
            owner = db.session.get(User, rng.choice(students).id)
            card = rng.choice(cards)
            info = study.card_info(db.session, owner, card, now=start)
            version = info.state.version if info.state else 0
            now = start + timedelta(days=step // 6, hours=rng.uniform(0, 3))
            rating = Rating.EASY if version == 0 else rng.choice(list(Rating))
            review = study.grade_card(db.session, owner, card, version, rating, now=now)
            if rng.random() < 0.25:
                study.undo(db.session, owner, review.id)
        assert any(state == REVIEW for state in db.session.scalars(sa.select(Review.state_before)))
        assert tallied() == counted_from_reviews()


def test_bulk_loads_and_the_overview_read_the_same_counts(sample_app):
    student = make_user(sample_app, "bulk")
    now = datetime(2026, 5, 20, 12)
    with sample_app.app_context():
        card = db.session.scalar(sa.select(Card.id).limit(1))
        ratings = [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD, Rating.AGAIN]
        retention.add_reviews(
            db.session,
            [
                {"user_id": student.id, "card_id": card, "rating": int(rating),
                 "reviewed_at": now - timedelta(days=n * 8, minutes=n),
                 "day": (now - timedelta(days=n * 8)).date(), "state_before": REVIEW,
                 "state_after": REVIEW, "interval_days": 1.0, "before": {}}
                for n, rating in enumerate(ratings)
            ],
        )  # fmt: skip
        db.session.commit()
        assert tallied() == counted_from_reviews()
        (row,) = overview.class_overview(db.session, now=now)
        assert (row.reviews, row.retention) == (4, 0.75)  # 0, 8, 16 and 24 days ago; not 32
        everything = overview.OverviewFilter(since=(now - timedelta(days=60)).date())
        (row,) = overview.class_overview(db.session, filters=everything, now=now)
        assert (row.reviews, row.retention) == (5, 0.6)
        # The page reads retention for its own rows only, unless it sorts by retention.
        for sort in ("name", "retention"):
            page = overview.overview_page(db.session, sort, filters=everything, now=now)
            assert page.rows == [row] and page.total == 1
