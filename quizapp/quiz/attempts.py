"""What the quiz pages share: the student's own attempt (or 404), and the note on an attempt
closed as abandoned."""

from __future__ import annotations

from flask import abort, flash
from flask_login import current_user

from ..extensions import db
from ..services import quizzes
from ..vocab import AttemptStatus


def attempt_or_404(attempt_id: int, versions: bool = False):
    # Another user's attempt is indistinguishable from a missing one.
    attempt = quizzes.attempt_for(db.session, current_user, attempt_id, versions)
    if attempt is None:
        abort(404)
    return attempt


ABANDONED = "This practice was left unfinished and closed as abandoned; it counts in no score."


def abandoned(attempt) -> bool:
    """Whether the attempt was closed as abandoned (then says so in a flash message)."""
    if attempt.status != AttemptStatus.ABANDONED:
        return False
    flash(ABANDONED, "info")
    return True
