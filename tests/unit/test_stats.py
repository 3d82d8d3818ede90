"""Statistics against hand-worked examples, including the degenerate cases."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.stats import (
    correlation,
    covariance,
    item_stats,
    linear_trend,
    sample_sd,
    streak,
)
from quizapp.stats import (
    test_stats as bank_test_stats,
)


def test_item_stats_hand_worked():
    # marks 1,1,0,0 against rest-of-attempt .9,.7,.4,.2:
    # facility 50%; SD sqrt(4 x .25 / 3) = .577; cov .5/3; SD(rest) sqrt(.29/3) = .311;
    # r = .1667 / (.577 x .311) = .9285; sorted pairing gives the same cov: efficiency 100%.
    item = item_stats([1, 1, 0, 0], [0.9, 0.7, 0.4, 0.2])
    assert item.responses == 4
    assert item.facility == pytest.approx(50)
    assert item.sd == pytest.approx(57.735, abs=1e-3)
    assert item.discrimination == pytest.approx(92.85, abs=0.01)
    assert item.efficiency == pytest.approx(100)
    assert item.flags() == []


def test_item_with_negative_discrimination_is_worth_a_look_once_there_are_enough():
    item = item_stats([0, 0, 1, 1], [0.9, 0.7, 0.4, 0.2])
    assert item.discrimination == pytest.approx(-92.85, abs=0.01)
    assert item.efficiency == pytest.approx(-100)
    assert item.too_few() and item.flags() == []  # n=4: too few to judge (default 10)
    flags = item.flags(minimum=4)
    assert any("negative discrimination" in f for f in flags)
    assert any("efficiency below 15%" in f for f in flags)
    assert not item.too_few(4) and item.too_few(5)


def test_efficiency_is_clamped_to_its_range():
    # The worst pairing of these marks lies twice as far below zero as the best lies above:
    # unclamped, the ratio is -200%.
    marks, rest = [0, 1, 1], [1.0, 0.5, 0.5]
    best = covariance(sorted(marks), sorted(rest))
    assert 100 * covariance(marks, rest) / best == pytest.approx(-200)
    assert item_stats(marks, rest).efficiency == -100


@given(
    st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)), min_size=2, max_size=40)
)
def test_efficiency_always_lies_between_minus_and_plus_100(pairs):
    marks, rest = zip(*pairs, strict=True)
    efficiency = item_stats(marks, rest).efficiency
    assert efficiency is None or -100 <= efficiency <= 100


def test_partial_efficiency():
    # Swapping the middle rest-scores lowers the covariance below its best pairing.
    item = item_stats([1, 0, 1, 0], [0.9, 0.7, 0.4, 0.2])
    assert 0 < item.efficiency < 100
    assert item.efficiency == pytest.approx(100 * 0.2 / 3 / (0.5 / 3))


def test_degenerate_items():
    assert item_stats([], []).facility is None
    one = item_stats([1], [0.5])
    assert (one.facility, one.sd, one.discrimination, one.efficiency) == (100, None, None, None)
    everyone_right = item_stats([1] * 12, [0.1 * i for i in range(12)])
    assert everyone_right.sd == 0 and everyone_right.discrimination is None
    assert any("above 95%" in f for f in everyone_right.flags())
    nobody = item_stats([0] * 12, [0.1 * i for i in range(12)])
    assert any("below 10%" in f for f in nobody.flags())
    few = item_stats([1] * 9, [0.1 * i for i in range(9)])
    assert few.flags() == []  # fewer than ten responses: facility is not flagged


def test_test_stats_hand_worked():
    # Totals 2,1,0 (variance 1); slot variances 1/3 each; alpha = 2 x (1 - 2/3) = 2/3;
    # error ratio sqrt(1/3) = 57.7%; totals 100%, 50%, 0% have SD 50: SE = 28.9%.
    result = bank_test_stats([[1, 1], [1, 0], [0, 0]])
    assert result.attempts == 3
    assert result.mean == pytest.approx(50)
    assert result.sd == pytest.approx(50)
    assert result.alpha == pytest.approx(2 / 3)
    assert result.error_ratio == pytest.approx(100 * math.sqrt(1 / 3))
    assert result.standard_error == pytest.approx(50 * math.sqrt(1 / 3))


def test_degenerate_tests():
    assert bank_test_stats([]).alpha is None
    one = bank_test_stats([[1, 0, 1]])
    assert one.attempts == 1 and one.sd is None and one.alpha is None
    same = bank_test_stats([[1, 0], [1, 0], [1, 0]])
    assert same.sd == 0 and same.alpha is None  # zero variance: undefined, not 0 or 1


def test_helpers():
    assert sample_sd([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(2.138, abs=1e-3)
    assert correlation([1, 2, 3], [2, 4, 6]) == pytest.approx(1)
    assert correlation([1, 1, 1], [1, 2, 3]) is None
    trend = linear_trend([10, 20, 30])
    assert (trend.slope, trend.intercept) == (pytest.approx(10), pytest.approx(10))
    assert linear_trend([50]) is None
    days = {date(2026, 1, d) for d in (1, 2, 3, 5, 6)}
    assert streak(days, date(2026, 1, 6)) == 2
    assert streak(days, date(2026, 1, 7)) == 2  # today not studied yet: yesterday's run
    assert streak(days, date(2026, 1, 8)) == 0
