"""Quizzes: build an attempt (start), save answers step by step (answer), grade on the server
and submit once (finish), resume or abandon practice (practice). The public names of the
modules are gathered here."""

from __future__ import annotations

from ...attempt_rules import GRACE, MESSAGES, Outcome, time_is_up
from .answer import (
    AnswerResult,
    QuestionPage,
    attempt_for,
    in_progress,
    load_content,
    question_page,
    record_answer,
)
from .finish import AttemptResults, Mark, is_over, results, submit, time_ran_out
from .followup import PreviousTry, missed_questions, previous_try, retry_missed
from .override import can_override, override
from .practice import (
    abandoned_practice,
    close_abandoned,
    discard,
    idle_attempts,
    practise,
    retry_mistakes,
    start_fresh,
    unfinished,
)
from .start import (
    MODES,
    QUICK_EXAM_MINUTES,
    QuizError,
    QuizRequest,
    available_tags,
    item_values,
    latest_marks,
    latest_mistakes,
    start_quiz,
    start_retry,
)

__all__ = [
    "GRACE",
    "MESSAGES",
    "MODES",
    "QUICK_EXAM_MINUTES",
    "AnswerResult",
    "AttemptResults",
    "Mark",
    "Outcome",
    "PreviousTry",
    "QuestionPage",
    "QuizError",
    "QuizRequest",
    "abandoned_practice",
    "attempt_for",
    "available_tags",
    "can_override",
    "close_abandoned",
    "discard",
    "idle_attempts",
    "in_progress",
    "is_over",
    "item_values",
    "latest_marks",
    "latest_mistakes",
    "load_content",
    "missed_questions",
    "override",
    "practise",
    "previous_try",
    "question_page",
    "record_answer",
    "results",
    "retry_missed",
    "retry_mistakes",
    "start_fresh",
    "start_quiz",
    "start_retry",
    "submit",
    "time_is_up",
    "time_ran_out",
    "unfinished",
]
