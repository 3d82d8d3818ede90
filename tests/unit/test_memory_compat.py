"""fsrs-rs (which fits and simulates) and py-fsrs (which schedules) are the same FSRS-6.

Parameters fitted by one are only meaningful in the other if both compute the same memory from
the same history; this differential test pins that for the installed versions.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs_rs_python import FSRS

from quizapp.memory.history import to_item
from quizapp.memory.model import DEFAULT_PARAMETERS, next_interval, retrievability
from quizapp.memory.optimiser import optimise
from quizapp.memory.synthetic import student_log

STRONG_STUDENT = (0.5, 2.5, 5.0, 15.0, 5.0, 1.0, 1.5, 0.05, 2.3, 0.1, 1.2, 1.0, 0.1, 0.4, 1.2, 0.7,
                  2.5, 0.3, 0.05, 0.05, 0.45)  # fmt: skip
# Hard's same-day factor e^(w17 * (w18 - 1)) < 1 here: both libraries must hold it at 1.
SHORT_TERM_SHRINKS = (*DEFAULT_PARAMETERS[:17], 0.8, 0.1, 0.1, 0.2)


def test_both_libraries_ship_the_same_21_default_parameters():
    assert len(DEFAULT_PARAMETERS) == 21
    assert Scheduler().parameters == pytest.approx(DEFAULT_PARAMETERS, rel=1e-6)


@pytest.mark.parametrize("parameters", [DEFAULT_PARAMETERS, STRONG_STUDENT, SHORT_TERM_SHRINKS])
def test_memory_after_any_history_is_the_same_in_both(parameters):
    scheduler = Scheduler(parameters=parameters, enable_fuzzing=False)
    rust = FSRS(list(parameters))
    rng = random.Random(17)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for _ in range(200):
        card, history, day = Card(), [], 0
        for index in range(rng.randint(1, 8)):
            gap = 0 if index == 0 else rng.choice([0, 0, 1, 2, 5, 13, 40])
            day += gap
            rating = rng.randint(1, 4)
            moment = start + timedelta(days=day, minutes=index)
            card, _ = scheduler.review_card(card, Rating(rating), review_datetime=moment)
            history.append((rating, gap))
        state = rust.memory_state(to_item(history))
        assert state.stability == pytest.approx(card.stability, rel=1e-4), history
        assert state.difficulty == pytest.approx(card.difficulty, rel=1e-4), history


def test_curve_and_interval_match_py_fsrs():
    scheduler = Scheduler(
        parameters=STRONG_STUDENT, desired_retention=0.85, learning_steps=(), enable_fuzzing=False
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    card, _ = scheduler.review_card(Card(), Rating.Good, review_datetime=start)
    decay = STRONG_STUDENT[20]
    assert (card.due - start).days == round(next_interval(card.stability, 0.85, decay))
    later = start + timedelta(days=20)
    assert retrievability(20, card.stability, decay) == pytest.approx(
        scheduler.get_card_retrievability(card, current_datetime=later)
    )


def test_fitted_parameters_are_accepted_by_the_scheduler():
    fit = optimise(student_log(STRONG_STUDENT, cards=80, days=60, seed=3))
    assert len(fit.parameters) == 21
    Scheduler(parameters=fit.parameters)  # raises if any parameter is out of py-fsrs's bounds
