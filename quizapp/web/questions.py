"""What the question and results templates show, assembled from an attempt; the answer key,
the score and the feedback only as far as the review policy allows (a `Shown`, from
services.review for students, EVERYTHING for staff). Each question type says what its
template may see (qtypes.display)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import formatting, qtypes
from ..assignment_rules import REVIEW_ITEMS, Shown
from ..banks.document import QuestionSpec
from ..models import Attempt, AttemptItem, utcnow
from ..qtypes.base import PartReview, full_marks
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
    # Right or wrong beside each option, row, position or blank, keyed as the type's
    # template names them (only what `shown` allows: no right answers unless it shows them).
    marks: dict[str, PartReview] = field(default_factory=dict)
    dont_know: bool = False  # the student chose "I don't know" (practice)
    also_accepted: tuple[str, ...] = ()  # a short answer's other accepted wordings

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


@dataclass(frozen=True)
class Timer:
    """An exam's time left as the page first shows it (its script then counts down)."""

    left: timedelta
    ends: str  # "11:26", in the student's time zone
    warn_seconds: int

    @property
    def left_text(self) -> str:
        return formatting.time_left(self.left)

    @property
    def warning(self) -> bool:
        return self.left.total_seconds() <= self.warn_seconds


def exam_timer(attempt: Attempt, timezone: str, now: datetime | None = None) -> Timer | None:
    if attempt.deadline is None:
        return None
    now = now or utcnow()
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    ends = attempt.deadline.replace(tzinfo=UTC).astimezone(zone)
    label = ends.strftime("%H:%M") + ("" if timezone != "UTC" else " UTC")
    limit = attempt.deadline - attempt.started_at
    return Timer(attempt.deadline - now, label, formatting.warning_seconds(limit))


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
    answered: list[bool]  # exams: saved; practice: checked
    timer: Timer | None = None

    @property
    def position(self) -> int:
        return self.item.position

    @property
    def is_last(self) -> bool:
        return self.item.position == self.total - 1

    @property
    def exam(self) -> bool:
        return self.attempt.mode == Mode.EXAM

    @property
    def marks(self) -> dict[str, PartReview]:
        return self.feedback.marks if self.feedback else {}

    @property
    def answered_count(self) -> int:
        return sum(self.answered)

    @property
    def next_open(self) -> int | None:
        """The next question not answered yet, after this one and then from the start (a
        skipped question comes back at the end); None when every other one is answered."""
        order = [*range(self.position + 1, self.total), *range(self.position)]
        return next((n for n in order if not self.answered[n]), None)


def feedback_for(item: AttemptItem, shown: Shown, mark: Mark | None = None) -> Feedback:
    """What `shown` allows of one answer; `mark` replaces the stored one (an expired attempt's
    results, graded as it will be)."""
    # After a regrade, the corrected version's key is the one to show.
    version = item.regraded_version or item.version
    fraction, points, note = mark or Mark(item.fraction or 0.0, item.points, item.note)
    qtype = qtypes.get(version.type)
    marks = qtype.review(version.data, item.presentation, item.response) if shown.score else {}
    if not shown.answers:
        marks = {key: part for key, part in marks.items() if not part.reveals_key}
    return Feedback(
        fraction=fraction if shown.score else None,
        points=points if shown.score else None,
        max_points=item.max_points,
        correct_answer=qtype.answer_text(version.data) if shown.answers else None,
        explanation=version.data.get("explanation") if shown.feedback else None,
        response=qtypes.get(item.version.type).response_text(item.response),
        regraded_from=item.original_points if item.regraded_at and shown.score else None,
        note=note if shown.answers else None,  # it names the key
        overridden_from=item.overridden_from if item.overridden_at and shown.score else None,
        can_override=mark is None and shown.score and can_override(item, item.attempt.mode),
        marks=marks,
        dont_know=item.response is None and item.fraction is not None,
        also_accepted=tuple(qtype.also_accepted(version.data)) if shown.answers else (),
    )


def _may_reveal(attempt: Attempt, item: AttemptItem, sealed: Sealed) -> bool:
    """The key, the explanation and correctness stay hidden until the rules allow them, and
    while the question is in the student's open exam."""
    if sealed.hides_question(item.question_id):
        return False
    if attempt.finished:
        return True
    return attempt.mode == Mode.PRACTICE and item.fraction is not None


def iso_time(moment: datetime | None) -> str | None:
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
    timezone: str = "UTC",
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
        deadline_iso=iso_time(attempt.deadline),
        total=len(answered),
        answered=answered,
        timer=exam_timer(attempt, timezone),
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
    def missed(self) -> list[ResultRow]:
        """The questions not answered fully right (none while the score is not shown)."""
        if self.score is None:
            return []
        return [r for r in self.rows if r.feedback and r.feedback.verdict != "correct"]

    @property
    def bank_scores(self) -> list[tuple[str, float, float]]:
        """(bank, points, out of) for each bank of a quiz drawn from several."""
        if self.score is None:
            return []
        totals: dict[str, list[float]] = {}
        for row in self.rows:
            if row.feedback is not None and row.feedback.points is not None:
                total = totals.setdefault(row.bank_title, [0.0, 0.0])
                total[0] += row.feedback.points
                total[1] += row.feedback.max_points
        return [(title, *total) for title, total in totals.items()] if len(totals) > 1 else []

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
        "submitted_at": iso_time(view.submitted_at),
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
        self.marks: dict = {}


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
