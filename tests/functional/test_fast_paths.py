"""The hot requests' fast paths (issue 15) against the plain ORM computation, on demo data."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp import scheduling
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptItem,
    Bank,
    Card,
    CardState,
    Question,
    Review,
    User,
)
from quizapp.scheduling import Rating
from quizapp.services import classes, progress, quizzes, review, study
from quizapp.services.queries import active_banks, active_shelf, driver_rows
from quizapp.services.quizzes import latest_marks
from quizapp.services.readiness import card_memories, memories_of, readiness_by_bank
from quizapp.services.review import hidden_attempt_ids
from quizapp.services.study import memory_of, preferences
from quizapp.services.today import bank_today, today
from quizapp.vocab import Role


def students():
    return db.session.scalars(sa.select(User).where(User.role == Role.STUDENT)).all()


def test_latest_marks_are_each_questions_latest_graded_answer(demo_app):
    with demo_app.app_context():
        for user in students():
            items = db.session.scalars(
                sa.select(AttemptItem)
                .join(Attempt, AttemptItem.attempt_id == Attempt.id)
                .where(Attempt.user_id == user.id, AttemptItem.fraction.is_not(None))
            ).all()
            latest = {}
            for item in sorted(items, key=lambda i: (i.answered_at, i.id)):
                latest[item.question_id] = item.fraction
            assert latest_marks(db.session, user) == latest
            first = items[0].attempt_id if items else 0
            without = {
                q: f for q, f in latest_marks(db.session, user, [first]).items() if f is not None
            }
            expected = {}
            for item in sorted(items, key=lambda i: (i.answered_at, i.id)):
                if item.attempt_id != first:
                    expected[item.question_id] = item.fraction
            assert without == expected


def test_the_shelf_lists_active_banks_and_their_active_questions_in_order(demo_app):
    with demo_app.app_context():
        db.session.execute(sa.update(Bank).where(Bank.id == 1).values(retired_at=sa.func.now()))
        db.session.execute(
            sa.update(Question).where(Question.bank_id == 2, Question.position < 3)
            .values(retired_at=sa.func.now())
        )  # fmt: skip
        shelf = active_shelf(db.session)
        banks = active_banks(db.session)
        assert [(b.id, b.slug, b.title) for b in shelf.banks] == [
            (b.id, b.slug, b.title) for b in banks
        ]
        for bank in banks:
            questions = db.session.scalars(
                sa.select(Question.id)
                .where(Question.bank_id == bank.id, Question.retired_at.is_(None))
                .order_by(Question.position, Question.id)
            ).all()
            assert shelf.questions[bank.id] == questions
        db.session.rollback()


def test_the_next_card_shows_the_stored_card_and_memory(demo_app):
    with demo_app.app_context():
        for user in students():
            item, _ = study.next_card(db.session, user, None)
            if item is None:
                continue
            card = db.session.get(Card, item.card.id)
            state = db.session.scalar(
                sa.select(CardState).where(
                    CardState.user_id == user.id, CardState.card_id == card.id
                )
            )
            assert (item.card.front, item.card.back) == (card.front, card.back)
            assert (item.card.bank.slug, item.card.bank.title) == (card.bank.slug, card.bank.title)
            assert item.memory == memory_of(state)
            assert item.version == (state.version if state else 0)


def test_the_queues_candidates_are_the_orm_computation(demo_app):
    """The candidates read on SQLite's own cursor are the cards and states the ORM reads,
    with suspended and buried cards left out as is_candidate says."""
    with demo_app.app_context():
        users = students()[:6]
        states = db.session.scalars(
            sa.select(CardState).where(CardState.user_id == users[0].id).order_by(CardState.id)
        ).all()
        now = scheduling._naive(scheduling._aware(db.session.scalar(sa.func.now())))
        day = scheduling.study_day(now, users[0].timezone)
        states[0].suspended = True
        states[1].buried_until = day
        states[2].buried_until = day - timedelta(days=1)
        db.session.commit()
        order = {
            card.id: index
            for index, card in enumerate(
                db.session.scalars(
                    sa.select(Card)
                    .join(Bank, Card.bank_id == Bank.id)
                    .where(Card.retired_at.is_(None), Bank.retired_at.is_(None))
                    .order_by(Bank.position, Bank.id, Card.position)
                )
            )
        }
        for user in users:
            end = scheduling.day_end(day, user.timezone)
            mine = {
                state.card_id: state
                for state in db.session.scalars(
                    sa.select(CardState).where(CardState.user_id == user.id)
                )
            }
            expected = []
            for card_id in order:
                state = mine.get(card_id)
                fields = (
                    (state.state, state.due, state.suspended, state.buried_until)
                    if state
                    else (None,) * 4
                )
                if study.is_candidate(*fields, day, end):
                    expected.append((card_id, state and fields))
            cards, found = study.queue._candidates(db.session, user, day, end)
            assert [card.id for card in cards] == [card_id for card_id, _ in expected]
            assert {
                card_id: (s.state, s.due, s.suspended, s.buried_until)
                for card_id, s in found.items()
            } == {card_id: fields for card_id, fields in expected if fields}
            assert all(isinstance(s.suspended, bool) for s in found.values())


def test_a_grade_stores_the_scheduled_memory_and_its_review(demo_app):
    with demo_app.app_context():
        for user in students()[:4]:
            item, _ = study.next_card(db.session, user, None)
            now = scheduling._naive(scheduling._aware(db.session.scalar(sa.func.now())))
            before = item.memory
            expected = scheduling.review(before, Rating.GOOD, now, item.card.id, preferences(user))
            review = study.grade_card(db.session, user, item.card.id, item.version, Rating.GOOD,
                                      1200, now=now)  # fmt: skip
            db.session.expire_all()
            state = db.session.scalar(
                sa.select(CardState).where(
                    CardState.user_id == user.id, CardState.card_id == item.card.id
                )
            )
            assert memory_of(state) == expected.memory
            assert state.version == item.version + 1 and not state.suspended
            stored = db.session.get(Review, review.id)
            assert (stored.card_id, stored.rating, stored.duration_ms) == (
                item.card.id, Rating.GOOD, 1200
            )  # fmt: skip
            assert stored.before == before.snapshot()
            assert stored.interval_days == review.interval_days
            assert stored.state_after == expected.memory.state


def test_the_report_filters_offer_the_taught_classes_and_their_quizzes(demo_app):
    with demo_app.app_context():
        staff = db.session.scalars(sa.select(User).where(User.role != Role.STUDENT)).all()
        assert staff
        for viewer in staff:
            courses = classes.taught_courses(db.session, viewer)
            choices = classes.taught_choices(db.session, viewer)
            assert choices.courses == [(c.id, c.name, c.term) for c in courses]
            assert choices.quizzes == [
                (a.id, a.title, c.name) for c in courses for a in c.assignments if a.is_quiz
            ]


def test_the_dashboard_reads_card_states_once_and_counts_as_the_services_do(
    demo_app_at_clock, clock
):
    """Today's counts, forecast, mastery and readiness from one read of the cards equal those
    of the study queue's and card_memories' own queries (a retired bank, suspended and buried
    cards included)."""
    now = clock.now()
    with demo_app_at_clock.app_context():
        people = students()
        some = db.session.scalars(sa.select(CardState).where(CardState.user_id == people[0].id))
        for i, state in enumerate(some):
            if i % 7 == 0:
                state.suspended = True
            elif i % 7 == 1:
                state.buried_until = scheduling.study_day(now, "UTC")
        db.session.execute(sa.update(Bank).where(Bank.id == 2).values(retired_at=now))
        db.session.commit()
        for user in people:
            board = progress.dashboard(db.session, user, now)
            assert board.today == study.deck_counts(db.session, user, None, now)
            assert (board.forecast_start, board.forecast) == progress.forecast(
                db.session, user, now
            )
            assert board.mastery == progress.mastery(db.session, user, now)
            assert board.readiness == readiness_by_bank(db.session, user, now)
            plain = card_memories(db.session, user, now)
            cards = db.session.execute(progress._CARDS_AND_STATES, {"user": user.id}).all()
            fast = memories_of((c[1:8] for c in cards if c.state is not None), user, now)
            assert (fast.retained, fast.recall) == (plain.retained, plain.recall)
            assert sorted(fast.review_dues) == sorted(plain.review_dues)  # order is not kept


def test_the_dashboards_plan_and_a_banks_row_count_as_today_does(demo_app_at_clock, clock):
    """The dashboard's Plan (from the dashboard's own reads), the standalone Today and one
    bank's row (bank_today) give the same counts, and those are study's decks and each bank's
    latest marks (a retired bank and an unfinished practice included)."""
    idle, now = timedelta(days=7), clock.now()
    with demo_app_at_clock.app_context():
        people = students()
        first = active_shelf(db.session).banks[0].slug
        request = quizzes.QuizRequest(banks=[first], count=3)
        quizzes.start_quiz(db.session, people[0], request, rng=random.Random(1), now=now)
        db.session.execute(sa.update(Bank).where(Bank.id == 2).values(retired_at=now))
        db.session.commit()
        retired = db.session.get(Bank, 2).slug
        question_bank = dict(db.session.execute(sa.select(Question.id, Question.bank_id)).all())
        for user in people:
            hidden = hidden_attempt_ids(db.session, user, now)
            full = today(db.session, user, idle, now, hidden)
            board = progress.dashboard(db.session, user, now, hidden, idle=idle)
            plan = board.plan
            assert plan.cards == full.cards == board.today
            assert plan.unfinished == full.unfinished
            bare = [replace(bank, last_percent=None, last_at=None) for bank in full.banks]
            assert plan.banks == bare
            assert [bank.deck for bank in full.banks] + [full.cards] == study.decks(
                db.session, user, now
            )
            marks = latest_marks(db.session, user, hidden)
            for bank, shelf_bank in zip(full.banks, active_shelf(db.session).banks, strict=True):
                mine = [m for q, m in marks.items() if question_bank[q] == shelf_bank.id]
                assert (bank.answered, bank.right) == (len(mine), sum(m >= 1 for m in mine))
                one = bank_today(db.session, user, bank.slug, now)
                assert replace(one, last_percent=None) == replace(bank, last_percent=None)
                # PostgreSQL may sum one bank's points in another order than all banks'.
                assert one.last_percent == pytest.approx(bank.last_percent)
            assert bank_today(db.session, user, retired, now) is None
        assert progress.dashboard(db.session, people[0], now).plan is None  # staff's view
        assert today(db.session, people[0], idle, now).unfinished  # the practice counts


def test_the_heatmaps_kept_past_days_follow_every_review_added_or_removed(demo_app_at_clock, clock):
    """review_days keeps the days before today (report_cache) under their reviews' count and
    newest id: after a grade today, an undo of yesterday's last review (just after midnight)
    and a bulk load into a past day, it still equals a plain count per day."""
    now = clock.now()
    with demo_app_at_clock.app_context():
        user = max(students(), key=lambda student: student.cards_studied)
        today = scheduling.study_day(now, user.timezone)
        since = today - timedelta(days=371)

        def plain() -> dict:
            return dict(
                db.session.execute(
                    sa.select(Review.day, sa.func.count())
                    .where(Review.user_id == user.id, Review.day.between(since, today))
                    .group_by(Review.day)
                ).all()
            )

        def kept() -> dict:
            return progress.review_days(db.session, user, since, today)

        before = plain()
        assert sum(before.values()) > 50 and kept() == kept() == before
        item, _ = study.next_card(db.session, user, None, now)
        study.grade_card(db.session, user, item.card.id, item.version, Rating.GOOD, 900, now=now)
        assert kept() == plain() and kept()[today] == before.get(today, 0) + 1

        last_past = db.session.scalar(
            sa.select(Review)
            .where(Review.user_id == user.id, Review.day < today)
            .order_by(Review.day.desc(), Review.id.desc())
            .limit(1)
        )
        values = {c.key: getattr(last_past, c.key) for c in Review.__table__.columns}
        db.session.delete(last_past)
        db.session.commit()
        assert kept() == plain() and sum(kept().values()) == sum(before.values())

        older = {**values, "day": today - timedelta(days=40)}
        del older["id"]
        db.session.execute(sa.insert(Review), [older])
        db.session.commit()
        assert kept() == plain() and kept()[today - timedelta(days=40)] >= 1


def test_rows_read_on_the_drivers_cursor_are_sqlalchemys_rows(demo_app_at_clock, clock):
    """driver_rows converts dates, times, booleans and enums both ways as SQLAlchemy does."""
    today = scheduling.study_day(clock.now(), "UTC")
    with demo_app_at_clock.app_context():
        for user in students()[:5]:
            for statement, params in (
                (progress._CARDS_AND_STATES, {}),
                (progress._SCORES, {}),
                (progress._PAST_REVIEW_DAYS, {"since": today - timedelta(days=60)}),
                (progress._REVIEW_DAYS_STAMP, {"since": today - timedelta(days=60)}),
            ):
                params = {"user": user.id, "today": today, **params}
                plain = [tuple(row) for row in db.session.execute(statement, params)]
                assert [tuple(row) for row in driver_rows(db.session, statement, **params)] == plain
                assert plain


def test_hidden_attempts_are_those_whose_score_shown_holds_back(demo_app_at_clock, clock):
    """hidden_attempt_ids (one query of columns) agrees with review.shown, attempt by attempt,
    on the demo classes' assigned attempts, before, during and after their windows."""
    with demo_app_at_clock.app_context():
        assigned = db.session.scalars(
            sa.select(Attempt).where(Attempt.assignment_id.is_not(None))
        ).all()
        assert len({attempt.user_id for attempt in assigned}) > 3
        hidden_some, shown_some = False, False
        for days in (-30, 0, 1, 30, 365):
            now = clock.now() + timedelta(days=days)
            for user in students():
                mine = [attempt for attempt in assigned if attempt.user_id == user.id]
                expected = {a.id for a in mine if not review.shown(db.session, a, now).score}
                assert hidden_attempt_ids(db.session, user, now) == expected
                hidden_some |= bool(expected)
                shown_some |= len(expected) < len(mine)
        assert hidden_some and shown_some
