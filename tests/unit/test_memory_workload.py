"""The workload simulator: the student's own deck, limits and habits, monotone in retention."""

from __future__ import annotations

import math

import pytest

from quizapp.memory import DEFAULT_PARAMETERS, RETENTIONS, habits, workload
from quizapp.memory.synthetic import SECONDS, student_log
from quizapp.memory.workload import DEFAULT_HABITS, PRIOR_WEIGHT, REVIEW
from tests.unit.test_memory_compat import STRONG_STUDENT


@pytest.fixture(
    scope="module", params=[DEFAULT_PARAMETERS, STRONG_STUDENT], ids=["default", "strong"]
)
def year(request):
    return workload(request.param, deck_size=387, new_per_day=20, reviews_per_day=200)


def test_retentions_run_from_70_to_97_percent():
    assert RETENTIONS[0] == 0.70 and RETENTIONS[-1] == 0.97
    assert list(RETENTIONS) == sorted(RETENTIONS)


def test_values_are_finite_and_non_negative(year):
    assert [row.retention for row in year.rows] == list(RETENTIONS)
    for row in year.rows:
        values = (row.reviews_per_day, row.new_per_day, row.minutes_per_day, row.remembered)
        assert all(math.isfinite(value) and value >= 0 for value in values), row
        assert row.remembered <= year.deck_size


def test_higher_retention_keeps_more_cards_and_from_85_percent_costs_more(year):
    """At low retentions, fewer reviews mean more lapses to relearn, so time and reviews have a
    minimum somewhere below about 85% (where the suggestion usually lands). Above it intervals
    only shrink, so every step up costs more. Cards remembered rise with retention; below 80%
    the rise for a strong memory is as small as the simulator's noise, so only the ends count."""
    rows = year.rows
    for lower, higher in zip(rows, rows[1:], strict=False):
        if lower.retention >= 0.80:
            assert higher.remembered > lower.remembered, (lower, higher)
        if lower.retention >= 0.85:
            assert higher.reviews_per_day > lower.reviews_per_day, (lower, higher)
            assert higher.minutes_per_day > lower.minutes_per_day, (lower, higher)
    assert rows[-1].remembered > rows[0].remembered
    assert rows[-1].reviews_per_day > rows[0].reviews_per_day
    assert rows[-1].minutes_per_day > rows[0].minutes_per_day


def test_every_card_is_introduced_within_the_year_at_the_new_card_limit(year):
    for row in year.rows:
        assert row.new_per_day * year.days == pytest.approx(387)


def test_the_suggestion_is_the_row_with_least_time_per_remembered_card(year):
    best = min(year.rows, key=lambda row: row.minutes_per_day * year.days / row.remembered)
    assert year.suggested == best.retention


def test_limits_cap_the_simulated_days():
    capped = workload(DEFAULT_PARAMETERS, deck_size=387, new_per_day=5, reviews_per_day=10)
    assert all(row.reviews_per_day <= 10 for row in capped.rows)
    assert all(row.new_per_day <= 5 for row in capped.rows)


def test_same_inputs_give_the_same_table():
    first = workload(DEFAULT_PARAMETERS, 50, (0.8, 0.9), days=90)
    assert first == workload(DEFAULT_PARAMETERS, 50, (0.8, 0.9), days=90)


def test_an_empty_deck_is_refused():
    with pytest.raises(ValueError, match="no cards"):
        workload(DEFAULT_PARAMETERS, 0)


def test_habits_come_from_the_log_where_it_has_enough_reviews():
    log = student_log(DEFAULT_PARAMETERS, cards=200, days=60, seed=4)
    found = habits(log)
    # The simulated student takes SECONDS[rating] x uniform(0.6, 1.6): a median of 1.1 x.
    assert found.seconds[REVIEW][2] == pytest.approx(SECONDS[3] * 1.1, rel=0.1)
    assert sum(found.first_rating) == pytest.approx(1)
    assert sum(found.review_rating) == pytest.approx(1)


def test_without_a_log_the_defaults_stand():
    assert habits([]) == DEFAULT_HABITS


def test_a_short_log_moves_the_rating_shares_only_a_little():
    log = student_log(DEFAULT_PARAMETERS, cards=1, days=1, seed=5)  # one new card
    first = habits(log).first_rating
    rating = log[0].rating
    expected = (1 + PRIOR_WEIGHT * DEFAULT_HABITS.first_rating[rating - 1]) / (1 + PRIOR_WEIGHT)
    assert first[rating - 1] == pytest.approx(expected)
