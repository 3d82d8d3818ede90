"""FSRS-6 as both libraries implement it: 21 parameters, the forgetting curve and its interval.

R(t) = (1 + factor * t / S) ** -decay, with decay = parameter 20 and factor such that R(S) = 0.9;
the same formulas as py-fsrs's Scheduler and fsrs-rs.
"""

from __future__ import annotations

from fsrs_rs_python import DEFAULT_PARAMETERS as _RS_DEFAULTS

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(_RS_DEFAULTS)


def _factor(decay: float) -> float:
    return 0.9 ** (-1 / decay) - 1


def retrievability(elapsed_days: float, stability: float, decay: float) -> float:
    """Probability of recall `elapsed_days` after the last review."""
    return (1 + _factor(decay) * max(0.0, elapsed_days) / stability) ** -decay


def next_interval(stability: float, desired_retention: float, decay: float) -> float:
    """Days until recall falls to `desired_retention` (unrounded)."""
    return stability / _factor(decay) * (desired_retention ** (-1 / decay) - 1)
