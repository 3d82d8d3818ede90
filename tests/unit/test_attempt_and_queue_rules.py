"""The two decisions at the heart of the services, without a database: what a posted answer
does to an attempt, and which cards today's study queue holds."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from quizapp.attempt_rules import Current, Outcome, Posted, decide, next_position, time_is_up
from quizapp.scheduling import NEW, REVIEW
from quizapp.study_queue import CardRef, Limits, StateRef, plan_day

OPEN = Current(
    finished=False,
    expired=False,
    practice=False,
    item_found=True,
    checked=False,
    same_answer=False,
    step=4,
)
SAVE = Posted(step=4, action="save", invalid=False, empty=False)


def with_(base, **changes):
    return type(base)(**{**base.__dict__, **changes})


@pytest.mark.parametrize(
    ("posted", "current", "outcome"),
    [
        (SAVE, OPEN, Outcome.SAVED),
        (with_(SAVE, action="submit"), OPEN, Outcome.SUBMITTED),
        (SAVE, with_(OPEN, expired=True), Outcome.EXPIRED),
        (with_(SAVE, invalid=True), with_(OPEN, expired=True), Outcome.EXPIRED),
        (SAVE, with_(OPEN, finished=True, expired=True), Outcome.CLOSED),
        (SAVE, with_(OPEN, item_found=False), Outcome.MISSING),
        (with_(SAVE, invalid=True), OPEN, Outcome.INVALID),
        (with_(SAVE, step=3), with_(OPEN, same_answer=True), Outcome.REPEAT),
        (with_(SAVE, step=3), OPEN, Outcome.STALE),
        (with_(SAVE, step=2), with_(OPEN, same_answer=True), Outcome.STALE),
        (with_(SAVE, action="check", empty=True), with_(OPEN, practice=True), Outcome.EMPTY),
        (with_(SAVE, action="check", empty=True), OPEN, Outcome.SAVED),  # exams never check
        (SAVE, with_(OPEN, practice=True, checked=True, same_answer=True), Outcome.REPEAT),
        (SAVE, with_(OPEN, practice=True, checked=True), Outcome.CLOSED),
    ],
)
def test_the_answer_outcome_table(posted, current, outcome):
    assert decide(posted, current) is outcome


@pytest.mark.parametrize(
    ("action", "checked", "expected"),
    [("next", False, 3), ("save", True, 3), ("prev", False, 1), ("goto-0", False, 0),
     ("goto-99", False, 4), ("goto-²", False, 2), ("save", False, 2)],
)  # fmt: skip
def test_next_position(action, checked, expected):
    assert next_position(5, 2, action, checked) == expected


def test_time_is_up_only_after_the_grace_period():
    deadline = datetime(2026, 3, 2, 12, 0)
    assert not time_is_up(None, deadline)
    assert not time_is_up(deadline, deadline + timedelta(seconds=5))
    assert time_is_up(deadline, deadline + timedelta(seconds=6))


NOW = datetime(2026, 3, 2, 12, 0)
DAY = date(2026, 3, 2)
END = datetime(2026, 3, 3, 4, 0)


def state(card_id, kind, due=None, suspended=False, buried=None):
    return StateRef(card_id, kind, due, suspended, buried)


def test_queue_partitions_cards_and_orders_them_by_due_time():
    cards = [CardRef(i, 1) for i in range(1, 8)]
    states = {
        2: state(2, REVIEW, NOW + timedelta(hours=2)),  # due later today: a review now
        3: state(3, REVIEW, NOW - timedelta(days=1)),
        4: state(4, REVIEW, END + timedelta(days=1)),  # not due today
        5: state(5, 1, NOW - timedelta(minutes=1)),  # learning, due now
        6: state(6, 1, NOW + timedelta(minutes=10)),  # learning, later today
        7: state(7, NEW, suspended=True),
    }
    queue = plan_day(cards, states, Limits(20, 200), {}, DAY, END, NOW)
    assert [c.id for c in queue.new] == [1]
    assert [c.id for c in queue.reviews] == [3, 2]
    assert [c.id for c in queue.learning_now] == [5]
    assert [c.id for c in queue.learning_later] == [6]
    assert queue.next(NOW).id == 5
    assert queue.counts("deck", "Deck").total == 5


def test_queue_applies_daily_limits_and_burial():
    cards = [CardRef(i, 1) for i in range(1, 6)]
    states = {4: state(4, NEW, buried=DAY), 5: state(5, NEW, buried=DAY - timedelta(days=1))}
    queue = plan_day(cards, states, Limits(3, 200, new_done=1), {}, DAY, END, NOW)
    assert [c.id for c in queue.new] == [1, 2]  # 3 a day, 1 done; card 4 is buried today
    tomorrow = plan_day(cards, states, Limits(10, 200), {}, DAY + timedelta(days=1), END, NOW)
    assert [c.id for c in tomorrow.new] == [1, 2, 3, 4, 5]
