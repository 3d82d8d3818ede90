"""Quizzes and attempts: starting one, its state, a question, an answer, the results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from .common import Id, Moment, Query, Request, Slug, Text, whole

FieldName = Annotated[str, Field(min_length=1, max_length=40)]
Values = Annotated[
    dict[FieldName, Text | Annotated[list[Text], Field(max_length=50)]],
    Field(max_length=50, description="Answer fields (see a question's `fields`) and their values."),
]


class StartQuiz(Request):
    """What to draw from: banks (their ids; none means every bank) and topics."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"banks": [], "count": 3, "mode": "practice"},
                {"count": 5, "mode": "exam", "time_limit_minutes": 10},
            ]
        }
    )

    banks: list[Slug] = Field(default_factory=list, max_length=100)
    tags: list[Slug] = Field(default_factory=list, max_length=100)
    count: whole(1, 100) = 10
    mode: Literal["practice", "exam"] = "practice"
    time_limit_minutes: whole(1, 300) | None = Field(None, description="Exams only.")


class RetryMistakes(Request):
    count: whole(1, 100) = 10


class AttemptState(BaseModel):
    """An attempt as it stands. Answers carry `step`: one made against an older step is
    refused as stale (another tab or device changed the attempt)."""

    id: int
    title: str
    mode: str
    status: Literal["in_progress", "submitted", "abandoned"]
    over: bool = Field(description="Submitted, or its time ran out (results can be read).")
    step: int
    current: int = Field(description="The position to resume on (from 0).")
    questions: int
    answered: list[bool]
    started_at: Moment
    deadline: Moment | None
    submitted_at: Moment | None
    assignment_id: int | None
    resumed: bool = Field(False, description="An unfinished practice of the same choice.")


class AttemptSummary(BaseModel):
    id: int
    title: str
    mode: str
    status: str
    started_at: Moment
    submitted_at: Moment | None
    score: float | None = Field(description="None while the review options hide it.")
    max_score: float


class AttemptPage(BaseModel):
    total: int
    page: int
    per_page: int
    attempts: list[AttemptSummary]


class AttemptFilter(Query):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)
    bank: Slug | None = None
    mode: Literal["practice", "exam"] | None = None
    show_abandoned: bool = Field(
        False,
        description="Also list abandoned practice: discarded, closed, or untouched for longer "
        "than the server's limit (7 days by default) though still `in_progress`. Exams are "
        "always listed.",
    )


class AnswerFeedback(BaseModel):
    """One answer's review, as far as the review options show it now (None: not shown)."""

    verdict: str | None
    fraction: float | None
    points: float | None
    max_points: float
    response: str = Field(description="The answer given, as Markdown.")
    correct_answer: str | None = Field(description="Markdown.")
    explanation: str | None = Field(description="Markdown.")
    note: str | None
    regraded_from: float | None
    overridden_from: float | None


class AttemptQuestion(BaseModel):
    """One question of an attempt, with nothing of the key until the rules allow it."""

    attempt: AttemptState
    position: int
    type: str
    prompt: str | None = Field(description="Markdown.")
    display: dict[str, JsonValue] = Field(description="What the question type shows.")
    presentation: dict[str, JsonValue] = Field(description="This attempt's order of parts.")
    fields: list[str] = Field(description="The names of the answer fields.")
    values: dict[str, str | list[str]] = Field(description="The answer saved so far.")
    feedback: AnswerFeedback | None = Field(description="Practice, once checked.")


class QuizAnswer(Request):
    """An answer to one question: its fields, the attempt's `step` it was made on, and what to
    do with it (save; check, in practice: grade it now; submit the attempt with it)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"step": 0, "values": {"answer": "4"}, "action": "check"}]}
    )

    step: Id
    values: Values = Field(default_factory=dict)
    action: Literal["save", "check", "next", "prev", "submit"] = "save"


class AnswerOutcome(BaseModel):
    outcome: Literal["saved", "repeat", "submitted"]
    message: str
    attempt: AttemptState
    feedback: AnswerFeedback | None


class ReviewedQuestion(BaseModel):
    position: int
    bank: str
    prompt: str = Field(description="Markdown.")
    paused: bool = Field(description="In the student's open exam: nothing about it is shown.")
    feedback: AnswerFeedback | None


class AttemptReview(BaseModel):
    """A finished attempt's results, exactly as far as its review options allow now."""

    attempt: AttemptState
    phase: str | None
    shown: dict[str, bool]
    score: float | None
    max_score: float
    auto_submitted: bool
    finished_at: Moment
    questions: list[ReviewedQuestion]
