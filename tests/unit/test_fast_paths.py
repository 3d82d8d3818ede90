"""Fast paths of hot requests (issue 15) give what the plain computation gives."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from quizapp.scheduling import day_end, due_day_counts, study_day
from quizapp.services.study.session import first_due_day

# Zones with DST changes, odd offsets, two changes a few weeks apart (Casablanca's Ramadan)
# and a half-hour DST shift (Lord Howe), beside fixed ones.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Not/AZone",
]


def plain_counts(dues, today: date, days: int, timezone: str) -> list[int]:
    horizon = day_end(today + timedelta(days=days - 1), timezone)
    counts = [0] * days
    for due in dues:
        if due < horizon:
            counts[(max(today, study_day(due, timezone)) - today).days] += 1
    return counts


@pytest.mark.parametrize("timezone", ZONES)
def test_due_day_counts_equal_the_plain_computation(timezone):
    rng = random.Random(timezone)
    for week in range(0, 104, 3):  # two years of start days, DST changes included
        today = date(2025, 1, 1) + timedelta(weeks=week, days=rng.randrange(7))
        start = day_end(today - timedelta(days=1), timezone)
        dues = [
            start + timedelta(seconds=rng.randrange(-5 * 86400, 35 * 86400)) for _ in range(300)
        ]
        # Moments right at and around each day's end, where a slip would show.
        for i in range(30):
            end = day_end(today + timedelta(days=i), timezone)
            dues += [end - timedelta(microseconds=1), end, end + timedelta(microseconds=1)]
        assert due_day_counts(dues, today, 30, timezone) == plain_counts(dues, today, 30, timezone)


def test_due_day_counts_of_nothing():
    assert due_day_counts([], date(2026, 3, 1), 30, "Europe/Berlin") == [0] * 30
    far = [datetime(2027, 1, 1)]
    assert due_day_counts(far, date(2026, 3, 1), 30, "UTC") == [0] * 30


@pytest.mark.parametrize("timezone", ZONES)
def test_first_due_day_equals_the_plain_computation(timezone):
    rng = random.Random(f"first {timezone}")
    for week in range(0, 104, 2):  # two years of start days, DST changes included
        today = date(2025, 1, 1) + timedelta(weeks=week, days=rng.randrange(7))
        end = day_end(today, timezone)
        dues = [
            end + timedelta(seconds=rng.randrange(0, 3 * 86400))
            for _ in range(rng.randrange(1, 40))
        ]
        # Moments right at and around the first due's day end, where a slip would show.
        first_end = day_end(study_day(min(dues), timezone), timezone)
        dues += [first_end - timedelta(microseconds=1), first_end, first_end + timedelta(hours=1)]
        days = Counter(study_day(due, timezone) for due in dues)
        first = min(days)
        assert first_due_day(dues, timezone) == (first, days[first])
