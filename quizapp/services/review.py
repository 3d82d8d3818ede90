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
    if attempt.finished:
        return attempt.submitted_at
    return attempt.deadline if time_is_up(attempt.deadline, now) else None


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


_ASSIGNED_ATTEMPTS = (
    sa.select(Attempt, Assignment, AssignmentOverride)
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


_ANY_ASSIGNED_ATTEMPT = (
    sa.select(Attempt.id)
    .where(Attempt.user_id == sa.bindparam("user"), Attempt.assignment_id.is_not(None))
    .limit(1)
)


def hidden_attempt_ids(session: Session, user: User, now: datetime | None = None) -> set[int]:
    """This student's assigned attempts whose score may not be shown now: their marks stay out
    of every list, total, chart and download, and out of the mistakes a retry draws from."""
    if not driver_rows(session, _ANY_ASSIGNED_ATTEMPT, user=user.id):
        return set()  # most students, on every dashboard: no objects to load
    now = now or utcnow()
    rows = session.execute(_ASSIGNED_ATTEMPTS, {"user": user.id}).all()
    return {
        attempt.id
        for attempt, assignment, override in rows
        if not what_may_be_shown(
            facts(attempt, now), assigned_review(assignment, override), now
        ).score
    }
