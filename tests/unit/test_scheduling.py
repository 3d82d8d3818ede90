"""The FSRS wrapper with fixed times: learning, graduation, lapses, undo snapshots, days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.memory import DEFAULT_PARAMETERS
from quizapp.scheduling import (
    NEW,
    Memory,
    Preferences,
    Rating,
    checked_parameters,
    day_end,
    format_interval,
    intervals_by_rating,
    recall_at,
    replay,
    retrievability,
    review,
    study_day,
)
from tests.unit.test_memory_compat import STRONG_STUDENT

T0 = datetime(2026, 3, 1, 9, 0)
NO_FUZZ = Preferences(fuzz=False)
LEARNING, REVIEW, RELEARNING = 1, 2, 3


def run(grades, prefs=NO_FUZZ, card_id=7, start=T0):
    """Rating a new card at each due time in turn; returns every outcome."""
    memory, now, outcomes = Memory(), start, []
    for grade in grades:
        outcome = review(memory, grade, now, card_id, prefs)
        outcomes.append(outcome)
        memory, now = outcome.memory, outcome.memory.due
    return outcomes


def test_new_card_goes_through_learning_steps_then_graduates():
    first, second = run([Rating.GOOD, Rating.GOOD])
    assert (first.memory.state, first.memory.step) == (LEARNING, 1)
    assert first.interval == timedelta(minutes=10)
    assert second.memory.state == REVIEW and second.memory.step is None
    assert second.interval >= timedelta(days=1)
    assert second.memory.reps == 2 and second.memory.lapses == 0


def test_again_restarts_learning_and_easy_graduates_at_once():
    (again,) = run([Rating.AGAIN])
    assert (again.memory.state, again.memory.step, again.interval) == (
        LEARNING,
        0,
        timedelta(minutes=1),
    )
    (easy,) = run([Rating.EASY])
    assert easy.memory.state == REVIEW and easy.interval >= timedelta(days=1)


def test_lapse_goes_to_relearning_and_back():
    outcomes = run([Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD])
    lapse, relearned = outcomes[2], outcomes[3]
    assert lapse.memory.state == RELEARNING and lapse.interval == timedelta(minutes=10)
    assert lapse.memory.lapses == 1
    assert relearned.memory.state == REVIEW and relearned.memory.lapses == 1
    assert lapse.memory.stability < outcomes[1].memory.stability


def test_without_learning_steps_a_new_card_graduates_on_good():
    (outcome,) = run([Rating.GOOD], prefs=Preferences(fuzz=False, learning_steps=False))
    assert outcome.memory.state == REVIEW and outcome.interval >= timedelta(days=1)


def test_higher_retention_means_shorter_intervals():
    low = run([Rating.GOOD] * 4, prefs=Preferences(desired_retention=0.75, fuzz=False))
    high = run([Rating.GOOD] * 4, prefs=Preferences(desired_retention=0.97, fuzz=False))
    assert high[-1].interval < low[-1].interval


def test_snapshot_restores_exactly():
    memory = run([Rating.GOOD, Rating.HARD, Rating.GOOD])[-1].memory
    assert Memory.from_snapshot(memory.snapshot()) == memory
    assert Memory.from_snapshot(Memory().snapshot()) == Memory()
    assert Memory().state == NEW


def test_preview_matches_what_the_grade_gives_even_with_fuzz():
    memory = run([Rating.GOOD, Rating.GOOD, Rating.GOOD])[-1].memory
    now = memory.due + timedelta(days=2)
    shown = intervals_by_rating(memory, now, 7, Preferences())
    for grade, interval in shown.items():
        assert review(memory, grade, now, 7, Preferences()).interval == interval


def test_replay_of_the_log_rebuilds_the_memory():
    grades = [Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.EASY]
    outcomes = run(grades, prefs=Preferences())
    log, now = [], T0
    for grade, outcome in zip(grades, outcomes, strict=True):
        log.append((now, grade))
        now = outcome.memory.due
    assert replay(reversed(log), 7, Preferences()) == outcomes[-1].memory


def test_retrievability_is_none_for_new_and_falls_with_time():
    assert retrievability(Memory(), T0, NO_FUZZ) is None
    memory = run([Rating.GOOD, Rating.GOOD])[-1].memory
    soon = retrievability(memory, memory.last_review + timedelta(days=1), NO_FUZZ)
    later = retrievability(memory, memory.last_review + timedelta(days=30), NO_FUZZ)
    assert 0 < later < soon <= 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list(Rating)), min_size=1, max_size=12), st.booleans())
def test_intervals_are_never_negative(grades, fuzz):
    for outcome in run(grades, prefs=Preferences(fuzz=fuzz)):
        assert outcome.interval >= timedelta(0)
        assert outcome.memory.stability > 0
        assert 1 <= outcome.memory.difficulty <= 10


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=10), st.integers(min_value=1, max_value=10**6))
def test_intervals_grow_with_good(count, card_id):
    outcomes = run([Rating.GOOD] * count, prefs=Preferences(), card_id=card_id)
    review_intervals = [o.interval for o in outcomes if o.memory.state == REVIEW]
    assert review_intervals == sorted(review_intervals)
    assert all(b > a for a, b in zip(review_intervals, review_intervals[1:], strict=False))


@pytest.mark.parametrize(
    ("utc", "zone", "day"),
    [
        (datetime(2026, 3, 2, 3, 59), "UTC", date(2026, 3, 1)),  # before 04:00: still yesterday
        (datetime(2026, 3, 2, 4, 0), "UTC", date(2026, 3, 2)),
        (datetime(2026, 3, 2, 14, 30), "Pacific/Auckland", date(2026, 3, 2)),  # 03:30 local, 3rd
        (datetime(2026, 3, 2, 15, 0), "Pacific/Auckland", date(2026, 3, 3)),  # 04:00 local
        (datetime(2026, 3, 2, 10, 0), "America/Los_Angeles", date(2026, 3, 1)),  # 02:00 local
        (datetime(2026, 3, 2, 10, 0), "Not/AZone", date(2026, 3, 2)),  # unknown: UTC
    ],
)
def test_study_day_follows_the_time_zone(utc, zone, day):
    assert study_day(utc, zone) == day


def test_day_end_is_four_in_the_morning_local():
    assert day_end(date(2026, 3, 2), "Asia/Shanghai") == datetime(2026, 3, 2, 20, 0)
    assert study_day(day_end(date(2026, 3, 2), "Asia/Shanghai"), "Asia/Shanghai") == date(
        2026, 3, 3
    )


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=12), "12d"),
        (timedelta(days=91), "3mo"),
        (timedelta(days=548), "1.5y"),
    ],
)
def test_format_interval(interval, label):
    assert format_interval(interval) == label


def test_personal_parameters_change_the_schedule_and_the_forgetting_curve():
    personal = Preferences(fuzz=False, parameters=STRONG_STUDENT)
    default = run([Rating.GOOD] * 3)
    strong = run([Rating.GOOD] * 3, prefs=personal)
    assert strong[-1].interval > 1.5 * default[-1].interval
    later = strong[-1].memory.last_review + timedelta(days=30)
    assert retrievability(strong[-1].memory, later, personal) > retrievability(
        default[-1].memory, later, NO_FUZZ
    )


@settings(max_examples=200, deadline=None)
@given(
    grades=st.lists(st.sampled_from(list(Rating)), min_size=0, max_size=6),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)),
    personal=st.booleans(),
    stability=st.none() | st.floats(0.01, 5000),
)
def test_recall_at_agrees_exactly_with_retrievability(grades, later, personal, stability):
    prefs = Preferences(fuzz=False, parameters=STRONG_STUDENT if personal else None)
    memory = run(grades, prefs)[-1].memory if grades else Memory()
    if stability is not None and not memory.is_new:
        memory = Memory(**{**memory.__dict__, "stability": stability})
    moment = (memory.last_review or T0) + later
    chance = recall_at(moment, prefs)
    assert chance(memory.state, memory.stability, memory.last_review) == retrievability(
        memory, moment, prefs
    )


def test_checked_parameters_hold_values_within_the_schedulers_bounds():
    assert checked_parameters(DEFAULT_PARAMETERS) == pytest.approx(DEFAULT_PARAMETERS)
    nudged = checked_parameters([0.0009999, *DEFAULT_PARAMETERS[1:]])
    assert nudged[0] == 0.001
    for bad in ([1.0] * 20, [float("nan"), *DEFAULT_PARAMETERS[1:]]):
        with pytest.raises(ValueError):
            checked_parameters(bad)
