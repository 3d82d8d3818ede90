"""What the quiz templates show, assembled from an attempt; the answer key only when allowed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..answers import cloze_segments, make_presentation, response_text
from ..banks.cards import answer_text
from ..banks.model import Question
from ..models import Attempt, AttemptItem


@dataclass
class Feedback:
    fraction: float
    points: float
    max_points: float
    correct_answer: str  # Markdown
    explanation: str | None
    response: str  # Markdown
    regraded_from: float | None = None  # points before a regrade with a corrected key

    @property
    def verdict(self) -> str:
        if self.fraction >= 1 - 1e-9:
            return "correct"
        return "partly correct" if self.fraction > 0 else "incorrect"


@dataclass
class QuestionView:
    attempt: Attempt
    item: AttemptItem
    type: str
    prompt: str | None
    unit: str | None
    presentation: dict[str, Any]
    values: dict[str, Any]
    cloze: list[str] | None
    feedback: Feedback | None
    deadline_iso: str | None
    total: int
    answered: list[bool]

    @property
    def position(self) -> int:
        return self.item.position

    @property
    def is_last(self) -> bool:
        return self.item.position == self.total - 1

    @property
    def exam(self) -> bool:
        return self.attempt.mode == "exam"


def feedback_for(item: AttemptItem) -> Feedback:
    # After a regrade, the corrected version's key is the one to show.
    version = item.regraded_version or item.version
    question = Question.from_data(version.data)
    return Feedback(
        fraction=item.fraction or 0.0,
        points=item.points,
        max_points=item.max_points,
        correct_answer=answer_text(question),
        explanation=question.explanation,
        response=response_text(item.version.type, item.response),
        regraded_from=item.original_points if item.regraded_at else None,
    )


def _may_reveal(attempt: Attempt, item: AttemptItem) -> bool:
    """The key, the explanation and correctness stay hidden until the rules allow them."""
    if attempt.finished:
        return True
    return attempt.mode == "practice" and item.fraction is not None


def _iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=UTC).isoformat() if moment else None


def question_view(attempt: Attempt, item: AttemptItem, values: dict[str, Any]) -> QuestionView:
    data = item.version.data
    return QuestionView(
        attempt=attempt,
        item=item,
        type=item.version.type,
        prompt=data.get("prompt"),
        unit=data.get("unit"),
        presentation=item.presentation,
        values=values,
        cloze=cloze_segments(data["text"]) if item.version.type == "cloze" else None,
        feedback=feedback_for(item) if _may_reveal(attempt, item) else None,
        deadline_iso=_iso(attempt.deadline),
        total=len(attempt.items),
        answered=[i.response is not None for i in attempt.items],
    )


@dataclass
class ResultRow:
    item: AttemptItem
    prompt: str
    feedback: Feedback
    bank_title: str
    bank_slug: str


@dataclass
class ResultsView:
    attempt: Attempt
    rows: list[ResultRow]

    @property
    def percent(self) -> float:
        return 100 * self.attempt.score / self.attempt.max_score if self.attempt.max_score else 0

    @property
    def duration(self) -> str:
        seconds = int((self.attempt.submitted_at - self.attempt.started_at).total_seconds())
        minutes, seconds = divmod(max(0, seconds), 60)
        return f"{minutes} min {seconds:02d} s"


def results_view(attempt: Attempt) -> ResultsView:
    rows = []
    for item in attempt.items:
        data = item.version.data
        prompt = data.get("prompt") or ""
        if item.version.type == "cloze":
            prompt = " [...] ".join(cloze_segments(data["text"]))
        bank = item.question.bank
        rows.append(ResultRow(item, prompt, feedback_for(item), bank.title, bank.slug))
    return ResultsView(attempt, rows)


class QuestionPreview:
    """A question as a student would see it, with nothing chosen (for instructors' pages)."""

    def __init__(self, question: Question):
        data = question.to_data()
        self.type = question.type
        self.prompt = question.prompt
        self.unit = data.get("unit")
        self.presentation = make_presentation(question.type, data, random.Random(question.id))
        self.values: dict = {}
        self.cloze = cloze_segments(data["text"]) if question.type == "cloze" else None
