"""Where students stand: each student's status, grade (by the assignment's grading method)
and attempts on each assignment, or their progress on a flashcard goal. The instructor's
gradebook and its CSV, and the student's own "My classes" and "due next", read the same marks;
the student's grade shows only when the review options release it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...assignment_rules import (
    STATUS_LABELS,
    AssignmentStatus,
    Finished,
    GoalProgress,
    Window,
    counted_attempt,
    goal_progress,
    goal_status,
    grade,
    status,
    what_may_be_shown,
    why_not_start,
)
from ...csvfiles import csv_text
from ...models import (
    Assignment,
    AssignmentOverride,
    Attempt,
    Card,
    Course,
    Review,
    User,
    utcnow,
)
from ...vocab import CourseRole, GoalTarget
from ..quizzes import results
from ..review import assigned_review, facts, finished_at, override_for, window_of
from .courses import members, student_courses

OPEN_STATUSES = (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS)


@dataclass
class AssignmentMark:
    """One student's standing on one assignment."""

    status: AssignmentStatus
    window: Window
    grade: float | None = None  # a percentage, by the grading method (quizzes)
    released: bool = True  # whether the student may see the grade now
    attempts: list[Attempt] = field(default_factory=list)
    counted: Attempt | None = None  # the attempt the grade comes from (one-attempt methods)
    progress: GoalProgress | None = None  # flashcard goals
    overridden: bool = False
    upcoming: bool = False  # not open yet

    @property
    def label(self) -> str:
        if self.progress is not None and self.status == AssignmentStatus.SUBMITTED:
            return "Done"
        return STATUS_LABELS[self.status]

    @property
    def finished(self) -> bool:
        return self.status in (AssignmentStatus.SUBMITTED, AssignmentStatus.LATE)


def due_order(assignment: Assignment):
    """Assignments are listed by due date (the close date if none), undated last."""
    due = assignment.due_at or assignment.closes_at
    return (due is None, due or datetime.min, assignment.id)


def _percent(attempt: Attempt, now: datetime) -> float:
    # An exam whose time ran out but that no write has closed yet: score it as closing will.
    score = attempt.score if attempt.finished else results(attempt, now).score
    return 100 * score / attempt.max_score if attempt.max_score else 0.0


def _quiz_mark(assignment, window, override, attempts, now) -> AssignmentMark:
    finished: list[tuple[Attempt, Finished]] = []
    running = False
    for attempt in attempts:
        ended = finished_at(attempt, now)
        if ended is None:
            running = True
        else:
            finished.append((attempt, Finished(ended, _percent(attempt, now))))
    scores = [f for _, f in finished]
    counted = counted_attempt(assignment.grading_method, scores)
    review = assigned_review(assignment, override)
    return AssignmentMark(
        status=status(window, (f.finished_at for f in scores), running, now),
        window=window,
        grade=grade(assignment.grading_method, scores),
        released=all(what_may_be_shown(facts(a, now), review, now).score for a, _ in finished),
        attempts=list(attempts),
        counted=finished[counted][0] if counted is not None else None,
        overridden=override is not None,
    )


def _goal_reviews(session, goal: Assignment, user_ids) -> tuple[list[int], dict[int, list]]:
    """The deck's active cards, and each student's reviews of them since the goal opened."""
    cards = list(
        session.scalars(
            sa.select(Card.id).where(Card.bank_id == goal.deck_id, Card.retired_at.is_(None))
        )
    )
    query = sa.select(Review.user_id, Review.reviewed_at, Review.card_id, Review.rating)
    if goal.target == GoalTarget.SEEN:
        # Only each card's first review counts: let the database keep just that one.
        first = sa.func.min(Review.reviewed_at)
        query = sa.select(Review.user_id, first, Review.card_id, sa.func.min(Review.rating))
        query = query.group_by(Review.user_id, Review.card_id)
    rows = session.execute(
        query.where(
            Review.user_id.in_(user_ids),
            Review.card_id.in_(cards),
            Review.reviewed_at >= (goal.opens_at or goal.created_at),
        )
    )
    reviews: dict[int, list] = defaultdict(list)
    for user_id, reviewed_at, card_id, rating in rows:
        reviews[user_id].append((reviewed_at, card_id, rating))
    return cards, reviews


def marks(
    session: Session,
    assignments: Iterable[Assignment],
    user_ids: Iterable[int],
    now: datetime | None = None,
) -> dict[tuple[int, int], AssignmentMark]:
    """Every (student id, assignment id) mark, in a handful of queries."""
    now = now or utcnow()
    assignments, user_ids = list(assignments), list(user_ids)
    ids = [a.id for a in assignments]
    overrides = {
        (o.user_id, o.assignment_id): o
        for o in session.scalars(
            sa.select(AssignmentOverride).where(
                AssignmentOverride.assignment_id.in_(ids), AssignmentOverride.user_id.in_(user_ids)
            )
        )
    }
    attempts: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for attempt in session.scalars(
        sa.select(Attempt)
        .where(Attempt.assignment_id.in_(ids), Attempt.user_id.in_(user_ids))
        .order_by(Attempt.started_at, Attempt.id)
    ):
        attempts[attempt.user_id, attempt.assignment_id].append(attempt)
    result = {}
    for assignment in assignments:
        goal = None if assignment.is_quiz else _goal_reviews(session, assignment, user_ids)
        for user_id in user_ids:
            key = (user_id, assignment.id)
            override = overrides.get(key)
            window = window_of(assignment, override)
            if goal is None:
                mark = _quiz_mark(assignment, window, override, attempts[key], now)
            else:
                cards, reviews = goal
                progress = goal_progress(assignment.target, cards, reviews.get(user_id, []))
                started = bool(reviews.get(user_id))
                status_now = goal_status(progress, window, now, started)
                mark = AssignmentMark(status_now, window, progress=progress)
            mark.upcoming = window.is_upcoming(now)
            result[key] = mark
    return result


@dataclass
class Gradebook:
    course: Course
    students: list[User]
    assignments: list[Assignment]
    marks: dict[tuple[int, int], AssignmentMark]

    def mark(self, user_id: int, assignment_id: int) -> AssignmentMark:
        return self.marks[user_id, assignment_id]

    def done(self, assignment_id: int) -> int:
        """How many students have submitted (or met the goal), late or not."""
        return sum(self.marks[s.id, assignment_id].finished for s in self.students)


def gradebook(session: Session, course: Course, now: datetime | None = None) -> Gradebook:
    """Students by assignments: the instructor's view of a class."""
    students = members(session, course.id, CourseRole.STUDENT)
    assignments = sorted(course.assignments, key=due_order)
    book = marks(session, assignments, [s.id for s in students], now)
    return Gradebook(course, students, assignments, book)


def _cell(mark: AssignmentMark) -> str:
    if mark.progress is not None:
        return f"{100 * mark.progress.share:.0f}"
    return "" if mark.grade is None else f"{mark.grade:.1f}"


def gradebook_csv(book: Gradebook) -> str:
    """One row per student: per assignment, the grade (or goal progress) in percent and the
    status (submitted, late, missed, ...)."""
    header = ["username"]
    for assignment in book.assignments:
        header += [f"{assignment.title} (%)", f"{assignment.title} status"]
    rows = []
    for student in book.students:
        row = [student.username]
        for assignment in book.assignments:
            mark = book.mark(student.id, assignment.id)
            row += [_cell(mark), mark.status.value]
        rows.append(row)
    return csv_text(header, rows)


@dataclass
class ClassCard:
    """A class as one of its students sees it: no classmates, only their own marks."""

    course: Course
    instructors: list[str]
    rows: list[tuple[Assignment, AssignmentMark]]


def _own_rows(
    session: Session, user: User, courses: list[Course], now: datetime | None
) -> dict[int, list[tuple[Assignment, AssignmentMark]]]:
    """Per class (by id), its assignments in due order, each with the student's own mark."""
    book = marks(session, [a for course in courses for a in course.assignments], [user.id], now)
    return {
        course.id: [(a, book[user.id, a.id]) for a in sorted(course.assignments, key=due_order)]
        for course in courses
    }


def student_classes(session: Session, user: User, now: datetime | None = None) -> list[ClassCard]:
    """The student's classes (active first), each assignment with their own mark."""
    courses = student_courses(session, user)
    rows = _own_rows(session, user, courses, now)
    return [
        ClassCard(
            course,
            [u.username for u in members(session, course.id, CourseRole.INSTRUCTOR)],
            rows[course.id],
        )
        for course in courses
    ]


def due_next(
    session: Session, user: User, now: datetime | None = None, limit: int = 5
) -> list[tuple[Course, Assignment, AssignmentMark]]:
    """What the student has still to do in their active classes, soonest due first (their
    instructors are not read: the home page asks on every view)."""
    now = now or utcnow()
    courses = [course for course in student_courses(session, user) if not course.archived]
    rows = _own_rows(session, user, courses, now)
    pending = [
        (course, assignment, mark)
        for course in courses
        for assignment, mark in rows[course.id]
        if mark.status in OPEN_STATUSES
    ]
    pending.sort(key=lambda row: (row[2].window.due is None, row[2].window.due or now))
    return pending[:limit]


@dataclass
class Standing:
    """One student on one assignment, for its page: their mark, the attempt they can go back
    to, why they cannot start another (None: they can), and which scores stay hidden."""

    assignment: Assignment
    mark: AssignmentMark
    running: Attempt | None
    why_not: str | None
    hidden: set[int]


def standing(
    session: Session, user: User, assignment: Assignment, now: datetime | None = None
) -> Standing:
    now = now or utcnow()
    mark = marks(session, [assignment], [user.id], now)[user.id, assignment.id]
    running = next((a for a in mark.attempts if finished_at(a, now) is None), None)
    why_not = None
    if assignment.is_quiz:
        why_not = why_not_start(mark.window, len(mark.attempts), now)
    if assignment.course.archived:
        why_not = "This class is archived."
    review = assigned_review(assignment, override_for(session, assignment.id, user.id))
    hidden = {
        a.id for a in mark.attempts if not what_may_be_shown(facts(a, now), review, now).score
    }
    return Standing(assignment, mark, running, why_not, hidden)
