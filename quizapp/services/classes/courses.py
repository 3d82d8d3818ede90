"""Classes themselves: who may see one, creating and editing it, its join code, joining,
removing a student, co-instructors, archiving. Pages say "class"; the model is `Course`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ...assignment_rules import new_join_code, normalise_code
from ...database import write_transaction
from ...models import Assignment, Course, CourseMember, User, utcnow
from ...scheduling import valid_zone
from ...vocab import AssignmentKind, CourseRole, Role
from ..accounts import find_user
from ..queries import rows


class ClassError(ValueError):
    """A request about a class that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class CourseDetails:
    name: str
    term: str
    timezone: str


def _is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def _membership(session: Session, course_id: int, user_id: int) -> CourseMember | None:
    return session.scalar(
        sa.select(CourseMember).where(
            CourseMember.course_id == course_id, CourseMember.user_id == user_id
        )
    )


def teaching(session: Session, viewer: User, course_id: int) -> Course | None:
    """The class if `viewer` teaches it (admins teach every class); None otherwise."""
    course = session.get(Course, course_id)
    if course is None or _is_admin(viewer):
        return course
    member = _membership(session, course_id, viewer.id)
    return course if member is not None and member.role == CourseRole.INSTRUCTOR else None


def studying(session: Session, viewer: User, course_id: int) -> Course | None:
    """The class if `viewer` is one of its students; None otherwise."""
    member = _membership(session, course_id, viewer.id)
    return member.course if member is not None and member.role == CourseRole.STUDENT else None


def is_student_of(session: Session, course_id: int, user_id: int) -> bool:
    member = _membership(session, course_id, user_id)
    return member is not None and member.role == CourseRole.STUDENT


def student_in(session: Session, course_id: int, user_id: int) -> User | None:
    """A student of the class (None for anyone else: a former student, an instructor)."""
    return session.get(User, user_id) if is_student_of(session, course_id, user_id) else None


def _courses(session: Session, user: User, role: str, *options) -> list[Course]:
    return list(
        session.scalars(
            sa.select(Course)
            .join(CourseMember, CourseMember.course_id == Course.id)
            .where(CourseMember.user_id == user.id, CourseMember.role == role)
            .order_by(Course.archived_at.is_not(None), Course.name, Course.id)
            .options(*options)
        )
    )


def taught_courses(session: Session, viewer: User) -> list[Course]:
    """Classes `viewer` teaches (every class, for an admin); active ones first."""
    if _is_admin(viewer):
        order = (Course.archived_at.is_not(None), Course.name, Course.id)
        return list(session.scalars(sa.select(Course).order_by(*order)))
    return _courses(session, viewer, CourseRole.INSTRUCTOR)


class TaughtQuiz(NamedTuple):
    id: int
    title: str
    course_name: str


class TaughtChoices(NamedTuple):
    """What the report filters offer: the classes taught and their quiz assignments."""

    courses: list[tuple[int, str, str]]  # id, name, term
    quizzes: list[TaughtQuiz]  # grouped by class, in the order of `courses`


def _taught_choices_query(admin: bool):
    query = (
        sa.select(Course.id, Course.name, Course.term, Assignment.id, Assignment.title)
        .outerjoin(
            Assignment,
            (Assignment.course_id == Course.id) & (Assignment.kind == AssignmentKind.QUIZ),
        )
        .order_by(Course.archived_at.is_not(None), Course.name, Course.id, Assignment.id)
    )
    if admin:
        return query
    return query.join(CourseMember, CourseMember.course_id == Course.id).where(
        CourseMember.user_id == sa.bindparam("viewer"), CourseMember.role == CourseRole.INSTRUCTOR
    )


# Built once: every report page's filter reads it.
_TAUGHT_CHOICES = {admin: _taught_choices_query(admin) for admin in (False, True)}


def taught_choices(session: Session, viewer: User) -> TaughtChoices:
    """taught_courses and their quiz assignments (by id) as columns, in one query: the
    assignments' JSON settings are not read for a list of titles."""
    query = _TAUGHT_CHOICES[_is_admin(viewer)]
    found = TaughtChoices([], [])
    for course_id, name, term, quiz_id, title in rows(session, query, viewer=viewer.id):
        if not found.courses or found.courses[-1][0] != course_id:
            found.courses.append((course_id, name, term))
        if quiz_id is not None:
            found.quizzes.append(TaughtQuiz(quiz_id, title, name))
    return found


def student_courses(session: Session, user: User) -> list[Course]:
    """The student's classes, active first, with their assignments (one query for all)."""
    return _courses(session, user, CourseRole.STUDENT, selectinload(Course.assignments))


def members(session: Session, course_id: int, role: str) -> list[User]:
    """The class's students (or instructors), by name."""
    return list(
        session.scalars(
            sa.select(User)
            .join(CourseMember, CourseMember.user_id == User.id)
            .where(CourseMember.course_id == course_id, CourseMember.role == role)
            .order_by(User.username)
        )
    )


def taught_student_ids(session: Session, viewer: User) -> set[int] | None:
    """The students of every class `viewer` teaches (None for an admin: everyone)."""
    if _is_admin(viewer):
        return None
    taught = sa.select(CourseMember.course_id).where(
        CourseMember.user_id == viewer.id, CourseMember.role == CourseRole.INSTRUCTOR
    )
    return set(
        session.scalars(
            sa.select(CourseMember.user_id).where(
                CourseMember.course_id.in_(taught), CourseMember.role == CourseRole.STUDENT
            )
        )
    )


def _check(details: CourseDetails) -> CourseDetails:
    name, term = details.name.strip(), details.term.strip()
    if not name:
        raise ClassError("Give the class a name.")
    if len(name) > 100 or len(term) > 100:
        raise ClassError("Use at most 100 characters for the name and the term.")
    if not valid_zone(details.timezone):
        raise ClassError(f"Unknown time zone '{details.timezone}'.")
    return CourseDetails(name, term, details.timezone)


def _unused_code(session: Session) -> str:
    while True:  # 31^8 codes: a clash is rare, and checked under the write lock
        code = new_join_code()
        if session.scalar(sa.select(Course.id).where(Course.join_code == code)) is None:
            return code


def create_course(session: Session, instructor: User, details: CourseDetails) -> Course:
    """A new class taught by `instructor`, with a fresh join code."""
    details = _check(details)
    with write_transaction(session):
        course = Course(
            name=details.name,
            term=details.term,
            timezone=details.timezone,
            join_code=_unused_code(session),
        )
        session.add(course)
        session.flush()
        session.add(
            CourseMember(course_id=course.id, user_id=instructor.id, role=CourseRole.INSTRUCTOR)
        )
    return course


def update_course(session: Session, course_id: int, details: CourseDetails) -> Course:
    details = _check(details)
    with write_transaction(session):
        course = _locked(session, course_id)
        course.name, course.term, course.timezone = details.name, details.term, details.timezone
    return course


def regenerate_code(session: Session, course_id: int) -> str:
    """A new join code; the old code and link stop working at once."""
    with write_transaction(session):
        course = _locked(session, course_id)
        course.join_code = _unused_code(session)
    return course.join_code


def set_archived(session: Session, course_id: int, archived: bool, now: datetime | None = None):
    """Archive (no joining, no new attempts; everything stays readable) or bring back."""
    with write_transaction(session):
        course = _locked(session, course_id)
        course.archived_at = (now or utcnow()) if archived else None
    return course


def course_by_code(session: Session, code: str | None, lock: bool = False) -> Course | None:
    """The active class a code (as typed: any case, spaces or dashes) opens; `lock` holds
    its row for the caller's write transaction."""
    code = normalise_code(code)
    if not code:
        return None
    query = sa.select(Course).where(Course.join_code == code)
    course = session.scalar(query.with_for_update() if lock else query)
    return course if course is not None and not course.archived else None


def _locked(session: Session, course_id: int) -> Course:
    """The class, its row locked: changes to its members are made one at a time."""
    return session.scalar(sa.select(Course).where(Course.id == course_id).with_for_update())


def join(session: Session, user: User, code: str | None) -> tuple[Course, bool]:
    """Join the class of `code` as a student; returns (class, whether newly joined). Joining
    twice changes nothing (a double click joins once); an instructor of the class stays its
    instructor."""
    with write_transaction(session):
        course = course_by_code(session, code, lock=True)
        if course is None:
            raise ClassError("No open class has that code. Check it with your instructor.")
        if _membership(session, course.id, user.id) is not None:
            return course, False
        session.add(CourseMember(course_id=course.id, user_id=user.id, role=CourseRole.STUDENT))
    return course, True


def remove_student(session: Session, course_id: int, user_id: int) -> bool:
    """Take a student out of the class (their attempts stay theirs); False if not a student.
    They can join again with the code: regenerate it to stop that."""
    with write_transaction(session):
        _locked(session, course_id)
        member = _membership(session, course_id, user_id)
        if member is None or member.role != CourseRole.STUDENT:
            return False
        session.delete(member)
    return True


def add_instructor(session: Session, course_id: int, username: str) -> User:
    """Make an instructor (or admin) account a co-instructor of the class."""
    with write_transaction(session):
        _locked(session, course_id)
        user = find_user(session, username)
        if user is None or not user.is_staff:
            raise ClassError("No instructor account has that username.")
        member = _membership(session, course_id, user.id)
        if member is None:
            session.add(
                CourseMember(course_id=course_id, user_id=user.id, role=CourseRole.INSTRUCTOR)
            )
        else:
            member.role = CourseRole.INSTRUCTOR  # a staff member who had joined as a student
    return user
