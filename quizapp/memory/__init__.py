"""Personal memory models: fit FSRS to a student's log, simulate workload, predict quiz scores.

Pure: plain records in, plain dataclasses out; no Flask, no database. fsrs-rs-python (Rust)
does the fitting and simulating; its FSRS-6 parameters drop straight into py-fsrs's
`Scheduler(parameters=...)`, which schedules the cards.
"""

from .compare import Comparison, compare
from .history import MINIMUM_REVIEWS, ReviewRecord, usable_reviews
from .model import DEFAULT_PARAMETERS
from .optimiser import Fit, Metrics, NotEnoughReviews, evaluate, optimise
from .readiness import Calibration, Readiness, calibration, first_try_recall, readiness
from .workload import RETENTIONS, Habits, Workload, WorkloadRow, habits, workload

__all__ = [
    "DEFAULT_PARAMETERS",
    "MINIMUM_REVIEWS",
    "RETENTIONS",
    "Calibration",
    "Comparison",
    "Fit",
    "Habits",
    "Metrics",
    "NotEnoughReviews",
    "Readiness",
    "ReviewRecord",
    "Workload",
    "WorkloadRow",
    "calibration",
    "compare",
    "evaluate",
    "first_try_recall",
    "habits",
    "optimise",
    "readiness",
    "usable_reviews",
    "workload",
]
