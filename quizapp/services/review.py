"""What a student may see of their own attempts now: the one review policy
(assignment_rules.what_may_be_shown) fed from the database. Every page and response that shows
a student's attempt asks here: results, question pages, attempt lists, CSV, the dashboard,
"My classes", and the mistakes a retry draws from."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..assignment_rules import (
    AssignedReview,
    AttemptFacts,
    Extension,
    Shown,
    Window,
    what_may_be_shown,
    with_override,
)
from ..attempt_rules import time_is_up
from ..models import Assignment, AssignmentOverride, Attempt, User, utcnow
from ..vocab import AttemptStatus
from .queries import driver_rows


def window_of(assignment: Assignment, override: AssignmentOverride | None = None) -> Window:
    """One student's dates and limits: the assignment's, changed by their override."""
    base = Window(
        assignment.opens_at,
        assignment.due_at,
        assignment.closes_at,
        assignment.time_limit_minutes,
        assignment.attempts_allowed,
    )
    if override is None:
        return base
    extension = Extension(override.closes_at, override.extra_minutes, override.extra_attempts)
    return with_override(base, extension)


def override_for(session: Session, assignment_id: int, user_id: int) -> AssignmentOverride | None:
    return session.scalar(
        sa.select(AssignmentOverride).where(
            AssignmentOverride.assignment_id == assignment_id,
            AssignmentOverride.user_id == user_id,
        )
    )


def finished_at(attempt: Attempt, now: datetime) -> datetime | None:
    """When the attempt ended: submitted, or its deadline if time ran out (even before a
    write closed it); None while it runs."""
    return _ended(attempt.status, attempt.submitted_at, attempt.deadline, now)


def _ended(status: str, submitted_at, deadline, now: datetime) -> datetime | None:
    if status == AttemptStatus.SUBMITTED:
        return submitted_at
    return deadline if time_is_up(deadline, now) else None


def facts(attempt: Attempt, now: datetime) -> AttemptFacts:
    return AttemptFacts(attempt.mode, finished_at(attempt, now))


def assigned_review(
    assignment: Assignment, override: AssignmentOverride | None = None
) -> AssignedReview:
    return AssignedReview(assignment.review or {}, window_of(assignment, override).closes_at)


def shown(session: Session, attempt: Attempt, now: datetime | None = None) -> Shown:
    """What the attempt's owner may see of it now (staff see everything: EVERYTHING)."""
    now = now or utcnow()
    if attempt.assignment_id is None:
        return what_may_be_shown(facts(attempt, now), None, now)
    assignment = session.get(Assignment, attempt.assignment_id)
    override = override_for(session, attempt.assignment_id, attempt.user_id)
    return what_may_be_shown(facts(attempt, now), assigned_review(assignment, override), now)


# A student's assigned attempts with what the review policy needs of each, as columns: the
# attempt's mode and end, its assignment's review options and the student's close date (an
# override's, else the assignment's: with_override's rule for it).
_ASSIGNED_ATTEMPTS = (
    sa.select(
        Attempt.id,
        Attempt.mode,
        Attempt.status,
        Attempt.submitted_at,
        Attempt.deadline,
        Assignment.review,
        sa.func.coalesce(AssignmentOverride.closes_at, Assignment.closes_at),
    )
    .join(Assignment, Attempt.assignment_id == Assignment.id)
    .outerjoin(
        AssignmentOverride,
        sa.and_(
            AssignmentOverride.assignment_id == Assignment.id,
            AssignmentOverride.user_id == Attempt.user_id,
        ),
    )
    .where(Attempt.user_id == sa.bindparam("user"))
)


def hidden_attempt_ids(session: Session, user: User, now: datetime | None = None) -> set[int]:
    """This student's assigned attempts whose score may not be shown now: their marks stay out
    of every list, total, chart and download, and out of the mistakes a retry draws from."""
    now = now or utcnow()
    return {
        attempt_id
        for attempt_id, mode, status, submitted, deadline, review, closes in driver_rows(
            session, _ASSIGNED_ATTEMPTS, user=user.id
        )
        if not what_may_be_shown(
            AttemptFacts(mode, _ended(status, submitted, deadline, now)),
            AssignedReview(review or {}, closes),
            now,
        ).score
    }
