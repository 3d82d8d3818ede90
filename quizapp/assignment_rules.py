"""The rules of class assignments, as pure decisions. No Flask, no database.

- what a student may see of an attempt now (Moodle's review options: four phases, and in each
  the score, the right answers and the feedback);
- one student's dates and limits, with their override (a later close, extra time, an extra
  attempt);
- whether an attempt may start, and the deadline it gets;
- the grade by a grading method (highest, last, first, average) and the student's status;
- a flashcard goal's progress, counted from reviews.

Times are naive UTC, as the app stores them; a class's local times are converted at the edges
(`local_to_utc`, `utc_to_local`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from .scheduling import zone
from .vocab import GoalTarget, GradingMethod, Mode

# Moodle's "immediately after the attempt": the two minutes after it is submitted.
IMMEDIATELY = timedelta(minutes=2)


class ReviewPhase(StrEnum):
    DURING = "during"
    IMMEDIATELY_AFTER = "immediately_after"
    LATER_WHILE_OPEN = "later_while_open"
    AFTER_CLOSE = "after_close"


PHASE_LABELS = {
    ReviewPhase.DURING: "During the attempt",
    ReviewPhase.IMMEDIATELY_AFTER: "Immediately after the attempt",
    ReviewPhase.LATER_WHILE_OPEN: "Later, while still open",
    ReviewPhase.AFTER_CLOSE: "After the close date",
}
REVIEW_ITEMS = {"score": "Score", "answers": "Right answers", "feedback": "Feedback"}
# Moodle's defaults: nothing during an attempt, everything once it is submitted.
DEFAULT_REVIEW = {
    ReviewPhase.DURING.value: [],
    **{phase.value: list(REVIEW_ITEMS) for phase in list(ReviewPhase)[1:]},
}


GRADING_LABELS = {
    GradingMethod.HIGHEST: "Highest grade",
    GradingMethod.LAST: "Last attempt",
    GradingMethod.FIRST: "First attempt",
    GradingMethod.AVERAGE: "Average grade",
}


class AssignmentStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    LATE = "late"
    MISSED = "missed"


STATUS_LABELS = {
    AssignmentStatus.NOT_STARTED: "Not started",
    AssignmentStatus.IN_PROGRESS: "In progress",
    AssignmentStatus.SUBMITTED: "Submitted",
    AssignmentStatus.LATE: "Late",
    AssignmentStatus.MISSED: "Missed",
}


GOAL_LABELS = {
    GoalTarget.SEEN: "Every card reviewed at least once",
    GoalTarget.RECALLED: "Every card remembered (last rated Good or Easy)",
}
GOOD = 3  # scheduling.Rating.GOOD; Easy is 4


# ---- review options -------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """What of a finished (or, in practice, a checked) answer a student may see now."""

    score: bool
    answers: bool
    feedback: bool
    phase: ReviewPhase | None = None

    @property
    def anything(self) -> bool:
        return self.score or self.answers or self.feedback


EVERYTHING = Shown(True, True, True)
NOTHING = Shown(False, False, False)


@dataclass(frozen=True)
class AttemptFacts:
    """An attempt as the review rules see it: `finished_at` is None while it runs."""

    mode: str
    finished_at: datetime | None


@dataclass(frozen=True)
class AssignedReview:
    """An assignment's review options and the close date that applies to this student."""

    options: Mapping[str, Iterable[str]]
    closes_at: datetime | None


def review_phase(finished_at: datetime | None, closes_at: datetime | None, now) -> ReviewPhase:
    """Moodle's order: running is "during"; past the close date is "after close" (even within
    two minutes of submitting); then "immediately after"; else "later, while open"."""
    if finished_at is None:
        return ReviewPhase.DURING
    if closes_at is not None and now >= closes_at:
        return ReviewPhase.AFTER_CLOSE
    if now < finished_at + IMMEDIATELY:
        return ReviewPhase.IMMEDIATELY_AFTER
    return ReviewPhase.LATER_WHILE_OPEN


def what_may_be_shown(
    attempt: AttemptFacts, assignment: AssignedReview | None, now: datetime
) -> Shown:
    """The one review policy every page and response asks.

    An exam shows nothing while it runs, whatever the options say (the key never reaches the
    browser before submission); "during" applies to practice questions once checked. Attempts
    outside any assignment show everything once submitted, and practice feedback as it comes."""
    running = attempt.finished_at is None
    if running and attempt.mode != Mode.PRACTICE:
        return replace(NOTHING, phase=ReviewPhase.DURING)
    if assignment is None:
        return replace(EVERYTHING, phase=review_phase(attempt.finished_at, None, now))
    phase = review_phase(attempt.finished_at, assignment.closes_at, now)
    allowed = set(assignment.options.get(phase.value, ()))
    return Shown("score" in allowed, "answers" in allowed, "feedback" in allowed, phase)


def clean_review(options: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Review options as stored: every phase, known items only, in a fixed order."""
    return {
        phase.value: [item for item in REVIEW_ITEMS if item in set(options.get(phase.value, ()))]
        for phase in ReviewPhase
    }


# ---- one student's window --------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """When one student may work on an assignment and how much: dates, time, attempts."""

    opens_at: datetime | None
    due_at: datetime | None
    closes_at: datetime | None
    time_limit_minutes: int | None = None
    attempts_allowed: int = 0  # 0: unlimited

    @property
    def due(self) -> datetime | None:
        """The date a submission is on time by (the due date, else the close date)."""
        return self.due_at or self.closes_at

    def is_open(self, now: datetime) -> bool:
        started = self.opens_at is None or now >= self.opens_at
        return started and (self.closes_at is None or now < self.closes_at)

    def is_upcoming(self, now: datetime) -> bool:
        return self.opens_at is not None and now < self.opens_at

    def is_closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at


@dataclass(frozen=True)
class Extension:
    """A per-student override: a later close date, extra minutes, extra attempts."""

    closes_at: datetime | None = None
    extra_minutes: int = 0
    extra_attempts: int = 0


def with_override(window: Window, extension: Extension | None) -> Window:
    """The student's own window. A new close date also becomes their due date, so an
    extended student is not marked late; extra time and attempts add to a limit (there is
    nothing to add to when there is none)."""
    if extension is None:
        return window
    closes, due = window.closes_at, window.due_at
    if extension.closes_at is not None:
        closes, due = extension.closes_at, None
    limit = window.time_limit_minutes
    if limit and extension.extra_minutes:
        limit += extension.extra_minutes
    attempts = window.attempts_allowed
    if attempts and extension.extra_attempts:
        attempts += extension.extra_attempts
    return Window(window.opens_at, due, closes, limit, attempts)


def window_problem(window: Window) -> str | None:
    """What is wrong with a window's dates (None: nothing)."""
    opens, due, closes = window.opens_at, window.due_at, window.closes_at
    if opens is not None and closes is not None and closes <= opens:
        return "The close date must come after the open date."
    if opens is not None and due is not None and due <= opens:
        return "The due date must come after the open date."
    if due is not None and closes is not None and closes < due:
        return "The close date cannot come before the due date."
    return None


def why_not_start(window: Window, attempts_used: int, now: datetime) -> str | None:
    """Why this student may not start another attempt now (None: they may)."""
    if window.is_upcoming(now):
        return "This assignment is not open yet."
    if window.is_closed(now):
        return "This assignment is closed."
    if window.attempts_allowed and attempts_used >= window.attempts_allowed:
        return "You have used every attempt this assignment allows."
    return None


def attempt_deadline(window: Window, started_at: datetime) -> datetime | None:
    """The earlier of the time limit's end and the close date (None: neither applies)."""
    ends = []
    if window.time_limit_minutes:
        ends.append(started_at + timedelta(minutes=window.time_limit_minutes))
    if window.closes_at is not None:
        ends.append(window.closes_at)
    return min(ends) if ends else None


# ---- grades and statuses ----------------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    """One finished attempt: when, and its score as a percentage."""

    finished_at: datetime
    percent: float


def grade(method: str, attempts: Sequence[Finished]) -> float | None:
    """The assignment's grade (a percentage) from the finished attempts (None: none yet)."""
    if not attempts:
        return None
    ordered = sorted(attempts, key=lambda a: a.finished_at)
    if method == GradingMethod.FIRST:
        return ordered[0].percent
    if method == GradingMethod.LAST:
        return ordered[-1].percent
    if method == GradingMethod.AVERAGE:
        return sum(a.percent for a in ordered) / len(ordered)
    return max(a.percent for a in ordered)


def counted_attempt(method: str, attempts: Sequence[Finished]) -> int | None:
    """Which of `attempts` (its index) the grade is, for one-attempt methods (None: average)."""
    if not attempts or method == GradingMethod.AVERAGE:
        return None
    indexed = sorted(range(len(attempts)), key=lambda i: attempts[i].finished_at)
    if method == GradingMethod.FIRST:
        return indexed[0]
    if method == GradingMethod.LAST:
        return indexed[-1]
    best = max(a.percent for a in attempts)
    return next(i for i in indexed if attempts[i].percent == best)  # the first of the best


def status(
    window: Window, finished: Iterable[datetime], running: bool, now: datetime
) -> AssignmentStatus:
    """Submitted (or late, if the first submission came after the student's due date),
    in progress, missed (closed or past due with nothing submitted), or not started."""
    times = sorted(finished)
    if times:
        late = window.due is not None and times[0] > window.due
        return AssignmentStatus.LATE if late else AssignmentStatus.SUBMITTED
    if running:
        return AssignmentStatus.IN_PROGRESS
    if window.is_closed(now):
        return AssignmentStatus.MISSED
    return AssignmentStatus.NOT_STARTED


# ---- flashcard goals --------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    done: int
    total: int
    completed_at: datetime | None  # when the target was first met

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0


def goal_progress(
    target: str, cards: Iterable[int], reviews: Iterable[tuple[datetime, int, int]]
) -> GoalProgress:
    """Progress towards a goal over the deck's `cards`, from (reviewed_at, card_id, rating)."""
    wanted = set(cards)
    latest: dict[int, int] = {}
    completed_at = None
    for reviewed_at, card_id, rating in sorted(reviews):
        if card_id not in wanted:
            continue
        latest[card_id] = rating
        if completed_at is None and _met(target, latest, wanted):
            completed_at = reviewed_at
    return GoalProgress(_done(target, latest), len(wanted), completed_at)


def _done(target: str, latest: dict[int, int]) -> int:
    if target == GoalTarget.RECALLED:
        return sum(rating >= GOOD for rating in latest.values())
    return len(latest)


def _met(target: str, latest: dict[int, int], wanted: set[int]) -> bool:
    return len(latest) == len(wanted) and _done(target, latest) == len(wanted)


def goal_status(
    progress: GoalProgress, window: Window, now: datetime, started: bool
) -> AssignmentStatus:
    if progress.completed_at is not None:
        late = window.due is not None and progress.completed_at > window.due
        return AssignmentStatus.LATE if late else AssignmentStatus.SUBMITTED
    if window.due is not None and now >= window.due:
        return AssignmentStatus.MISSED
    return AssignmentStatus.IN_PROGRESS if started else AssignmentStatus.NOT_STARTED


# ---- join codes and local times ---------------------------------------------------------------

# No 0/O, 1/I/L: a code read aloud or off a board is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_join_code(choice=secrets.choice) -> str:
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """A code as typed: any case, with spaces or dashes."""
    return "".join(c for c in (text or "").upper() if c.isalnum())[:32]


def local_to_utc(moment: datetime | None, timezone: str) -> datetime | None:
    """A wall-clock time in the class's zone (naive) as naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=zone(timezone)).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(moment: datetime | None, timezone: str) -> datetime | None:
    """Naive UTC as an aware time in the class's zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(zone(timezone))


def local_label(moment: datetime | None, timezone: str, empty: str = "—") -> str:
    """Naive UTC as the class reads it: "Mon 02 Mar 2026, 13:00 CET"."""
    local = utc_to_local(moment, timezone)
    return local.strftime("%a %d %b %Y, %H:%M %Z") if local is not None else empty


def local_input(moment: datetime | None, timezone: str) -> datetime | None:
    """Naive UTC as the naive local time a form field shows."""
    local = utc_to_local(moment, timezone)
    return local.replace(tzinfo=None) if local is not None else None
