"""Whose answers an instructor's report covers: the students of the classes they teach (every
student, for an admin), narrowed to one class and to one assignment. The class overview and
item analysis take a Scope; any other report (response analysis) plugs in the same way:
`scope.attempt_clauses()` in its WHERE, or `attempt_ids(session, scope)`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...models import Assignment, Attempt, AttemptItem, CourseMember, User
from ...vocab import AttemptStatus, CourseRole, Role
from .courses import taught_student_ids, teaching


@dataclass(frozen=True)
class Scope:
    """Students (None: every student) and, optionally, one assignment's attempts only."""

    user_ids: frozenset[int] | None = None
    course_id: int | None = None
    assignment_id: int | None = None

    def attempt_clauses(self, attempt=Attempt) -> list:
        """WHERE clauses on `attempt` (the Attempt entity or an alias) for this scope."""
        clauses = self.user_clauses(attempt.user_id)
        if self.assignment_id is not None:
            clauses.append(attempt.assignment_id == self.assignment_id)
        return clauses

    def user_clauses(self, column=User.id) -> list:
        """WHERE clauses on a column of user ids (User.id unless told) for this scope."""
        return [] if self.user_ids is None else [column.in_(self.user_ids)]

    def counted_answers(self) -> list:
        """WHERE clauses (on AttemptItem joined to Attempt) for the answers item analysis
        counts: each student's first finished try at each question; within one assignment,
        every answer of each student's first finished attempt at it."""
        if self.assignment_id is None:
            return [AttemptItem.first_try.is_(True), *self.attempt_clauses()]
        ranked = (
            sa.select(
                Attempt.id,
                sa.func.row_number()
                .over(partition_by=Attempt.user_id, order_by=(Attempt.submitted_at, Attempt.id))
                .label("rank"),
            )
            .where(Attempt.status == AttemptStatus.SUBMITTED, *self.attempt_clauses())
            .subquery()
        )
        return [Attempt.id.in_(sa.select(ranked.c.id).where(ranked.c.rank == 1))]

    def includes(self, user_id: int) -> bool:
        return self.user_ids is None or user_id in self.user_ids


EVERYONE = Scope()


def scope_for(
    session: Session,
    viewer: User,
    course_id: int | None = None,
    assignment_id: int | None = None,
) -> Scope | None:
    """The scope of `viewer`'s reports, narrowed to a class they teach and one of its
    assignments; None when they may not see that class or it has no such assignment."""
    if course_id is None and assignment_id is not None:
        assignment = session.get(Assignment, assignment_id)
        if assignment is None:
            return None
        course_id = assignment.course_id
    if course_id is None:
        taught = taught_student_ids(session, viewer)
        return EVERYONE if taught is None else Scope(frozenset(taught))
    if teaching(session, viewer, course_id) is None:
        return None
    if assignment_id is not None:
        assignment = session.get(Assignment, assignment_id)
        if assignment is None or assignment.course_id != course_id:
            return None
    students = session.scalars(
        sa.select(CourseMember.user_id).where(
            CourseMember.course_id == course_id, CourseMember.role == CourseRole.STUDENT
        )
    )
    return Scope(frozenset(students), course_id, assignment_id)


def user_ids(session: Session, scope: Scope) -> list[int]:
    """The students a scope covers (every student account for EVERYONE)."""
    if scope.user_ids is not None:
        return sorted(scope.user_ids)
    return list(session.scalars(sa.select(User.id).where(User.role == Role.STUDENT)))


def attempt_ids(session: Session, scope: Scope) -> list[int]:
    """The attempts a scope covers."""
    return list(session.scalars(sa.select(Attempt.id).where(*scope.attempt_clauses())))
