"""Review logs become FSRS training items the way fsrs-rs and Anki build them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from quizapp.memory.history import ReviewRecord, by_card, steps, training_set, usable_reviews

MONDAY = date(2026, 3, 2)


def record(card_id, day_offset, hour, rating, minute=0):
    day = MONDAY + timedelta(days=day_offset)
    return ReviewRecord(card_id, datetime(day.year, day.month, day.day, hour, minute), day, rating)


def test_delta_t_counts_study_days_and_same_day_reviews_are_never_outcomes():
    log = [
        record(7, 0, 9, 1),
        record(7, 0, 9, 3, minute=10),  # learning step, same day
        record(7, 2, 23, 3),  # two study days later, late in the evening
        record(7, 3, 8, 1),  # next morning: a lapse...
        record(7, 3, 8, 3, minute=10),  # ...relearned the same day
        record(7, 10, 12, 4),
    ]
    data = training_set(reversed(log))  # the order of the input does not matter
    assert data.histories == (
        ((1, 0), (3, 0), (3, 2)),
        ((1, 0), (3, 0), (3, 2), (1, 1)),
        ((1, 0), (3, 0), (3, 2), (1, 1), (3, 0), (4, 7)),
    )
    assert usable_reviews(log) == 3
    assert steps(by_card(log)[7]) == [(1, 0), (3, 0), (3, 2), (1, 1), (3, 0), (4, 7)]


def test_items_are_in_the_time_order_of_the_review_they_predict():
    log = [record(1, 0, 9, 3), record(1, 5, 9, 3), record(2, 0, 9, 3), record(2, 1, 9, 3)]
    data = training_set(log)
    assert data.card_ids == (2, 1)  # card 2's outcome (day 1) came before card 1's (day 5)
    assert len(data) == 2


def test_a_card_seen_once_or_only_on_one_day_teaches_nothing():
    assert usable_reviews([record(1, 0, 9, 3), record(2, 0, 9, 1), record(2, 0, 10, 3)]) == 0
    assert len(training_set([])) == 0


@pytest.mark.parametrize("rating", [0, 5, -1])
def test_a_rating_outside_1_to_4_is_refused_with_the_card(rating):
    with pytest.raises(ValueError, match="card 3: rating must be 1-4"):
        ReviewRecord(3, datetime(2026, 3, 2, 9), MONDAY, rating)
