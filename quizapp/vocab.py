"""The words stored in string columns, named once. Pure."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    PRACTICE = "practice"
    EXAM = "exam"


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    ABANDONED = "abandoned"  # an unfinished practice, closed unscored after a while


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Role(StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class CourseRole(StrEnum):
    INSTRUCTOR = "instructor"
    STUDENT = "student"


class AssignmentKind(StrEnum):
    QUIZ = "quiz"
    FLASHCARDS = "flashcards"


class GradingMethod(StrEnum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class GoalTarget(StrEnum):
    SEEN = "seen"  # every card reviewed at least once
    RECALLED = "recalled"  # every card's latest review rated Good or Easy
