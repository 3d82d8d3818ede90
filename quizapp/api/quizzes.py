"""Quizzes through the API: start (or resume a practice), read a question, answer it, submit,
read the results. The same services as the quiz pages decide everything: the step of each
answer, time limits and closed attempts, exam secrecy and the review options."""

from __future__ import annotations

from flask import url_for

from .. import qtypes
from ..assignment_rules import REVIEW_ITEMS
from ..attempt_rules import Outcome
from ..extensions import db
from ..services import progress, quizzes, review
from ..services.exam_secrecy import NOTHING_SEALED, sealed_for
from ..services.quizzes import QuizError, QuizRequest
from ..vocab import AttemptStatus, Mode
from ..web.pages import practice_idle_time
from ..web.questions import Feedback, question_view, results_view, saved_values
from .core import READING, STUDY, api, current_user
from .openapi import Reply
from .problems import ApiProblem
from .schemas.quiz import (
    AnswerFeedback,
    AnswerOutcome,
    AttemptFilter,
    AttemptPage,
    AttemptQuestion,
    AttemptReview,
    AttemptState,
    AttemptSummary,
    QuizAnswer,
    RetryMistakes,
    ReviewedQuestion,
    StartQuiz,
)

ATTEMPT_LINKS = {
    "attempt": {"operationId": "get_attempt", "parameters": {"attempt_id": "$response.body#/id"}},
    "current_question": {
        "operationId": "get_question",
        "parameters": {"attempt_id": "$response.body#/id", "position": "$response.body#/current"},
    },
    "submit": {"operationId": "submit_attempt", "parameters": {"attempt_id": "$response.body#/id"}},
    "results": {
        "operationId": "get_results",
        "parameters": {"attempt_id": "$response.body#/id"},
    },
}
ABANDONED = "This practice was left unfinished and closed as abandoned; it counts in no score."


def attempt_state(attempt, resumed: bool = False) -> AttemptState:
    return AttemptState(
        id=attempt.id,
        title=attempt.title,
        mode=attempt.mode,
        status=attempt.status,
        over=quizzes.is_over(attempt),
        step=attempt.step,
        current=attempt.current,
        questions=len(attempt.items),
        answered=[item.response is not None for item in attempt.items],
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        assignment_id=attempt.assignment_id,
        resumed=resumed,
    )


def feedback_data(feedback: Feedback | None) -> AnswerFeedback | None:
    if feedback is None:
        return None
    return AnswerFeedback(
        verdict=feedback.verdict,
        fraction=feedback.fraction,
        points=feedback.points,
        max_points=feedback.max_points,
        response=feedback.response,
        correct_answer=feedback.correct_answer,
        explanation=feedback.explanation,
        note=feedback.note,
        regraded_from=feedback.regraded_from,
        overridden_from=feedback.overridden_from,
    )


def owned_attempt(attempt_id: int, versions: bool = False):
    """The user's attempt; another user's is indistinguishable from a missing one."""
    attempt = quizzes.attempt_for(db.session, current_user(), attempt_id, versions)
    if attempt is None:
        raise ApiProblem(404, "There is no such attempt.")
    return attempt


def refuse_closed(attempt) -> None:
    if attempt.status == AttemptStatus.ABANDONED:
        raise ApiProblem(409, ABANDONED, "attempt-closed", attempt=attempt.id)
    if quizzes.is_over(attempt):
        detail = "This attempt is over: read its results."
        raise ApiProblem(409, detail, "attempt-closed", attempt=attempt.id)


def created(attempt, resumed: bool = False):
    """201 with the new attempt's URL, or 200 for a practice carried on."""
    location = {"Location": url_for("api.get_attempt", attempt_id=attempt.id)}
    return (200 if resumed else 201), attempt_state(attempt, resumed), location


STARTED = {
    201: Reply("The new attempt", AttemptState, ATTEMPT_LINKS),
    200: Reply("The unfinished practice of the same choice", AttemptState, ATTEMPT_LINKS),
}


@api.operation(
    "POST", "/quizzes", tag="quizzes", scopes=STUDY, body=StartQuiz, replies=STARTED,
    problems=(422,),
)  # fmt: skip
def start_quiz(body: StartQuiz):
    """Start a quiz

    Practice carries on the unfinished practice of the same banks and topics (200) instead of
    starting another; an exam may have a time limit, enforced by the server."""
    if body.time_limit_minutes is not None and body.mode != Mode.EXAM:
        raise ApiProblem(422, "A time limit applies to exams only.", "refused")
    quiz_request = QuizRequest(
        banks=body.banks,
        tags=body.tags,
        count=body.count,
        mode=body.mode,
        time_limit_minutes=body.time_limit_minutes,
    )
    try:
        if body.mode != Mode.PRACTICE:
            return created(quizzes.start_quiz(db.session, current_user(), quiz_request))
        attempt, resumed = quizzes.practise(
            db.session, current_user(), quiz_request, practice_idle_time()
        )
    except QuizError as exc:
        raise ApiProblem(422, str(exc), "refused") from None
    return created(attempt, resumed)


@api.operation(
    "POST", "/quizzes/retry", tag="quizzes", scopes=STUDY, body=RetryMistakes, replies=STARTED,
    problems=(422,),
)  # fmt: skip
def retry_mistakes(body: RetryMistakes):
    """Practise the questions answered wrong most recently

    Carries on the unfinished retry of all banks (200) instead of starting another."""
    try:
        attempt, resumed = quizzes.retry_mistakes(
            db.session, current_user(), body.count, practice_idle_time()
        )
    except QuizError as exc:
        raise ApiProblem(422, str(exc), "refused") from None
    return created(attempt, resumed)


@api.operation(
    "GET", "/attempts", tag="quizzes", scopes=READING, query=AttemptFilter,
    replies={200: Reply("The user's attempts, newest first", AttemptPage)},
)  # fmt: skip
def list_attempts(query: AttemptFilter):
    """List attempts

    Abandoned practice is left out unless `show_abandoned` is true, as on the attempts page.
    Scores of assigned attempts stay hidden until their review options release them."""
    user = current_user()
    rows, total = progress.attempts_page(
        db.session,
        user,
        bank=query.bank,
        mode=query.mode,
        page=query.page,
        per_page=query.per_page,
        idle=None if query.show_abandoned else practice_idle_time(),
    )
    hidden = review.hidden_attempt_ids(db.session, user)
    return AttemptPage(
        total=total,
        page=query.page,
        per_page=query.per_page,
        attempts=[
            AttemptSummary(
                id=a.id,
                title=a.title,
                mode=a.mode,
                status=a.status,
                started_at=a.started_at,
                submitted_at=a.submitted_at,
                score=None if a.id in hidden else a.score,
                max_score=a.max_score,
            )
            for a in rows
        ],
    )


@api.operation(
    "GET", "/attempts/<int:attempt_id>", tag="quizzes", scopes=READING,
    replies={200: Reply("The attempt", AttemptState)},
)  # fmt: skip
def get_attempt(attempt_id: int):
    """Read an attempt's state"""
    return attempt_state(owned_attempt(attempt_id))


def _question_page(attempt, position: int) -> AttemptQuestion:
    item = next((i for i in attempt.items if i.position == position), None)
    if item is None:
        raise ApiProblem(404, "The attempt has no question at that position.")
    practice = attempt.mode == Mode.PRACTICE
    sealed = sealed_for(db.session, current_user()) if practice else NOTHING_SEALED
    view = question_view(
        attempt, item, saved_values(item), review.shown(db.session, attempt), sealed
    )
    return AttemptQuestion(
        attempt=attempt_state(attempt),
        position=position,
        type=item.version.type,
        prompt=view.prompt,
        display=view.display,
        presentation=view.presentation,
        fields=qtypes.get(item.version.type).field_names(item.presentation),
        values={name: _text(value) for name, value in view.values.items()},
        feedback=feedback_data(view.feedback),
    )


def _text(value) -> str | list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else str(value)


@api.operation(
    "GET", "/attempts/<int:attempt_id>/questions/<int:position>", tag="quizzes", scopes=STUDY,
    replies={200: Reply("The question", AttemptQuestion)}, problems=(409,),
)  # fmt: skip
def get_question(attempt_id: int, position: int):
    """Read one question of a running attempt (positions count from 0)"""
    attempt = owned_attempt(attempt_id)
    refuse_closed(attempt)
    return _question_page(attempt, position)


DONE = {
    Outcome.SAVED: "Saved.",
    Outcome.REPEAT: "The same answer again: recorded once.",
    Outcome.SUBMITTED: "Saved and submitted.",
}
OUTCOMES = {
    Outcome.STALE: (409, "stale"),
    Outcome.CLOSED: (409, "attempt-closed"),
    Outcome.EXPIRED: (409, "attempt-closed"),
    Outcome.PAUSED: (409, "exam-secrecy"),
    Outcome.INVALID: (422, "invalid-answer"),
    Outcome.EMPTY: (422, "invalid-answer"),
}


@api.operation(
    "POST", "/attempts/<int:attempt_id>/questions/<int:position>/answer", tag="quizzes",
    scopes=STUDY, body=QuizAnswer, replies={200: Reply("Recorded", AnswerOutcome)},
    problems=(409, 422),
)  # fmt: skip
def answer_question(attempt_id: int, position: int, body: QuizAnswer):
    """Answer a question

    Save, check (practice: grade it now) or submit the attempt with it. A repeat of the last
    answer is recorded once; an answer made on an older `step` is refused (409, stale)."""
    values = body.values

    def field(name: str) -> list[str]:
        value = values.get(name, [])
        return [value] if isinstance(value, str) else list(value)

    result = quizzes.record_answer(
        db.session, current_user(), attempt_id, position, body.step, field, body.action
    )
    if result.outcome is Outcome.MISSING:
        raise ApiProblem(404, "There is no such attempt or question.")
    attempt = result.attempt
    if result.outcome in OUTCOMES:
        status, kind = OUTCOMES[result.outcome]
        message = ABANDONED if attempt.status == AttemptStatus.ABANDONED else result.message
        raise ApiProblem(status, message, kind, attempt=attempt.id, step=attempt.step)
    db.session.refresh(attempt)
    feedback = None
    if body.action == "check" and result.item is not None:
        feedback = _question_page(attempt, position).feedback
    return AnswerOutcome(
        outcome=result.outcome.value,
        message=result.message or DONE[result.outcome],
        attempt=attempt_state(attempt),
        feedback=feedback,
    )


@api.operation(
    "POST", "/attempts/<int:attempt_id>/submit", tag="quizzes", scopes=STUDY,
    replies={200: Reply("The attempt, submitted", AttemptState)}, problems=(409,),
)  # fmt: skip
def submit_attempt(attempt_id: int):
    """Submit an attempt (submitting again changes nothing)"""
    attempt = owned_attempt(attempt_id)
    if attempt.status == AttemptStatus.ABANDONED:
        raise ApiProblem(409, ABANDONED, "attempt-closed", attempt=attempt.id)
    quizzes.submit(db.session, attempt)
    return attempt_state(owned_attempt(attempt_id))


@api.operation(
    "GET", "/attempts/<int:attempt_id>/results", tag="quizzes", scopes=READING,
    replies={200: Reply("The results", AttemptReview)}, problems=(409,),
)  # fmt: skip
def get_results(attempt_id: int):
    """Read an attempt's results, as far as its review options show them now

    While the attempt runs the answer is 409; a question of the student's open exam is
    `paused` (nothing about it is shown)."""
    attempt = owned_attempt(attempt_id, versions=True)
    if attempt.status == AttemptStatus.ABANDONED:
        raise ApiProblem(409, ABANDONED, "attempt-closed", attempt=attempt.id)
    results = quizzes.results(attempt)
    if results is None:
        raise ApiProblem(409, "Submit the attempt to see its results.", "refused")
    view = results_view(
        results, review.shown(db.session, attempt), sealed_for(db.session, current_user())
    )
    return AttemptReview(
        attempt=attempt_state(attempt),
        phase=view.shown.phase.value if view.shown.phase else None,
        shown={name: bool(getattr(view.shown, name)) for name in REVIEW_ITEMS},
        score=view.score,
        max_score=attempt.max_score,
        auto_submitted=view.auto_submitted,
        finished_at=view.submitted_at,
        questions=[
            ReviewedQuestion(
                position=row.item.position,
                bank=row.bank_slug,
                prompt=row.prompt,
                paused=row.feedback is None,
                feedback=feedback_data(row.feedback),
            )
            for row in view.rows
        ],
    )
