"""Fit FSRS parameters to one student's review log, and judge them on reviews they never saw.

The judge follows fsrs-rs's own `evaluate_with_time_series_splits`: the items, in time order,
are cut into splits + 1 segments; split i fits on segments 0..i and predicts segment i + 1. We
run the loop ourselves so that the baseline (the defaults, or the student's current personal
parameters) is scored on exactly the same held-out reviews. The parameters the student gets are
then fitted on the whole log.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from fsrs_rs_python import FSRS

from .history import MINIMUM_REVIEWS, ReviewRecord, TrainingSet, training_set
from .model import DEFAULT_PARAMETERS

SPLITS = 5  # as fsrs-rs

Progress = Callable[[int, int], None]  # (steps done, steps in all)


class NotEnoughReviews(ValueError):
    """Too few reviews to fit parameters; the message is for the student."""


@dataclass(frozen=True)
class Metrics:
    """How well parameters predicted held-out reviews: lower is better for both."""

    log_loss: float
    rmse_bins: float  # fsrs-rs's RMSE over bins of (interval, reviews, lapses)


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]  # fitted on the whole log
    baseline: tuple[float, ...]  # what the student had
    fitted: Metrics  # the fitting procedure, scored on held-out reviews
    current: Metrics  # the baseline, scored on the same reviews
    reviews: int  # training items used

    @property
    def better(self) -> bool:
        """Keep the new parameters only if they predict better on both measures."""
        return (
            self.fitted.log_loss < self.current.log_loss
            and self.fitted.rmse_bins <= self.current.rmse_bins
        )


def optimise(
    reviews: Iterable[ReviewRecord],
    *,
    baseline: Sequence[float] = DEFAULT_PARAMETERS,
    relearning_steps: int = 1,
    progress: Progress | None = None,
) -> Fit:
    """Fit parameters to `reviews` and score them against `baseline` on later reviews.

    Raises NotEnoughReviews below MINIMUM_REVIEWS usable reviews. `relearning_steps` is the
    number of same-day relearning steps the scheduler uses (quizapp: 1, or 0 without steps).
    """
    data = training_set(reviews)
    if len(data) < MINIMUM_REVIEWS:
        raise NotEnoughReviews(
            f"Optimising needs {MINIMUM_REVIEWS} reviews on a later day than the card's "
            f"previous review; you have {len(data)}."
        )
    baseline = tuple(baseline)
    total = SPLITS + 1
    fitted_scores, current_scores = [], []
    for done, (train, test) in enumerate(_time_series_splits(data), start=1):
        parameters = _fit(train, relearning_steps)
        fitted_scores.append((len(test), _score(parameters, test)))
        current_scores.append((len(test), _score(baseline, test)))
        if progress:
            progress(done, total)
    parameters = _fit(data, relearning_steps)
    if progress:
        progress(total, total)
    return Fit(
        parameters=parameters,
        baseline=baseline,
        fitted=_pooled(fitted_scores),
        current=_pooled(current_scores),
        reviews=len(data),
    )


def _time_series_splits(data: TrainingSet) -> list[tuple[TrainingSet, TrainingSet]]:
    segment = len(data) // (SPLITS + 1)
    splits = []
    for index in range(SPLITS):
        start = (index + 1) * segment
        end = len(data) if index == SPLITS - 1 else start + segment
        splits.append((data[:start], data[start:end]))
    return splits


def _fit(data: TrainingSet, relearning_steps: int) -> tuple[float, ...]:
    fsrs = FSRS(list(DEFAULT_PARAMETERS))
    return tuple(
        fsrs.compute_parameters(
            data.items(),
            card_ids=list(data.card_ids),
            enable_short_term=True,
            num_relearning_steps=relearning_steps,
        )
    )


def evaluate(parameters: Sequence[float], reviews: Iterable[ReviewRecord]) -> Metrics:
    """How well `parameters` predict every usable review in `reviews` (in-sample)."""
    return _score(parameters, training_set(reviews))


def _score(parameters: Sequence[float], data: TrainingSet) -> Metrics:
    evaluation = FSRS(list(parameters)).evaluate(data.items())
    return Metrics(evaluation.log_loss, evaluation.rmse_bins)


def _pooled(scores: list[tuple[int, Metrics]]) -> Metrics:
    """Log loss is a mean, so weighting by test size gives the exact pooled value; RMSE(bins)
    is pooled as the root of the weighted mean square."""
    count = sum(size for size, _ in scores)
    log_loss = sum(size * metrics.log_loss for size, metrics in scores) / count
    mean_square = sum(size * metrics.rmse_bins**2 for size, metrics in scores) / count
    return Metrics(log_loss, math.sqrt(mean_square))
