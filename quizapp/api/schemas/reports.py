"""Instructors' reads: the classes they teach, a gradebook, students' results, item analysis."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import Id, Moment, Query, Slug


class TaughtAssignment(BaseModel):
    id: int
    title: str
    kind: Literal["quiz", "flashcards"]
    opens_at: Moment | None
    due_at: Moment | None
    closes_at: Moment | None


class TaughtClass(BaseModel):
    id: int
    name: str
    term: str
    archived: bool
    students: int
    assignments: list[TaughtAssignment]


class TaughtClasses(BaseModel):
    classes: list[TaughtClass] = Field(description="Every class, for an admin.")


class GradebookCell(BaseModel):
    assignment_id: int
    status: str
    grade: float | None = Field(description="Percent, by the assignment's grading method.")
    released: bool = Field(description="Whether the student may see the grade now.")
    attempts: int
    goal_done: float | None
    overridden: bool


class GradebookRow(BaseModel):
    user_id: int
    username: str
    cells: list[GradebookCell]


class ClassGradebook(BaseModel):
    class_id: int
    name: str
    assignments: list[TaughtAssignment]
    students: list[GradebookRow]


class ReportScope(Query):
    """Narrow a report to one class the viewer teaches, and to one of its assignments."""

    course: Id | None = Field(None, description="A class's id (default: all my students).")
    assignment: Id | None = Field(None, description="One assignment of that class.")


class StudentsQuery(ReportScope):
    sort: Literal["name", "attempts", "average", "best", "last_active", "cards"] = "name"
    order: Literal["asc", "desc"] = "asc"


class StudentResult(BaseModel):
    user_id: int
    username: str
    attempts: int
    average_percent: float | None
    best_percent: float | None
    last_active: Moment | None
    cards_studied: int


class StudentResults(BaseModel):
    course: int | None
    assignment: int | None
    students: list[StudentResult]


class ItemsQuery(ReportScope):
    bank: Slug = Field(description="The bank's id.")


class ItemFigures(BaseModel):
    """One question over each student's first try (Moodle's quiz statistics)."""

    key: str
    question_id: int
    type: str
    location: str = Field(
        description="The bank file (relative to the questions folder) and line: 'a.yaml, line 4'."
    )
    responses: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    flags: list[str]


class BankTestFigures(BaseModel):
    attempts: int
    slots: int
    mean: float | None
    sd: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None


class ItemAnalysis(BaseModel):
    bank: str
    title: str
    course: int | None
    assignment: int | None
    test: BankTestFigures
    questions: list[ItemFigures]
