"""A student's progress, their classes and assignments, and starting an assigned quiz (with the
assignment's settings, dates, attempts and time limit, checked as on its page)."""

from __future__ import annotations

from ..extensions import db
from ..services import classes, progress, review
from ..services.classes import ResumeAttempt
from ..services.quizzes import QuizError
from .core import READING, STUDY, api, current_user
from .openapi import Reply
from .problems import ApiProblem
from .quizzes import ATTEMPT_LINKS, created, owned_attempt
from .schemas.quiz import AttemptState
from .schemas.study import (
    AssignmentStanding,
    BankProgress,
    EnrolledClass,
    EnrolledClasses,
    Progress,
    ScoreEntry,
)
from .study import deck_counts


@api.operation(
    "GET", "/progress", tag="progress", scopes=("read",),
    replies={200: Reply("The dashboard's figures", Progress)},
)  # fmt: skip
def get_progress():
    """The student's progress: scores, mastery per bank, streak, forecast"""
    user = current_user()
    board = progress.dashboard(db.session, user, hidden=review.hidden_attempt_ids(db.session, user))
    return Progress(
        scores=[
            ScoreEntry(
                attempt_id=p.attempt_id, finished_at=p.when, percent=p.percent, title=p.title
            )
            for p in board.scores
        ],
        trend_per_attempt=board.trend.slope if board.trend else None,
        mastery=[
            BankProgress(
                bank=m.slug,
                title=m.title,
                questions=m.questions,
                questions_right=m.questions_right,
                cards=m.cards,
                cards_retained=m.cards_retained,
            )
            for m in board.mastery
        ],
        streak_days=board.streak,
        reviews_today=board.reviews_today,
        today=deck_counts(board.today),
        study_day=board.today_date,
        forecast_start=board.forecast_start,
        forecast=board.forecast,
        review_days=board.review_days,
    )


def _standing(assignment, mark) -> AssignmentStanding:
    window = mark.window
    return AssignmentStanding(
        id=assignment.id,
        title=assignment.title,
        kind=assignment.kind,
        status=mark.status.value,
        opens_at=window.opens_at,
        due_at=window.due_at,
        closes_at=window.closes_at,
        time_limit_minutes=window.time_limit_minutes,
        attempts_allowed=window.attempts_allowed,
        attempts_used=len(mark.attempts),
        grade=mark.grade if mark.released else None,
        goal_done=mark.progress.share if mark.progress is not None else None,
    )


@api.operation(
    "GET", "/classes", tag="classes", scopes=READING,
    replies={200: Reply("The classes the user studies in", EnrolledClasses)},
)  # fmt: skip
def list_classes():
    """The classes the user is a student of, with each assignment's standing"""
    cards = classes.student_classes(db.session, current_user())
    return EnrolledClasses(
        classes=[
            EnrolledClass(
                id=card.course.id,
                name=card.course.name,
                term=card.course.term,
                archived=card.course.archived,
                instructors=card.instructors,
                assignments=[_standing(assignment, mark) for assignment, mark in card.rows],
            )
            for card in cards
        ]
    )


STARTED = {
    201: Reply("The new attempt", AttemptState, ATTEMPT_LINKS),
    200: Reply("The attempt still running, to carry on", AttemptState, ATTEMPT_LINKS),
}


@api.operation(
    "POST", "/classes/<int:course_id>/assignments/<int:assignment_id>/start", tag="classes",
    scopes=STUDY, replies=STARTED, problems=(422,),
)  # fmt: skip
def start_assignment(course_id: int, assignment_id: int):
    """Start an assigned quiz (or carry on the attempt still running)

    The assignment's settings, dates, attempts allowed and time limit apply, with the
    student's own override; the student chooses nothing."""
    user = current_user()
    course = classes.studying(db.session, user, course_id)
    assignment = classes.assignment_in(db.session, course_id, assignment_id) if course else None
    if assignment is None or not assignment.is_quiz:
        raise ApiProblem(404, "There is no such assigned quiz in your classes.")
    try:
        attempt = classes.start_assignment(db.session, user, assignment)
    except ResumeAttempt as exc:
        return created(owned_attempt(exc.attempt_id), resumed=True)
    except QuizError as exc:
        raise ApiProblem(422, str(exc), "refused") from None
    return created(attempt)
