"""Numbers as people write them: marks, shares, time left, when a timer warns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.formatting import count_of, duration, out_of, pct, points, time_left, warning_seconds


@pytest.mark.parametrize(
    ("value", "maximum", "text"),
    [
        (1 / 3, 1, "0.33 of 1 point"),
        (2 / 3, 1, "0.67 of 1 point"),
        (1.0, 1, "1 of 1 point"),
        (0.0, 1, "0 of 1 point"),
        (2.5, 3, "2.5 of 3 points"),
        (0.999, 1, "0.99 of 1 point"),  # short of full marks never reads as full marks
    ],
)
def test_marks_are_rounded_to_two_places_without_trailing_zeros(value, maximum, text):
    assert out_of(value, maximum) == text


@given(st.floats(0, 100), st.floats(0.01, 100))
def test_a_mark_below_the_maximum_never_reads_as_the_maximum(value, maximum):
    if value < maximum - 1e-9:
        assert float(points(value, maximum)) < maximum
    assert len(points(value).partition(".")[2]) <= 2


def test_a_meter_says_how_many_of_how_many():
    assert count_of(11, 31, "questions right") == "11 of 31 questions right (35%)"
    assert count_of(0, 0, "cards retained") == "0 of 0 cards retained (0%)"


def test_time_left_in_words_before_the_script_counts_down():
    assert time_left(timedelta(seconds=30)) == "less than a minute left"
    assert time_left(timedelta(minutes=4, seconds=40)) == "about 5 min left"
    assert time_left(timedelta(minutes=150)) == "about 2 h 30 min left"
    assert time_left(timedelta(seconds=-5)) == "less than a minute left"


@pytest.mark.parametrize(
    ("limit", "warn"),
    [(1, 12), (2, 24), (5, 60), (90, 60)],  # minutes -> seconds
)
def test_the_timer_warns_for_the_last_minute_or_the_last_fifth_of_a_short_exam(limit, warn):
    assert warning_seconds(timedelta(minutes=limit)) == warn


def test_durations_of_study_sessions():
    assert duration(timedelta(seconds=45)) == "45 s"
    assert duration(timedelta(minutes=6, seconds=10)) == "6 min"
    assert duration(timedelta(minutes=65)) == "1 h 05 min"


def test_pct_is_a_whole_percent_or_a_dash():
    assert pct(41.6) == "42%"
    assert pct(0.0) == "0%"
    assert pct(None) == "—"
