"""Personal FSRS parameters: fit them to the student's own review log (quizapp.memory), keep them
only if they predict held-out reviews better, and replan every card with them at once.

A run is a row (OptimiserRun) so that its progress can be read by any process: the page that
started it, a page that refreshes, or the command line. It is done by `run_optimiser`, in a
background thread of the web process or in the command's own process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ... import memory
from ...database import write_transaction
from ...memory import MINIMUM_REVIEWS, ReviewRecord
from ...memory.optimiser import SPLITS
from ...models import OptimiserRun, Review, User, utcnow
from ...scheduling import checked_parameters
from ...vocab import JobStatus
from .reviews import StudyError
from .settings import replay_cards

# A run not heard from for this long died with its process; another may start.
STALE_AFTER = timedelta(minutes=5)
# The optimiser's own steps (each split, then the final fit), then saving and replanning.
STEPS = SPLITS + 2
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def review_log(session: Session, user: User) -> list[ReviewRecord]:
    rows = session.execute(
        sa.select(
            Review.card_id, Review.reviewed_at, Review.day, Review.rating, Review.duration_ms
        ).where(Review.user_id == user.id)
    )
    return [ReviewRecord(*row) for row in rows]


def usable_reviews(session: Session, user: User) -> int:
    """Reviews FSRS can learn from (MINIMUM_REVIEWS are needed to optimise)."""
    return memory.usable_reviews(review_log(session, user))


def interrupted(run: OptimiserRun, now: datetime | None = None) -> bool:
    """Queued or running, but not heard from for too long: its process is gone."""
    return run.status in ACTIVE and run.updated_at < (now or utcnow()) - STALE_AFTER


def latest_run(session: Session, user: User) -> OptimiserRun | None:
    return session.scalar(
        sa.select(OptimiserRun)
        .where(OptimiserRun.user_id == user.id)
        .order_by(OptimiserRun.created_at.desc(), OptimiserRun.id.desc())
        .limit(1)
    )


def run_of(session: Session, user: User, run_id: int) -> OptimiserRun | None:
    """The run if it is this user's (None otherwise: the page answers 404)."""
    return session.scalar(
        sa.select(OptimiserRun).where(OptimiserRun.id == run_id, OptimiserRun.user_id == user.id)
    )


@dataclass(frozen=True)
class ScheduleStatus:
    """What the settings page says about the student's parameters."""

    usable: int  # reviews FSRS can learn from
    minimum: int
    personal: bool  # personal parameters in use (False: FSRS's defaults)
    latest: OptimiserRun | None
    working: bool  # the latest run is under way

    @property
    def can_optimise(self) -> bool:
        return self.usable >= self.minimum


def schedule_status(session: Session, user: User, now: datetime | None = None) -> ScheduleStatus:
    latest = latest_run(session, user)
    working = latest is not None and latest.status in ACTIVE and not interrupted(latest, now)
    return ScheduleStatus(
        usable_reviews(session, user),
        MINIMUM_REVIEWS,
        user.fsrs_parameters is not None,
        latest,
        working,
    )


def start_run(
    session: Session, user: User, now: datetime | None = None
) -> tuple[OptimiserRun, bool]:
    """Queue a run for the student: (the run, True), or (the run already under way, False),
    so that a second click or tab does not start another. StudyError below the minimum."""
    now = now or utcnow()
    usable = usable_reviews(session, user)
    if usable < MINIMUM_REVIEWS:
        raise StudyError(
            f"Optimising needs {MINIMUM_REVIEWS} reviews made on a later day than the card's "
            f"previous review; you have {usable}."
        )
    with write_transaction(session):
        session.get(User, user.id, with_for_update=True)  # one start at a time per student
        for run in session.scalars(
            sa.select(OptimiserRun).where(
                OptimiserRun.user_id == user.id, OptimiserRun.status.in_(ACTIVE)
            )
        ):
            if not interrupted(run, now):
                return run, False
            _finish(run, JobStatus.FAILED, now, message="It was interrupted; start it again.")
        run = OptimiserRun(
            user_id=user.id, status=JobStatus.QUEUED, total=STEPS, created_at=now, updated_at=now
        )
        session.add(run)
    return run, True


def _finish(run: OptimiserRun, status: JobStatus, now: datetime, **result) -> None:
    run.status, run.finished_at, run.updated_at = status, now, now
    run.done = run.total
    run.result = result


def _progress(session: Session, run_id: int, done: int) -> None:
    with write_transaction(session):
        session.execute(
            sa.update(OptimiserRun)
            .where(OptimiserRun.id == run_id)
            .values(status=JobStatus.RUNNING, done=done, updated_at=utcnow())
        )


def run_optimiser(
    session: Session, run_id: int, on_step: Callable[[int, int], None] | None = None
) -> OptimiserRun:
    """Do a queued run: fit, judge against what the student has, keep the new parameters
    only if they predict better, and replan every card with them in the same transaction."""
    run = session.get(OptimiserRun, run_id)
    user = session.get(User, run.user_id)

    def step(done: int, _total: int) -> None:
        _progress(session, run_id, done)
        if on_step:
            on_step(done, STEPS)

    step(0, STEPS)
    log = review_log(session, user)
    baseline = tuple(user.fsrs_parameters or memory.DEFAULT_PARAMETERS)
    try:
        fit = memory.optimise(
            log,
            baseline=baseline,
            relearning_steps=1 if user.learning_steps else 0,
            progress=step,
        )
        parameters = checked_parameters(fit.parameters)
    except (memory.NotEnoughReviews, ValueError) as exc:
        with write_transaction(session):
            run = session.get(OptimiserRun, run_id)
            _finish(run, JobStatus.FAILED, utcnow(), message=str(exc))
        return run
    found = {
        "reviews": fit.reviews,
        "personal_before": user.fsrs_parameters is not None,
        "fitted": {"log_loss": fit.fitted.log_loss, "rmse_bins": fit.fitted.rmse_bins},
        "current": {"log_loss": fit.current.log_loss, "rmse_bins": fit.current.rmse_bins},
    }
    if fit.better:
        change = memory.compare(baseline, parameters, log, user.desired_retention)
        found.update(kept=True, ratio=change.ratio, sentence=change.sentence)
    else:
        found.update(kept=False, ratio=None, sentence="Your schedule stays as it was.")
    with write_transaction(session):
        run = session.get(OptimiserRun, run_id)
        if fit.better:
            row = session.get(User, user.id, with_for_update=True)
            row.fsrs_parameters = list(parameters)
            found["rescheduled"] = replay_cards(session, row)
        _finish(run, JobStatus.DONE, utcnow(), **found)
    if on_step:
        on_step(STEPS, STEPS)
    return run


def fail_run(session: Session, run_id: int, message: str) -> None:
    """Close a run that broke on something unexpected (the caller logs what)."""
    with write_transaction(session):
        run = session.get(OptimiserRun, run_id)
        if run is not None and run.status in ACTIVE:
            _finish(run, JobStatus.FAILED, utcnow(), message=message)


def use_default_parameters(session: Session, user: User) -> int:
    """Drop the student's personal parameters and replan with FSRS's defaults."""
    with write_transaction(session):
        row = session.get(User, user.id, with_for_update=True)
        if row.fsrs_parameters is None:
            return 0
        row.fsrs_parameters = None
        return replay_cards(session, row)


def users_with_reviews(session: Session, username: str | None = None) -> list[User]:
    """Everyone who has reviewed a card (or the one named), by name."""
    query = sa.select(User).where(sa.exists().where(Review.user_id == User.id))
    if username is not None:
        query = sa.select(User).where(User.username == username)
    return list(session.scalars(query.order_by(User.username)))
