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
