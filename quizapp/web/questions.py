"""What the question and results templates show, assembled from an attempt; the answer key,
the score and the feedback only as far as the review policy allows (a `Shown`, from
services.review for students, EVERYTHING for staff). Each question type says what its
template may see (qtypes.display)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import qtypes
from ..assignment_rules import REVIEW_ITEMS, Shown
from ..banks.document import QuestionSpec
from ..models import Attempt, AttemptItem
from ..qtypes.base import full_marks
from ..services.exam_secrecy import NOTHING_SEALED, Sealed
from ..services.quizzes import AttemptResults, Mark, can_override
from ..vocab import Mode


@dataclass
class Feedback:
    """One answer's review; a None is something the review options do not show now."""

    fraction: float | None
    points: float | None
    max_points: float
    correct_answer: str | None  # Markdown
    explanation: str | None
    response: str  # Markdown
    regraded_from: float | None = None  # points before a regrade with a corrected key
    note: str | None = None  # "Accepted: you wrote ..."
    overridden_from: float | None = None  # the mark before the student's "I was right"
    can_override: bool = False  # the page offers "I was right"

    @property
    def overridden(self) -> bool:
        return self.overridden_from is not None

    @property
    def verdict(self) -> str | None:
        if self.fraction is None:
            return None
        if full_marks(self.fraction):
            return "correct"
        return "partly correct" if self.fraction > 0 else "incorrect"


@dataclass
class QuestionView:
    attempt: Attempt
    item: AttemptItem
    template: str
    prompt: str | None
    display: dict[str, Any]
    presentation: dict[str, Any]
    values: dict[str, Any]
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
        return self.attempt.mode == Mode.EXAM


def feedback_for(item: AttemptItem, shown: Shown, mark: Mark | None = None) -> Feedback:
    """What `shown` allows of one answer; `mark` replaces the stored one (an expired attempt's
    results, graded as it will be)."""
    # After a regrade, the corrected version's key is the one to show.
    version = item.regraded_version or item.version
    fraction, points, note = mark or Mark(item.fraction or 0.0, item.points, item.note)
    return Feedback(
        fraction=fraction if shown.score else None,
        points=points if shown.score else None,
        max_points=item.max_points,
        correct_answer=qtypes.get(version.type).answer_text(version.data)
        if shown.answers
        else None,
        explanation=version.data.get("explanation") if shown.feedback else None,
        response=qtypes.get(item.version.type).response_text(item.response),
        regraded_from=item.original_points if item.regraded_at and shown.score else None,
        note=note if shown.answers else None,  # it names the key
        overridden_from=item.overridden_from if item.overridden_at and shown.score else None,
        can_override=mark is None and shown.score and can_override(item, item.attempt.mode),
    )


def _may_reveal(attempt: Attempt, item: AttemptItem, sealed: Sealed) -> bool:
    """The key, the explanation and correctness stay hidden until the rules allow them, and
    while the question is in the student's open exam."""
    if sealed.hides_question(item.question_id):
        return False
    if attempt.finished:
        return True
    return attempt.mode == Mode.PRACTICE and item.fraction is not None


def _iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=UTC).isoformat() if moment else None


def saved_values(item: AttemptItem) -> dict[str, Any]:
    """The saved answer as form values."""
    return qtypes.get(item.version.type).form_values(item.response, item.presentation)


def posted_values(item: AttemptItem, values: qtypes.FormValues) -> dict[str, Any]:
    """What the student posted, to show it again after a refusal."""
    return qtypes.get(item.version.type).posted_values(values, item.presentation)


def question_view(
    attempt: Attempt,
    item: AttemptItem,
    values: dict[str, Any],
    shown: Shown,
    sealed: Sealed = NOTHING_SEALED,
    answered: list[bool] | None = None,
) -> QuestionView:
    """One question's page; `answered` (each question has an answer saved) when the caller
    has it, rather than every question of the attempt."""
    if answered is None:
        answered = [i.response is not None for i in attempt.items]
    data = item.version.data
    qtype = qtypes.get(item.version.type)
    return QuestionView(
        attempt=attempt,
        item=item,
        template=qtype.template,
        prompt=data.get("prompt"),
        display=qtype.display(data),
        presentation=item.presentation,
        values=values,
        feedback=feedback_for(item, shown) if _may_reveal(attempt, item, sealed) else None,
        deadline_iso=_iso(attempt.deadline),
        total=len(answered),
        answered=answered,
    )


@dataclass
class ResultRow:
    item: AttemptItem
    prompt: str
    feedback: Feedback | None  # None while the question is in the viewer's open exam
    bank_title: str
    bank_slug: str


@dataclass
class ResultsView:
    attempt: Attempt
    rows: list[ResultRow]
    score: float | None  # None: not shown now
    submitted_at: datetime
    auto_submitted: bool
    shown: Shown

    @property
    def percent(self) -> float | None:
        if self.score is None:
            return None
        return 100 * self.score / self.attempt.max_score if self.attempt.max_score else 0

    @property
    def duration(self) -> str:
        seconds = int((self.submitted_at - self.attempt.started_at).total_seconds())
        minutes, seconds = divmod(max(0, seconds), 60)
        return f"{minutes} min {seconds:02d} s"


def results_view(
    results: AttemptResults, shown: Shown, sealed: Sealed = NOTHING_SEALED
) -> ResultsView:
    """The review of a finished attempt, as far as `shown` allows; nothing of a question in the
    viewer's open exam."""
    attempt = results.attempt
    rows = []
    for item in attempt.items:
        bank = item.question.bank
        stem = qtypes.get(item.version.type).stem(item.version.data)
        hidden = sealed.hides_question(item.question_id)
        mark = None if attempt.finished else results.marks[item.id]
        feedback = None if hidden else feedback_for(item, shown, mark)
        rows.append(ResultRow(item, stem, feedback, bank.title, bank.slug))
    score = results.score if shown.score else None
    return ResultsView(attempt, rows, score, results.submitted_at, results.auto_submitted, shown)


def results_data(view: ResultsView) -> dict[str, Any]:
    """The review as JSON: exactly what the page shows, nothing the options hide."""
    return {
        "attempt": view.attempt.id,
        "title": view.attempt.title,
        "mode": view.attempt.mode,
        "submitted_at": _iso(view.submitted_at),
        "phase": view.shown.phase.value if view.shown.phase else None,
        "shown": {item: getattr(view.shown, item) for item in REVIEW_ITEMS},
        "score": view.score,
        "max_score": view.attempt.max_score,
        "questions": [_question_data(row) for row in view.rows],
    }


class QuestionPreview:
    """A question as a student would see it, with nothing chosen (for instructors' pages)."""

    def __init__(self, question: QuestionSpec | Mapping[str, Any]):
        data = question.to_data() if isinstance(question, QuestionSpec) else question
        qtype = qtypes.get(data["type"])
        self.template = qtype.template
        self.prompt = data.get("prompt")
        self.display = qtype.display(data)
        self.presentation = qtype.present(data, random.Random(data["id"]))
        self.values: dict = {}


def _question_data(row: ResultRow) -> dict[str, Any]:
    data: dict[str, Any] = {"position": row.item.position + 1, "prompt": row.prompt}
    if row.feedback is None:
        return {**data, "paused": True}  # in the viewer's open exam
    feedback = row.feedback
    return {
        **data,
        "response": feedback.response,
        "points": feedback.points,
        "max_points": feedback.max_points,
        "correct_answer": feedback.correct_answer,
        "explanation": feedback.explanation,
    }
