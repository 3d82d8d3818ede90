"""`quizapp demo`, the classes: two instructors, two classes (one co-taught) and their
students, each class with assignments that closed, that are open and that are upcoming, a
flashcard goal, an override, and the attempts students made: within each assignment's dates,
time limit and attempts, some on time, some late, some missed. Everything follows from the
seed's random generator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..assignment_rules import DEFAULT_REVIEW, REVIEW_ITEMS, new_join_code
from ..models import (
    Assignment,
    AssignmentOverride,
    AttemptItem,
    Bank,
    Course,
    CourseMember,
    User,
)
from ..vocab import AssignmentKind, CourseRole, GoalTarget, GradingMethod, Mode, Role
from .queries import BANK_ORDER

CLASSES = [("China's AI industry in 2023", "Asia/Shanghai"), ("AI and society", "Europe/London")]
EVERY_PHASE = {phase: list(REVIEW_ITEMS) for phase in DEFAULT_REVIEW}
EXAM_REVIEW = {**DEFAULT_REVIEW, "later_while_open": []}  # marks only after the close


@dataclass(frozen=True)
class Planned:
    """One assignment of each class; days are counted from now."""

    title: str
    mode: str
    opens: int
    due: int | None
    closes: int
    attempts: int
    minutes: int | None
    grading: str
    take: float  # the share of students who try it


PLAN = [
    Planned("Week 1 exam", Mode.EXAM, -21, -14, -12, 2, 20, GradingMethod.HIGHEST, 0.85),
    Planned("Practice set", Mode.PRACTICE, -9, None, 6, 0, None, GradingMethod.AVERAGE, 0.6),
    Planned("Week 3 exam", Mode.EXAM, -3, None, 4, 1, 20, GradingMethod.HIGHEST, 0.5),
    Planned("Week 4 exam", Mode.EXAM, 5, None, 12, 1, 30, GradingMethod.HIGHEST, 0.0),
]
QUESTIONS = 10


@dataclass
class ClassReport:
    classes: int = 0
    assignments: int = 0
    attempts: int = 0
    answers: int = 0
    instructors: list[str] = field(default_factory=list)
    last_active: dict[int, datetime] = field(default_factory=dict)  # student id -> latest


def _instructor(session, fake, taken: set[str], password_hash: str, now) -> User:
    base = "prof." + "".join(c for c in fake.last_name().lower() if "a" <= c <= "z")[:30]
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    user = User(username=name, password_hash=password_hash, role=Role.INSTRUCTOR,
                created_at=now - timedelta(days=60))  # fmt: skip
    session.add(user)
    return user


def _placements(students, rng) -> list[set[int]]:
    """Which students are in each class: most in one, a quarter of the first also in the second."""
    first, second = set(), set()
    for user, _ in students:
        if rng.random() < 0.6:
            first.add(user.id)
            if rng.random() < 0.25:
                second.add(user.id)
        else:
            second.add(user.id)
    return [first, second]


def _assignment(session, course: Course, plan: Planned, slug: str, now) -> Assignment:
    def day(offset):
        return None if offset is None else now + timedelta(days=offset)

    assignment = Assignment(
        course_id=course.id,
        kind=AssignmentKind.QUIZ,
        title=plan.title,
        created_at=now - timedelta(days=30),
        banks=[slug],
        question_ids=[],
        count=QUESTIONS,
        shuffle=True,
        mode=plan.mode,
        time_limit_minutes=plan.minutes,
        opens_at=day(plan.opens),
        due_at=day(plan.due),
        closes_at=day(plan.closes),
        attempts_allowed=plan.attempts,
        grading_method=plan.grading,
        review=EVERY_PHASE if plan.mode == Mode.PRACTICE else EXAM_REVIEW,
    )
    session.add(assignment)
    session.flush()
    return assignment


def _attempts(assignment, plan, user, ability, pool, take, now, rng, report) -> list[dict]:
    """The student's attempts at one assignment, inside its dates and limits: most on time,
    some late (after the due date, before the close), none past the close or after now."""
    if assignment.opens_at >= now or rng.random() >= plan.take:
        return []
    tries = 1 if plan.attempts == 1 else rng.choice([1, 1, 2] if plan.attempts else [1, 2, 3])
    end = min(assignment.closes_at, now)
    due = min(assignment.due_at or end, end)
    rows = []
    for _ in range(tries):
        late = rng.random() < 0.25 and due < end
        low, high = (due, end) if late else (assignment.opens_at, due)
        minutes = rng.randint(4, (plan.minutes or 16) - 1)
        started = low + (high - low) * rng.random()
        started = min(started, end - timedelta(minutes=minutes + 1))
        submitted = started + timedelta(minutes=minutes)
        chosen = rng.sample(pool, k=min(QUESTIONS, len(pool)))
        title, assignment_id = assignment.title, assignment.id
        rows += take(user, chosen, plan.mode, started, submitted, ability, title, assignment_id)
        report.attempts += 1
        latest = report.last_active.get(user.id)
        report.last_active[user.id] = submitted if latest is None else max(latest, submitted)
    return rows


def add_classes(session, students, by_bank, take, now, rng, fake, password_hash, taken):
    """Classes over `students` ((user, ability) pairs); `take` makes one graded attempt
    (demo.graded_attempt with the rest bound) and returns its answers' rows."""
    report = ClassReport()
    slugs = dict(session.execute(sa.select(Bank.id, Bank.slug).order_by(*BANK_ORDER)).all())
    banks = [bank_id for bank_id in slugs if bank_id in by_bank]
    teachers = [_instructor(session, fake, taken, password_hash, now) for _ in range(2)]
    session.flush()
    report.instructors = [t.username for t in teachers]
    placements = _placements(students, rng)
    rows: list[dict] = []
    for index, (name, zone) in enumerate(CLASSES):
        course = Course(
            name=name,
            term=str(now.year),
            timezone=zone,
            join_code=new_join_code(rng.choice),
            created_at=now - timedelta(days=30),
        )
        session.add(course)
        session.flush()
        report.classes += 1
        # The first class is taught by both instructors, the second by the second.
        for teacher in teachers if index == 0 else teachers[1:]:
            session.add(
                CourseMember(course_id=course.id, user_id=teacher.id, role=CourseRole.INSTRUCTOR)
            )
        members = [(u, a) for u, a in students if u.id in placements[index]]
        for user, _ in members:
            session.add(
                CourseMember(
                    course_id=course.id,
                    user_id=user.id,
                    role=CourseRole.STUDENT,
                    joined_at=now - timedelta(days=28),
                )
            )
        bank = banks[index % len(banks)]
        assignments = {}
        for plan in PLAN:
            assignment = _assignment(session, course, plan, slugs[bank], now)
            assignments[plan.title] = assignment
            report.assignments += 1
            for user, ability in members:
                rows += _attempts(
                    assignment, plan, user, ability, by_bank[bank], take, now, rng, report
                )
        # The first bank is the one students study first: their reviews make the progress.
        session.add(
            Assignment(
                course_id=course.id,
                kind=AssignmentKind.FLASHCARDS,
                title="Review the first deck",
                deck_id=banks[0],
                target=GoalTarget.SEEN,
                opens_at=now - timedelta(days=10),
                due_at=now + timedelta(days=3),
                review={},
                created_at=now - timedelta(days=30),
            )
        )
        report.assignments += 1
        if members:  # one student was ill: a later close, more time and one more try
            session.add(
                AssignmentOverride(
                    assignment_id=assignments["Week 3 exam"].id,
                    user_id=members[0][0].id,
                    closes_at=now + timedelta(days=7),
                    extra_minutes=10,
                    extra_attempts=1,
                )
            )
    if rows:
        session.execute(sa.insert(AttemptItem), rows)
        report.answers += len(rows)
    return report
