"""The optimiser recovers a simulated student's memory better than the defaults do, and says
in plain words what the new parameters change."""

from __future__ import annotations

import pytest

from quizapp.memory import (
    DEFAULT_PARAMETERS,
    MINIMUM_REVIEWS,
    NotEnoughReviews,
    compare,
    evaluate,
    optimise,
    usable_reviews,
)
from quizapp.memory.compare import describe
from quizapp.memory.synthetic import student_log
from tests.unit.test_memory_compat import STRONG_STUDENT


@pytest.fixture(scope="module")
def strong_log():
    """A student who remembers far longer than the defaults assume (about 1,650 reviews)."""
    return student_log(STRONG_STUDENT, cards=300, days=100, seed=0)


@pytest.fixture(scope="module")
def strong_fit(strong_log):
    return optimise(strong_log)


def test_fitted_parameters_beat_the_defaults_on_held_out_reviews(strong_fit):
    assert strong_fit.fitted.log_loss < strong_fit.current.log_loss
    assert strong_fit.fitted.rmse_bins < strong_fit.current.rmse_bins
    assert strong_fit.better
    assert strong_fit.baseline == DEFAULT_PARAMETERS


def test_fitted_parameters_beat_the_defaults_on_another_term_of_the_same_student(strong_fit):
    # Different cards, different days, never seen by the optimiser.
    later = student_log(STRONG_STUDENT, cards=300, days=100, seed=1, first_card_id=10_000)
    assert (
        evaluate(strong_fit.parameters, later).log_loss
        < evaluate(DEFAULT_PARAMETERS, later).log_loss
    )


def test_a_refit_is_not_kept_when_the_current_parameters_predict_better(strong_log):
    # The student's current parameters are their true memory: no fit from a finite log should
    # beat them, and the judge compares with them, not with the defaults.
    refit = optimise(strong_log, baseline=STRONG_STUDENT)
    assert refit.baseline == STRONG_STUDENT
    assert refit.current.log_loss < refit.fitted.log_loss
    assert not refit.better


def test_progress_reaches_its_total_once_per_split_and_once_for_the_final_fit(strong_log):
    calls = []
    optimise(strong_log[:900], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(step, 6) for step in range(1, 7)]


def test_too_few_reviews_is_refused_with_the_count():
    log = student_log(STRONG_STUDENT, cards=10, days=8, seed=2)
    assert usable_reviews(log) < MINIMUM_REVIEWS
    with pytest.raises(NotEnoughReviews, match=f"needs {MINIMUM_REVIEWS} reviews"):
        optimise(log)


def test_no_reviews_at_all_is_refused():
    with pytest.raises(NotEnoughReviews, match="you have 0"):
        optimise([])


def test_a_stronger_memory_brings_cards_back_later(strong_log, strong_fit):
    change = compare(DEFAULT_PARAMETERS, strong_fit.parameters, strong_log)
    assert change.cards == 300
    assert change.ratio > 1.05 and change.new_days > change.old_days
    assert change.sentence == describe(change.ratio)
    assert "later than before" in change.sentence or "times as long" in change.sentence
    back = compare(strong_fit.parameters, DEFAULT_PARAMETERS, strong_log)
    assert back.ratio == pytest.approx(1 / change.ratio)
    assert "sooner than before" in back.sentence


def test_without_history_a_typical_card_is_compared():
    change = compare(DEFAULT_PARAMETERS, STRONG_STUDENT)
    assert change.cards == 0
    assert change.ratio > 1
    same = compare(DEFAULT_PARAMETERS, DEFAULT_PARAMETERS)
    assert same.ratio == pytest.approx(1)
    assert same.sentence == "Your cards will come back at about the same time as before."


@pytest.mark.parametrize(
    ("ratio", "sentence"),
    [
        (1.2, "Your cards will come back about 20% later than before."),
        (0.75, "Your cards will come back about 25% sooner than before."),
        (3.46, "Your cards will come back after about 3.5 times as long as before."),
        (1.04, "Your cards will come back at about the same time as before."),
        (0.96, "Your cards will come back at about the same time as before."),
    ],
)
def test_the_sentence_rounds_the_change(ratio, sentence):
    assert describe(ratio) == sentence
