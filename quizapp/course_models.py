"""Typed models of classes: the class itself (`Course`, since `class` is Python's word; pages
say "class"), its members, its assignments and per-student overrides. Data and invariants only;
the rules live in assignment_rules.py and services/classes/."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Bank, User, utcnow
from .vocab import AssignmentKind, CourseRole, GradingMethod, Mode


class Course(db.Model):
    """A class: a name, an optional term, the time zone its dates are set in, a join code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    term: Mapped[str] = mapped_column(sa.String(100), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    join_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    members: Mapped[list[CourseMember]] = relationship(back_populates="course")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="course", order_by="Assignment.id"
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class CourseMember(db.Model):
    """One person in one class, as an instructor or a student."""

    __table_args__ = (
        sa.UniqueConstraint("course_id", "user_id"),
        sa.Index("ix_course_member_user_id_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    role: Mapped[str] = mapped_column(sa.String(20), default=CourseRole.STUDENT)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Assignment(db.Model):
    """Work set for a class: a quiz (its questions, mode, dates, attempts, grading and review
    options) or a flashcard goal (a deck and a target, by a due date). Times are naive UTC."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default=AssignmentKind.QUIZ)
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opens_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # A quiz: bank slugs (empty: all) or specific question ids.
    banks: Mapped[list] = mapped_column(sa.JSON, default=list)
    question_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    count: Mapped[int] = mapped_column(default=10)
    shuffle: Mapped[bool] = mapped_column(default=True)
    mode: Mapped[str] = mapped_column(sa.String(20), default=Mode.EXAM)
    time_limit_minutes: Mapped[int | None]
    attempts_allowed: Mapped[int] = mapped_column(default=1)  # 0: unlimited
    grading_method: Mapped[str] = mapped_column(sa.String(20), default=GradingMethod.HIGHEST)
    review: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # phase -> shown items
    # A flashcard goal: a deck (a bank) and a target.
    deck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bank.id"))
    target: Mapped[str | None] = mapped_column(sa.String(20))

    course: Mapped[Course] = relationship(back_populates="assignments")
    deck: Mapped[Bank | None] = relationship()

    @property
    def is_quiz(self) -> bool:
        return self.kind == AssignmentKind.QUIZ


class AssignmentOverride(db.Model):
    """One student's exception to an assignment, as Moodle's user overrides."""

    __table_args__ = (sa.UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    closes_at: Mapped[datetime | None]
    extra_minutes: Mapped[int] = mapped_column(default=0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
