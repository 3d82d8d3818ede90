"""Exam readiness: calibrated on generated students, honest without data."""

from __future__ import annotations

import itertools
import random

import pytest

from quizapp.memory import calibration, first_try_recall, readiness
from quizapp.memory.readiness import LEVEL, MIN_REVIEWED, _normal, score_distribution
from quizapp.memory.synthetic import student_log
from tests.unit.test_memory_compat import STRONG_STUDENT

QUIZZES = 2_000
QUIZ_SIZE = 10
CALIBRATION_TOLERANCE = 0.03  # mean |predicted - actual| over bins, weighted by quizzes
COVERAGE_TOLERANCE = 0.03  # about 3 standard errors at 2,000 quizzes


def generated_quizzes(seed: int = 11):
    """Students of every strength, each with a bank partly studied, take one quiz each; every
    question is answered right with its card's retrievability (unseen: the student's rate)."""
    rng = random.Random(seed)
    for _ in range(QUIZZES):
        bank = rng.randint(15, 40)
        strength = rng.uniform(0.5, 6)
        retrievabilities = [rng.betavariate(strength, 1.5) for _ in range(bank)]
        unseen_recall = rng.uniform(0, 0.5)
        for index in rng.sample(range(bank), rng.randint(0, bank * 8 // 10)):
            retrievabilities[index] = None
        prediction = readiness(retrievabilities, quiz_size=QUIZ_SIZE, unseen_recall=unseen_recall)
        if not prediction.enough_data:
            continue
        drawn = rng.sample(retrievabilities, QUIZ_SIZE)
        right = sum(rng.random() < (unseen_recall if r is None else r) for r in drawn)
        yield prediction, right / QUIZ_SIZE


@pytest.fixture(scope="module")
def outcomes():
    return list(generated_quizzes())


def test_predictions_match_the_scores_that_followed(outcomes):
    assert QUIZZES * 0.6 < len(outcomes) < QUIZZES  # some have too little data
    result = calibration((prediction.expected, actual) for prediction, actual in outcomes)
    assert result.count == len(outcomes)
    assert len(result.bins) >= 6  # predictions span the range
    assert result.mean_abs_error < CALIBRATION_TOLERANCE


def test_the_range_holds_the_score_as_often_as_it_claims(outcomes):
    inside = sum(p.low <= actual <= p.high for p, actual in outcomes) / len(outcomes)
    claimed = sum(p.coverage for p, _ in outcomes) / len(outcomes)
    assert claimed >= LEVEL
    assert inside == pytest.approx(claimed, abs=COVERAGE_TOLERANCE)


def test_a_student_who_never_reviewed_gets_no_number():
    result = readiness([None] * 40, quiz_size=10)
    assert not result.enough_data
    assert result.expected is result.low is result.high is None
    assert result.sentence == (
        "Not enough data yet: review 12 more cards of this bank for a prediction."
    )


@pytest.mark.parametrize(
    ("reviewed", "bank", "enough"),
    [(4, 8, False), (5, 8, True), (11, 40, False), (12, 40, True)],
)
def test_it_takes_five_reviewed_questions_and_30_percent_of_the_bank(reviewed, bank, enough):
    retrievabilities = [0.8] * reviewed + [None] * (bank - reviewed)
    assert readiness(retrievabilities).enough_data is enough
    assert MIN_REVIEWED == 5


def test_a_bank_too_small_to_ever_predict_says_so():
    assert readiness([0.9] * 3).sentence == (
        "Not enough data: this bank has too few questions for a prediction."
    )


def test_the_sentence_gives_the_score_and_its_range():
    result = readiness([0.9] * 8 + [0.5] * 2, quiz_size=10)
    assert result.expected == pytest.approx(0.82)
    assert result.sentence == (
        f"If you took a quiz on this bank now, you would likely score about 82% "
        f"(range {result.low:.0%}–{result.high:.0%})."
    )
    assert result.low < result.expected < result.high


def test_the_score_distribution_is_exact_for_a_quiz_drawn_from_the_bank():
    chances = [0.95, 0.1, 0.5, 0.7, 0.33, 0.8, 0.2]
    draws = list(itertools.combinations(chances, 3))
    expected = [0.0] * 4
    for draw in draws:
        for outcome in itertools.product((0, 1), repeat=3):
            p = 1.0
            for right, chance in zip(outcome, draw, strict=True):
                p *= chance if right else 1 - chance
            expected[sum(outcome)] += p / len(draws)
    assert score_distribution(chances, 3) == pytest.approx(expected)
    assert sum(score_distribution(chances, len(chances))) == pytest.approx(1)


def test_the_normal_curve_for_large_quizzes_is_close_to_the_exact_one():
    rng = random.Random(3)
    chances = [rng.random() for _ in range(300)]
    exact = score_distribution(chances, 40)
    assert max(abs(a - b) for a, b in zip(_normal(chances, 40), exact, strict=True)) < 0.005


def test_first_try_recall_is_the_share_of_new_cards_not_failed():
    log = student_log(STRONG_STUDENT, cards=50, days=10, seed=6)
    firsts = {}
    for record in sorted(log, key=lambda r: r.reviewed_at):
        firsts.setdefault(record.card_id, record.rating)
    assert first_try_recall(log) == sum(r > 1 for r in firsts.values()) / len(firsts)
    assert first_try_recall([]) is None


def test_calibration_groups_pairs_by_predicted_score():
    result = calibration([(0.05, 0.0), (0.15, 0.2), (0.12, 0.1), (0.95, 1.0), (1.0, 0.9)], bins=10)
    assert [(b.low, b.count) for b in result.bins] == [(0.0, 1), (0.1, 2), (0.9, 2)]
    assert result.bins[1].predicted == pytest.approx(0.135)
    assert result.bins[1].actual == pytest.approx(0.15)
    assert result.mean_abs_error == pytest.approx((0.05 + 2 * 0.015 + 2 * 0.025) / 5)
    assert calibration([]).empty
