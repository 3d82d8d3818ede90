"""Exam readiness: the quiz score a student's memory predicts, and how well such predictions
matched the scores that followed.

A quiz draws `quiz_size` questions from the bank at random, without repeats. A question the
student has studied is answered right with its card's retrievability today; one never studied
with `unseen_recall` (see `first_try_recall`). The predicted score is the mean of these
probabilities; its range is the 10th to 90th percentile of the score's exact distribution
(a Poisson-binomial over the drawn questions, averaged over every possible draw).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .history import ReviewRecord, by_card

MIN_REVIEWED = 5  # studied questions needed for a prediction...
MIN_SHARE = 0.3  # ...and this share of the bank, so unseen questions do not dominate it
LEVEL = 0.8  # the range holds the middle 80% of likely scores
EXACT_LIMIT = 250_000  # bank size x quiz size² above which a normal curve stands in (~40 ms)


@dataclass(frozen=True)
class Readiness:
    questions: int
    reviewed: int
    expected: float | None  # predicted score, 0..1; None without enough data
    low: float | None  # 10th percentile of the score
    high: float | None  # 90th percentile
    # The probability that the score lands in [low, high]; at least LEVEL, as scores are whole.
    coverage: float | None
    sentence: str

    @property
    def enough_data(self) -> bool:
        return self.expected is not None


def first_try_recall(reviews: Iterable[ReviewRecord]) -> float | None:
    """Share of cards the student got right the first time they saw them (rating above Again):
    the best guess for a question they have not studied. None without any first review."""
    firsts = [history[0].rating for history in by_card(reviews).values()]
    return sum(rating > 1 for rating in firsts) / len(firsts) if firsts else None


def readiness(
    retrievabilities: Sequence[float | None],
    *,
    quiz_size: int | None = None,
    unseen_recall: float = 0.0,
) -> Readiness:
    """Predict the score of a quiz on a bank from each question's retrievability today (None for
    a question never reviewed). `quiz_size` defaults to the whole bank."""
    questions = len(retrievabilities)
    reviewed = sum(r is not None for r in retrievabilities)
    needed = max(MIN_REVIEWED, math.ceil(MIN_SHARE * questions))
    if reviewed < needed:
        missing = needed - reviewed
        noun = "card" if missing == 1 else "cards"
        sentence = (
            f"Not enough data yet: review {missing} more {noun} of this bank for a prediction."
            if questions >= needed
            else "Not enough data: this bank has too few questions for a prediction."
        )
        return Readiness(questions, reviewed, None, None, None, None, sentence)
    size = questions if quiz_size is None else max(1, min(quiz_size, questions))
    chances = [unseen_recall if r is None else min(1.0, max(0.0, r)) for r in retrievabilities]
    distribution = score_distribution(chances, size)
    tail = (1 - LEVEL) / 2
    low, high = _quantile(distribution, tail), _quantile(distribution, 1 - tail)
    expected = sum(chances) / questions
    return Readiness(
        questions=questions,
        reviewed=reviewed,
        expected=expected,
        low=low / size,
        high=high / size,
        coverage=sum(distribution[low : high + 1]),
        sentence=(
            "If you took a quiz on this bank now, you would likely score about "
            f"{expected:.0%} (range {low / size:.0%}–{high / size:.0%})."
        ),
    )


def score_distribution(chances: Sequence[float], quiz_size: int) -> list[float]:
    """P(k right answers), k = 0..quiz_size, for a quiz drawing `quiz_size` of the questions."""
    return list(_score_distribution(tuple(chances), quiz_size))


# A student's chances change only with a review or a new study day, and a dashboard shows every
# bank: the distribution of the same chances is worked out once.
@lru_cache(maxsize=4096)
def _score_distribution(chances: tuple[float, ...], quiz_size: int) -> tuple[float, ...]:
    if quiz_size == len(chances):
        return tuple(_poisson_binomial(chances))
    if len(chances) * quiz_size**2 > EXACT_LIMIT:
        return tuple(_normal(chances, quiz_size))
    # by_size[n][k]: P(k right | n questions drawn from those seen so far). Adding question m
    # (m seen in all) to a draw of n: it is in the draw with probability n / m.
    by_size = [[1.0]] + [[0.0] * (n + 1) for n in range(1, quiz_size + 1)]
    for seen, p in enumerate(chances, start=1):
        q = 1 - p
        for n in range(min(seen, quiz_size), 0, -1):
            kept, added, previous = (seen - n) / seen, n / seen, by_size[n - 1]
            row = by_size[n]
            # k = n: only with this question right; k = 0: only with it wrong.
            row[n] = kept * row[n] + added * (p * previous[n - 1])
            for k in range(n - 1, 0, -1):
                row[k] = kept * row[k] + added * (q * previous[k] + p * previous[k - 1])
            row[0] = kept * row[0] + added * (q * previous[0])
    return tuple(by_size[quiz_size])


def _poisson_binomial(chances: Sequence[float]) -> list[float]:
    distribution = [1.0]
    for p in chances:
        distribution = [
            (distribution[k] if k < len(distribution) else 0.0) * (1 - p)
            + (distribution[k - 1] * p if k else 0.0)
            for k in range(len(distribution) + 1)
        ]
    return distribution


def _normal(chances: Sequence[float], quiz_size: int) -> list[float]:
    """Large quizzes: the normal curve with the exact mean and variance (sampling without
    replacement), cut into whole scores."""
    bank = len(chances)
    mean_p = sum(chances) / bank
    spread = sum((p - mean_p) ** 2 for p in chances) / bank
    within = sum(p * (1 - p) for p in chances) / bank
    variance = quiz_size * within + quiz_size * spread * (bank - quiz_size) / (bank - 1)
    sd = math.sqrt(variance) or 1e-9
    mean = quiz_size * mean_p

    def below(x: float) -> float:
        return 0.5 * (1 + math.erf((x - mean) / (sd * math.sqrt(2))))

    return [
        (1.0 if k == quiz_size else below(k + 0.5)) - (0.0 if k == 0 else below(k - 0.5))
        for k in range(quiz_size + 1)
    ]


def _quantile(distribution: Sequence[float], level: float) -> int:
    total = 0.0
    for k, p in enumerate(distribution):
        total += p
        if total >= level - 1e-12:
            return k
    return len(distribution) - 1


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    predicted: float  # mean predicted score in the bin
    actual: float  # mean actual score


@dataclass(frozen=True)
class Calibration:
    bins: tuple[CalibrationBin, ...]  # only bins with pairs in them
    count: int
    mean_abs_error: float  # |predicted - actual| per bin, weighted by its pairs

    @property
    def empty(self) -> bool:
        return self.count == 0


def calibration(pairs: Iterable[tuple[float, float]], bins: int = 10) -> Calibration:
    """Predicted against actual scores (both 0..1), grouped by predicted score in equal bins."""
    grouped: dict[int, list[tuple[float, float]]] = {}
    for predicted, actual in pairs:
        index = min(bins - 1, max(0, int(predicted * bins)))
        grouped.setdefault(index, []).append((predicted, actual))
    rows = tuple(
        CalibrationBin(
            low=index / bins,
            high=(index + 1) / bins,
            count=len(members),
            predicted=sum(p for p, _ in members) / len(members),
            actual=sum(a for _, a in members) / len(members),
        )
        for index, members in sorted(grouped.items())
    )
    count = sum(row.count for row in rows)
    error = (
        sum(row.count * abs(row.predicted - row.actual) for row in rows) / count if count else 0.0
    )
    return Calibration(bins=rows, count=count, mean_abs_error=error)
