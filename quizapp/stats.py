"""Statistics over plain lists: item analysis as Moodle's quiz statistics report computes it,
and the student's progress figures. No Flask, no database: load the data first, then call.

Marks are fractions of a question's points (0..1) unless said otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

MIN_RESPONSES_FOR_FLAGS = 10


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    """Standard deviation with n - 1 (None below two values)."""
    if len(values) < 2:
        return None
    centre = sum(values) / len(values)
    return math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either side has no spread (it is undefined, not zero)."""
    sx, sy, cov = sample_sd(xs), sample_sd(ys), covariance(xs, ys)
    if not sx or not sy or cov is None:
        return None
    return cov / (sx * sy)


@dataclass(frozen=True)
class ItemStats:
    """One question's figures over the first attempts that included it (percentages)."""

    responses: int
    facility: float | None  # mean mark, % of the maximum
    sd: float | None  # of the mark, % of the maximum
    discrimination: float | None  # 100 x correlation of the mark with the rest of the attempt
    # Discrimination as a share of the most these marks allow, -100..100 (%)
    efficiency: float | None

    def too_few(self, minimum: int = MIN_RESPONSES_FOR_FLAGS) -> bool:
        """Too few responses for its figures to say anything (Moodle warns below ~20-30)."""
        return self.responses < minimum

    def flags(self, minimum: int = MIN_RESPONSES_FOR_FLAGS) -> list[str]:
        """Why this question is worth a look (empty when it is not, or when fewer than
        `minimum` responses cannot tell)."""
        if self.too_few(minimum):
            return []
        reasons = []
        if self.discrimination is not None and self.discrimination < 0:
            reasons.append(
                "negative discrimination: students who did well elsewhere did worse here"
            )
        if self.efficiency is not None and self.efficiency < 15:
            reasons.append("discriminative efficiency below 15%")
        if self.facility is not None:
            if self.facility > 95:
                reasons.append("facility above 95%: almost everyone gets it right")
            elif self.facility < 10:
                reasons.append("facility below 10%: almost nobody gets it right (check the key)")
        return reasons


def item_stats(marks: Sequence[float], rest: Sequence[float]) -> ItemStats:
    """`marks[i]` is student i's mark on the question (0..1); `rest[i]` the rest of their
    attempt (total minus this question, in any unit)."""
    n = len(marks)
    if n == 0:
        return ItemStats(0, None, None, None, None)
    facility = 100 * sum(marks) / n
    sd = sample_sd(marks)
    r = correlation(marks, rest)
    efficiency = None
    cov = covariance(marks, rest)
    if cov is not None:
        # The largest covariance these marks could have with these rest-scores: pair them
        # in the same order (Moodle's "maximum possible" discrimination).
        best = covariance(sorted(marks), sorted(rest))
        # Clamped: the worst pairing can lie further below zero than the best lies above it
        # (three responses gave -200%), and a share of the most possible is -100..100%.
        efficiency = max(-100.0, min(100.0, 100 * cov / best)) if best else None
    return ItemStats(
        responses=n,
        facility=facility,
        sd=100 * sd if sd is not None else None,
        discrimination=100 * r if r is not None else None,
        efficiency=efficiency,
    )


@dataclass(frozen=True)
class TestStats:
    attempts: int
    mean: float | None  # % of the maximum
    sd: float | None  # % of the maximum
    alpha: float | None  # Cronbach's alpha (coefficient of internal consistency), 0..1
    error_ratio: float | None  # %
    standard_error: float | None  # % of the maximum


def test_stats(slot_marks: Sequence[Sequence[float]]) -> TestStats:
    """Each row is one attempt's marks per slot (0..1), all rows the same length k.

    Cronbach's alpha = k/(k-1) x (1 - sum of slot variances / variance of totals);
    error ratio = sqrt(1 - alpha); standard error = error ratio x SD of totals (Moodle).
    """
    n = len(slot_marks)
    if n == 0:
        return TestStats(0, None, None, None, None, None)
    k = len(slot_marks[0])
    totals = [100 * sum(row) / k for row in slot_marks] if k else []
    sd = sample_sd(totals)
    alpha = error_ratio = standard_error = None
    if k >= 2 and n >= 2:
        total_var = sample_sd([sum(row) for row in slot_marks]) ** 2
        slot_var = sum(sample_sd([row[j] for row in slot_marks]) ** 2 for j in range(k))
        if total_var > 0:
            alpha = k / (k - 1) * (1 - slot_var / total_var)
            if alpha <= 1:
                error_ratio = 100 * math.sqrt(max(0.0, 1 - alpha))
                standard_error = error_ratio / 100 * sd if sd is not None else None
    return TestStats(n, mean(totals), sd, alpha, error_ratio, standard_error)


@dataclass(frozen=True)
class Trend:
    slope: float  # percentage points per attempt
    intercept: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def linear_trend(values: Sequence[float]) -> Trend | None:
    """Least-squares line through (0, v0), (1, v1), ...; None below two points."""
    n = len(values)
    if n < 2:
        return None
    xs = range(n)
    mx, my = (n - 1) / 2, sum(values) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (v - my) for x, v in zip(xs, values, strict=True)) / sxx
    return Trend(slope, my - slope * mx)


def streak(days_with_reviews: Iterable[date], today: date) -> int:
    """Consecutive study days ending today (or yesterday, if today has none yet)."""
    # Day numbers, not dates: a year's streak walks back a year (no timedelta per step).
    days = {day.toordinal() for day in days_with_reviews}
    day = today.toordinal()
    if day not in days:
        day -= 1
    count = 0
    while day in days:
        count += 1
        day -= 1
    return count
